package markup

import (
	"strings"
	"testing"
)

// xssVectors are inputs that try to get executable HTML into a comment.
// They seed the fuzzer too.
var xssVectors = []string{
	// Raw HTML, block and inline.
	`<script>alert(1)</script>`,
	`<SCRIPT SRC=https://evil.example/x.js></SCRIPT>`,
	"text <script>alert(1)</script> text",
	`<scr<script>ipt>alert(1)</scr</script>ipt>`,
	`<img src=x onerror=alert(1)>`,
	`a <img src=x onerror=alert(1)> b`,
	`<svg onload=alert(1)>`,
	`<svg><script>alert(1)</script></svg>`,
	`<body onload=alert(1)>`,
	`<div onmouseover="alert(1)">hover</div>`,
	`<p onclick=alert(1)>x</p>`,
	`<a href="javascript:alert(1)">x</a>`,
	`<a href=https://a.example onclick=alert(1)>x</a>`,
	`<input autofocus onfocus=alert(1)>`,
	`<details open ontoggle=alert(1)>`,
	`<video><source onerror=alert(1)></video>`,
	`<marquee onstart=alert(1)>`,
	`<iframe src="javascript:alert(1)"></iframe>`,
	`<iframe srcdoc="<script>alert(1)</script>">`,
	`<object data="data:text/html,<script>alert(1)</script>">`,
	`<embed src="javascript:alert(1)">`,
	`<form action="javascript:alert(1)"><button>x</button></form>`,
	`<style>body{background:url(javascript:alert(1))}</style>`,
	`<p style="background:url(javascript:alert(1))">x</p>`,
	`<link rel=stylesheet href=https://evil.example/x.css>`,
	`<meta http-equiv="refresh" content="0;url=javascript:alert(1)">`,
	`<base href="javascript:alert(1)//">`,
	`<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>`,
	`<math><maction actiontype="statusline" xlink:href="javascript:alert(1)">x</maction></math>`,
	`<noscript><p title="</noscript><img src=x onerror=alert(1)>">`,
	`<svg></p><style><a id="</style><img src=1 onerror=alert(1)>">`,
	`<!--<img src="--><img src=x onerror=alert(1)//">`,
	`<![CDATA[<script>alert(1)</script>]]>`,
	`<?xml version="1.0"?><script>alert(1)</script>`,
	`<template><script>alert(1)</script></template>`,
	`<textarea></textarea><script>alert(1)</script>`,
	`<div>` + "\n\n" + `*<img src=x onerror=alert(1)>*` + "\n\n" + `</div>`,
	// Markdown links and images with dangerous targets.
	`[x](javascript:alert(1))`,
	`[x](JaVaScRiPt:alert(1))`,
	`[x](javascript&#58;alert(1))`,
	`[x](javascript&colon;alert(1))`,
	`[x](&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1))`,
	`[x](&#x6A;avascript:alert(1))`,
	`[x](java%0ascript:alert(1))`,
	"[x](<java\nscript:alert(1)>)",
	"[x](<java\tscript:alert(1)>)",
	"[x](java\u200bscript:alert(1))",
	"[x](\u2060javascript:alert(1))",
	"[x](\x01javascript:alert(1))",
	`[x]( javascript:alert(1))`,
	`[x](<javascript:alert(1)>)`,
	`[x](java\script:alert(1))`,
	`[x](javascript\:alert(1))`,
	`[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)`,
	`[x](vbscript:msgbox(1))`,
	`[x](file:///etc/passwd)`,
	`[x](//evil.example/)`,
	`[x](/relative/path)`,
	`[x](#fragment)`,
	`![x](javascript:alert(1))`,
	`![x](data:image/svg+xml,<svg onload=alert(1)>)`,
	`![x" onerror="alert(1)](https://i.example/a.png)`,
	`[x](https://a.example/"onmouseover="alert(1))`,
	`[x](https://a.example "title\" onmouseover=\"alert(1)")`,
	`[x](https://a.example 'a" onmouseover="alert(1)')`,
	`[x](<https://a.example/"><script>alert(1)</script>>)`,
	`[x][r]` + "\n\n" + `[r]: javascript:alert(1)`,
	`[x][r]` + "\n\n" + `[r]: <javascript:alert(1)> "t"`,
	`[r]` + "\n\n" + `[r]: JAVASCRIPT:alert(1)`,
	`![x][r]` + "\n\n" + `[r]: data:text/html,<script>alert(1)</script>`,
	// Autolinks.
	`<javascript:alert(1)>`,
	`<JAVASCRIPT:alert(1)>`,
	`<vbscript:msgbox(1)>`,
	`<data:text/html,<script>alert(1)</script>>`,
	`<https://a.example/"onmouseover="alert(1)>`,
	`https://a.example/"onmouseover="alert(1)`,
	`https://a.example/<script>alert(1)</script>`,
	`www.a.example/'onmouseover='alert(1)`,
	`javascript:alert(1)`,
	`<a@b.example?subject=<script>>`,
	// Code and backtick tricks.
	"`<script>alert(1)</script>`",
	"```\n<script>alert(1)</script>\n```",
	"```html onload=alert(1)\n<b>x</b>\n```",
	"``` \"><script>alert(1)</script>\nx\n```",
	"`` ` ``<img src=x onerror=alert(1)>",
	"    <script>alert(1)</script>",
	// Nested Markdown and HTML.
	`**<img src=x onerror=alert(1)>**`,
	`[<img src=x onerror=alert(1)>](https://a.example)`,
	`[![a](javascript:alert(1))](https://a.example)`,
	`[[x](javascript:alert(1))](https://a.example)`,
	`> <script>alert(1)</script>`,
	`- [x](javascript:alert(1))`,
	`# <script>alert(1)</script>`,
	`&lt;script&gt;alert(1)&lt;/script&gt;`,
	`&#60;script&#62;alert(1)&#60;/script&#62;`,
	`\<script>alert(1)\</script>`,
	"<scr\x00ipt>alert(1)</scr\x00ipt>",
	"<\u200bscript>alert(1)</script>",
	"\uFEFF<script>alert(1)</script>",
}

func TestXSSVectorCount(t *testing.T) {
	seen := map[string]bool{}
	for _, v := range xssVectors {
		if seen[v] {
			t.Errorf("duplicate vector %q", v)
		}
		seen[v] = true
	}
	if len(seen) < 60 {
		t.Errorf("%d distinct vectors, want at least 60", len(seen))
	}
}

func TestRenderXSS(t *testing.T) {
	r := New()
	for _, v := range xssVectors {
		out := render(t, r, v)
		if err := checkSafe(out); err != nil {
			t.Errorf("Render(%q) = %q: %v", v, out, err)
		}
	}
}

// TestRenderDropsUnsafeLinks checks the other half of the contract: an
// unsafe target removes the link but keeps its text for the reader.
func TestRenderDropsUnsafeLinks(t *testing.T) {
	r := New()
	for _, v := range xssVectors {
		// Only inline links with a dangerous or relative target; the
		// newline variant is not a link at all in CommonMark.
		if !strings.HasPrefix(v, "[x](") || strings.Contains(v, "https://") || strings.Contains(v, "\n") {
			continue
		}
		out := render(t, r, v)
		if strings.Contains(out, "<a ") {
			t.Errorf("Render(%q) = %q, want no link", v, out)
		}
		if !strings.HasPrefix(out, "<p>x") {
			t.Errorf("Render(%q) = %q, want the link text kept", v, out)
		}
	}
}

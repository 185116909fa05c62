package markup

import (
	"errors"
	"fmt"
	"html"
	"strings"
	"testing"
	"unicode"
)

// allowedTags is every element a rendered comment may contain.
var allowedTags = map[string]bool{
	"p": true, "br": true, "em": true, "strong": true, "del": true, "a": true,
	"ul": true, "ol": true, "li": true, "blockquote": true, "code": true, "pre": true,
}

// checkSafe reports the first construct in out that is not known to be
// inert. It is an independent oracle for the renderer, written without an
// HTML library, and stricter than HTML: whatever it cannot parse is an error,
// so that a confused scanner fails tests instead of passing them.
func checkSafe(out string) error {
	s := out
	for {
		i := strings.IndexByte(s, '<')
		if i < 0 {
			return nil
		}
		rest, err := checkTag(s[i+1:])
		if err != nil {
			return fmt.Errorf("at offset %d: %w", len(out)-len(s)+i, err)
		}
		s = rest
	}
}

// checkTag scans one tag whose '<' has been consumed and returns the input
// after its '>'.
func checkTag(s string) (string, error) {
	closing := strings.HasPrefix(s, "/")
	if closing {
		s = s[1:]
	}
	name, s := scanName(s)
	name = strings.ToLower(name)
	if name == "" {
		return "", errors.New("'<' that does not start a tag (comment, doctype or stray)")
	}
	if !allowedTags[name] {
		return "", fmt.Errorf("tag %q is not allowed", name)
	}
	attrs, rest, err := scanAttrs(s)
	if err != nil {
		return "", fmt.Errorf("tag %q: %w", name, err)
	}
	if closing && len(attrs) > 0 {
		return "", fmt.Errorf("closing tag %q has attributes", name)
	}
	if closing {
		return rest, nil
	}
	return rest, checkAttrs(name, attrs)
}

// checkAttrs enforces that only <a> has attributes, exactly href and rel,
// with a safe href and the required rel.
func checkAttrs(tag string, attrs map[string]string) error {
	if tag != "a" {
		if len(attrs) > 0 {
			return fmt.Errorf("tag %q has attributes %v", tag, attrs)
		}
		return nil
	}
	for k := range attrs {
		if k != "href" && k != "rel" {
			return fmt.Errorf("attribute %q on <a>", k)
		}
	}
	href, ok := attrs["href"]
	if !ok {
		return errors.New("<a> without href")
	}
	if !safeHref(href) {
		return fmt.Errorf("unsafe href %q", href)
	}
	if attrs["rel"] != "nofollow ugc noopener noreferrer" {
		return fmt.Errorf("<a> has rel %q", attrs["rel"])
	}
	return nil
}

// scanName reads an ASCII tag or attribute name.
func scanName(s string) (name, rest string) {
	i := 0
	for i < len(s) && (isASCIILetter(s[i]) || (i > 0 && (s[i] >= '0' && s[i] <= '9' || s[i] == '-'))) {
		i++
	}
	return s[:i], s[i:]
}

// scanAttrs reads attributes up to and including '>'. Only double-quoted
// values are accepted, as that is all a serializer should emit.
func scanAttrs(s string) (map[string]string, string, error) {
	attrs := map[string]string{}
	for {
		s = strings.TrimLeft(s, " \t\n\r\f")
		switch {
		case s == "":
			return nil, "", errors.New("unterminated tag")
		case s[0] == '>':
			return attrs, s[1:], nil
		case strings.HasPrefix(s, "/>"):
			return attrs, s[2:], nil
		}
		name, rest := scanName(s)
		if name == "" || !strings.HasPrefix(rest, `="`) {
			return nil, "", fmt.Errorf("malformed attribute near %.20q", s)
		}
		end := strings.IndexByte(rest[2:], '"')
		if end < 0 {
			return nil, "", errors.New("unterminated attribute value")
		}
		name = strings.ToLower(name)
		if _, dup := attrs[name]; dup {
			return nil, "", fmt.Errorf("duplicate attribute %q", name)
		}
		attrs[name] = rest[2 : 2+end]
		s = rest[2+end+1:]
		if s != "" && !strings.ContainsRune(" \t\n\r\f/>", rune(s[0])) {
			return nil, "", errors.New("attribute not followed by space or end of tag")
		}
	}
}

// safeHref decodes an href the way a browser would, removes what browsers
// ignore inside a scheme, and accepts only http, https and mailto.
func safeHref(v string) bool {
	v = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return -1
		}
		return r
	}, html.UnescapeString(v))
	i := strings.IndexAny(v, ":/?#\\")
	if i <= 0 || v[i] != ':' {
		return false // relative, protocol-relative or empty
	}
	switch strings.ToLower(v[:i]) {
	case "http", "https", "mailto":
		return true
	}
	return false
}

func isASCIILetter(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func TestCheckSafeRejects(t *testing.T) {
	bad := []string{
		`<script>alert(1)</script>`,
		`<SCRIPT>alert(1)</SCRIPT>`,
		`<p>ok</p><img src=x onerror=alert(1)>`,
		`<svg/onload=alert(1)>`,
		`<iframe src="https://a.example"></iframe>`,
		`<style>*{}</style>`,
		`<math><mi>x</mi></math>`,
		`<p onclick="alert(1)">x</p>`,
		`<P ONCLICK="alert(1)">x</P>`,
		`<p style="color:red">x</p>`,
		`<code class="x">x</code>`,
		`<a href="javascript:alert(1)" rel="nofollow ugc noopener noreferrer">x</a>`,
		`<a href="JaVaScRiPt:alert(1)" rel="nofollow ugc noopener noreferrer">x</a>`,
		`<a href="&#106;avascript:alert(1)" rel="nofollow ugc noopener noreferrer">x</a>`,
		`<a href="javascript&#58;alert(1)" rel="nofollow ugc noopener noreferrer">x</a>`,
		`<a href="jav&#x09;ascript:alert(1)" rel="nofollow ugc noopener noreferrer">x</a>`,
		"<a href=\"java\u200bscript:alert(1)\" rel=\"nofollow ugc noopener noreferrer\">x</a>",
		"<a href=\" \x01javascript:alert(1)\" rel=\"nofollow ugc noopener noreferrer\">x</a>",
		`<a href="data:text/html,<script>alert(1)</script>" rel="nofollow ugc noopener noreferrer">x</a>`,
		`<a href="vbscript:msgbox(1)" rel="nofollow ugc noopener noreferrer">x</a>`,
		`<a href="//evil.example" rel="nofollow ugc noopener noreferrer">x</a>`,
		`<a href="/relative" rel="nofollow ugc noopener noreferrer">x</a>`,
		`<a href="" rel="nofollow ugc noopener noreferrer">x</a>`,
		`<a href='javascript:alert(1)' rel="nofollow ugc noopener noreferrer">x</a>`,
		`<a href=javascript:alert(1)>x</a>`,
		`<a href="https://a.example" href="javascript:alert(1)" rel="nofollow ugc noopener noreferrer">x</a>`,
		`<a href="https://a.example" rel="nofollow ugc noopener noreferrer" onclick="alert(1)">x</a>`,
		`<a href="https://a.example" rel="nofollow ugc noopener noreferrer" target="_blank">x</a>`,
		`<a href="https://a.example">x</a>`,
		`<a rel="nofollow ugc noopener noreferrer">x</a>`,
		`<a href="https://a.example"rel="x">x</a>`,
		`<a href="https://a.example`,
		`<!-- comment --><p>x</p>`,
		`<!DOCTYPE html>`,
		`<?xml version="1.0"?>`,
		`a < b`,
		`<p/onclick="alert(1)">`,
		`</p onclick="x">`,
		`<scr<script>ipt>alert(1)</script>`,
	}
	for _, s := range bad {
		if err := checkSafe(s); err == nil {
			t.Errorf("checkSafe(%q) = nil, want an error", s)
		}
	}
}

func TestCheckSafeAccepts(t *testing.T) {
	good := []string{
		``,
		`plain &lt;text&gt; &amp; more`,
		`<p>a<br>b<br/></p>`,
		`<p><em>a</em><strong>b</strong><del>c</del><code>d</code></p>`,
		"<ul>\n<li>a</li>\n</ul><ol><li>b</li></ol><blockquote><p>c</p></blockquote><pre><code>x</code></pre>",
		`<a href="https://a.example/?a=1&amp;b=2" rel="nofollow ugc noopener noreferrer">x</a>`,
		`<a href="HTTP://A.EXAMPLE" rel="nofollow ugc noopener noreferrer">x</a>`,
		`<a href="mailto:a@b.example" rel="nofollow ugc noopener noreferrer">x</a>`,
		`<p>javascript:alert(1)</p>`,
	}
	for _, s := range good {
		if err := checkSafe(s); err != nil {
			t.Errorf("checkSafe(%q) = %v, want nil", s, err)
		}
	}
}

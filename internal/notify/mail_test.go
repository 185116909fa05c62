package notify

import (
	"strings"
	"testing"
)

func TestExcerpt(t *testing.T) {
	for _, tc := range []struct{ html, want string }{
		{"<p>Hello <em>you</em> &amp; me</p>", "Hello you & me"},
		{"<p>One</p><p>Two<br>Three</p>", "One\nTwo\nThree"},
		{"<blockquote><p>quoted</p></blockquote><p>  spaced   out </p>", "quoted\nspaced out"},
		{"<p>&lt;script&gt;</p>", "<script>"},
		{"<p>" + strings.Repeat("word ", 100) + "</p>", strings.TrimSpace(strings.Repeat("word ", 60)) + " …"},
	} {
		if got := Excerpt(tc.html, 300); got != tc.want {
			t.Errorf("Excerpt(%.40q) = %q, want %q", tc.html, got, tc.want)
		}
	}
}

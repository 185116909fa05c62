package embed_test

import (
	"net/url"
	"strings"
	"testing"

	"parley"
	"parley/internal/embed"
)

// TestReturnChecker: what the e-mail sign-in keeps as a return URL opens,
// read as a browser reads a Location, on Parley's own origin or one of the
// site's, for every hostile return the block's form is tested with; good
// returns are kept as they were, without their fragment.
func TestReturnChecker(t *testing.T) {
	check := embed.ReturnChecker("https://comments.example")
	site := &parley.Site{ID: "news", Origins: []string{"https://news.example"}}
	base, _ := url.Parse("https://comments.example/")
	allowed := map[string]bool{"https://comments.example": true, "https://news.example": true}
	kept := 0
	for _, raw := range hostileReturns(t) {
		got, ok := check(site, raw)
		if !ok {
			continue
		}
		kept++
		u := resolveLikeBrowser(t, base, got+"#parley-code=psc_x")
		if origin := u.Scheme + "://" + u.Host; !allowed[origin] || u.User != nil || !strings.HasPrefix(got, "https://") {
			t.Errorf("return %q is kept as %q, which opens %s", raw, got, u)
		}
	}
	t.Logf("%d hostile returns kept, each on an allowed origin", kept)
	for raw, want := range map[string]string{
		"https://news.example/a?b=1#c": "https://news.example/a?b=1",
		"https://NEWS.example:443/a":   "https://news.example/a",
		"/demo":                        "https://comments.example/demo",
		"https://other.example/":       "",
		"https://news.example/" + strings.Repeat("a", 2048): "",
	} {
		got, ok := check(site, raw)
		if got != want || ok != (want != "") {
			t.Errorf("check(%q) = %q, %v; want %q", raw, got, ok, want)
		}
	}
	if got, ok := check(nil, "https://news.example/"); ok {
		t.Errorf("without a site, %q is kept", got)
	}
}

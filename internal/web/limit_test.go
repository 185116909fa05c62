package web_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"parley"
	"parley/internal/web"
)

// TestLimitHeaders: every 429 says when to try again, rounded up to whole
// seconds; other refusals say nothing.
func TestLimitHeaders(t *testing.T) {
	for _, c := range []struct {
		err  error
		want string
	}{
		{parley.TooManyRequests("k", "slow down", 1500*time.Millisecond), "2"},
		{parley.TooManyRequests("k", "slow down", time.Millisecond), "1"},
		{parley.TooManyRequests("k", "slow down", 0), "60"},
		{parley.Errorf(parley.ETOOMANYREQUESTS, "slow down"), "60"},
		{parley.Errorf(parley.EINVALID, "no"), ""},
	} {
		h := http.Header{}
		web.LimitHeaders(h, c.err)
		if got := h.Get("Retry-After"); got != c.want {
			t.Errorf("LimitHeaders(%v): Retry-After %q, want %q", c.err, got, c.want)
		}
	}
	if err := parley.TooManyRequests("emailTooMany", "slow down", time.Second); parley.ErrorCode(err) != parley.ETOOMANYREQUESTS || parley.ErrorKey(err) != "emailTooMany" {
		t.Errorf("TooManyRequests gives code %q key %q", parley.ErrorCode(err), parley.ErrorKey(err))
	}
}

// TestFormPolicy: the sign-in page's forms may lead to the return origin
// and nowhere else; what could widen the policy is left out.
func TestFormPolicy(t *testing.T) {
	h := http.Header{}
	web.FormPolicy(h, "https://news.example", "https://x.example; script-src *", "")
	csp := h.Get("Content-Security-Policy")
	if !strings.Contains(csp, "form-action 'self' https://news.example;") || strings.Contains(csp, "x.example") ||
		!strings.Contains(csp, "script-src 'self';") || !strings.HasSuffix(csp, "frame-ancestors 'none'") || h.Get("X-Frame-Options") != "DENY" {
		t.Errorf("FormPolicy: %q, X-Frame-Options %q", csp, h.Get("X-Frame-Options"))
	}
}

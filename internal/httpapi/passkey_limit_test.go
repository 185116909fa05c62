package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"parley"
	"parley/internal/httpapi"
)

// TestPasskeyCeremonyStartsLimited: a flood of ceremony starts from one
// client gets, after the burst, 429 signInTooFast with Retry-After on
// each route that starts one, counted apart; another client still
// starts. Refused starts, which store nothing, do not count.
func TestPasskeyCeremonyStartsLimited(t *testing.T) {
	s := passkeyStack(t, onSQLite)
	sessionOf(s, "Mara", "news", "email", parley.RoleCommenter)
	for _, tc := range []struct{ path, as string }{{pkSignInOptions, ""}, {pkRegisterOptions, "Mara"}} {
		flood := "X-Forwarded-For: 203.0.113.7"
		elsewhere := strings.Replace(tc.path, "/sites/news/", "/sites/elsewhere/", 1)
		for range 2 * httpapi.PasskeyBurst {
			wantStatus(t, elsewhere+" from news", s.do(http.MethodPost, elsewhere, "", tc.as, flood, "Origin: "+newsOrigin), http.StatusForbidden, "originNotAllowed")
		}
		for range httpapi.PasskeyBurst {
			wantStatus(t, tc.path+" within the burst", s.do(http.MethodPost, tc.path, "", tc.as, flood), http.StatusOK, "")
		}
		r := s.do(http.MethodPost, tc.path, "", tc.as, flood)
		wantStatus(t, tc.path+" past the burst", r, http.StatusTooManyRequests, "signInTooFast")
		if r.header.Get("Retry-After") == "" {
			t.Errorf("%s past the burst: no Retry-After", tc.path)
		}
		wantStatus(t, tc.path+" from another client", s.do(http.MethodPost, tc.path, "", tc.as, "X-Forwarded-For: 198.51.100.9"), http.StatusOK, "")
	}
}

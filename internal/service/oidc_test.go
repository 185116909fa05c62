package service

import (
	"testing"

	"parley"
)

// noProvider is an OIDCProvider that is never asked: OIDCName needs none.
type noProvider struct{ OIDCProvider }

// TestOIDCName: what the sign-in methods say of a site's OIDC.
func TestOIDCName(t *testing.T) {
	on := New(nil, nil, nil, nil, WithOIDC(noProvider{}, "https://comments.example"))
	off := New(nil, nil, nil, nil)
	for _, tc := range []struct {
		svc  *Service
		oidc parley.OIDC
		want string
	}{
		{on, parley.OIDC{}, ""},
		{on, parley.OIDC{Issuer: "https://login.example/realms/news", ClientID: "c", Name: "Example Login"}, "Example Login"},
		{on, parley.OIDC{Issuer: "https://login.example/realms/news", ClientID: "c"}, "login.example"},
		{off, parley.OIDC{Issuer: "https://login.example", ClientID: "c", Name: "Example Login"}, ""},
	} {
		if got := tc.svc.OIDCName(&parley.Site{ID: "news", OIDC: tc.oidc}); got != tc.want {
			t.Errorf("OIDCName(%+v) = %q, want %q", tc.oidc, got, tc.want)
		}
	}
	if on.oidcCallback != "https://comments.example/auth/oidc/callback" || on.publicOrigin != "https://comments.example" {
		t.Errorf("callback %q, public origin %q", on.oidcCallback, on.publicOrigin)
	}
}

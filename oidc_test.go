package parley

import "testing"

func TestValidIssuer(t *testing.T) {
	for issuer, want := range map[string]bool{
		"https://login.example":              true,
		"https://login.example/realms/news":  true,
		"http://127.0.0.1:9998":              true,
		"http://localhost:9998/":             true,
		"http://[::1]:9998":                  true,
		"http://login.example":               false, // plain HTTP off this machine
		"http://127.0.0.1.example":           false,
		"ftp://login.example":                false,
		"https://":                           false,
		"login.example":                      false,
		"https://login.example?tenant=1":     false,
		"https://login.example#x":            false,
		"https://user:pw@login.example":      false,
		"https://login.example/" + long(500): false,
	} {
		if got := ValidIssuer(issuer); got != want {
			t.Errorf("ValidIssuer(%q) = %v, want %v", issuer, got, want)
		}
	}
}

func TestOIDCValidate(t *testing.T) {
	ok := OIDC{Issuer: "https://login.example", ClientID: "parley", Secret: "s", Name: "Example Login"}
	for name, tc := range map[string]struct {
		o  OIDC
		ok bool
	}{
		"off":               {OIDC{}, true},
		"on":                {ok, true},
		"public client":     {OIDC{Issuer: ok.Issuer, ClientID: "parley"}, true},
		"no client ID":      {OIDC{Issuer: ok.Issuer}, false},
		"client ID alone":   {OIDC{ClientID: "parley"}, false},
		"bad issuer":        {OIDC{Issuer: "http://login.example", ClientID: "parley"}, false},
		"long name":         {OIDC{Issuer: ok.Issuer, ClientID: "parley", Name: long(101)}, false},
		"client ID with LF": {OIDC{Issuer: ok.Issuer, ClientID: "a\nb"}, false},
	} {
		err := tc.o.Validate()
		if (err == nil) != tc.ok || err != nil && ErrorCode(err) != EINVALID {
			t.Errorf("%s: Validate() = %v, want ok %v", name, err, tc.ok)
		}
	}
}

func long(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = 'a'
	}
	return string(b)
}

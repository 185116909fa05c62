package httpapi_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/MicahParks/jwkset"
	"github.com/golang-jwt/jwt/v5"

	"parley"
	"parley/internal/store/postgres"
	"parley/internal/store/postgres/pgtest"
)

// BenchmarkSSOExchange is the whole exchange through the handler, on
// SQLite and on PostgreSQL: decode, verify, one unit of work (jti,
// identity, user, session), encode. Tokens are minted before the clock
// starts, each with its own jti and all for one sub, as a returning
// reader's would be. The JWKS case verifies RS256 with a key that is
// already cached. PostgreSQL commits durably here, unlike the scenario
// stacks: the commit is most of what an exchange costs.
func BenchmarkSSOExchange(b *testing.B) {
	backends := []struct {
		name string
		open backend
	}{
		{"sqlite", onSQLite},
		{"postgres", func(t testing.TB) parley.Store {
			store, err := postgres.Open(context.Background(), pgtest.SchemaURL(t, pgtest.URL(t)))
			if err != nil {
				t.Fatalf("open store: %v", err)
			}
			t.Cleanup(func() { store.Close() })
			return store
		}},
	}
	for _, be := range backends {
		b.Run(be.name, func(b *testing.B) { benchmarkSSOExchange(b, be.open) })
	}
}

func benchmarkSSOExchange(b *testing.B, open backend) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		b.Fatal(err)
	}
	jwks := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		jwk, _ := jwkset.NewJWKFromKey(&key.PublicKey, jwkset.JWKOptions{Metadata: jwkset.JWKMetadataOptions{KID: "r1"}})
		json.NewEncoder(w).Encode(jwkset.JWKSMarshal{Keys: []jwkset.JWKMarshal{jwk.Marshal()}})
	}))
	defer jwks.Close()
	for _, bc := range []struct {
		name   string
		method jwt.SigningMethod
		kid    string
		key    any
	}{
		{"HS256", jwt.SigningMethodHS256, "k1", []byte(ssoSecret)},
		{"JWKS-RS256-cached", jwt.SigningMethodRS256, "r1", key},
	} {
		b.Run(bc.name, func(b *testing.B) {
			s := fixtures(b, open)
			site, err := s.svc.Site(context.Background(), "members")
			if err != nil {
				b.Fatal(err)
			}
			site.SSO.JWKSURL = jwks.URL
			if err := s.svc.UpdateSite(context.Background(), site); err != nil {
				b.Fatal(err)
			}
			now := s.clock()
			mint := func(i int) string {
				tok := jwt.NewWithClaims(bc.method, jwt.MapClaims{"sub": "bench", "name": "Bench", "aud": "members",
					"exp": now.Add(time.Hour).Unix(), "iat": now.Unix(), "jti": fmt.Sprint("j", i)})
				tok.Header["kid"] = bc.kid
				out, err := tok.SignedString(bc.key)
				if err != nil {
					b.Fatal(err)
				}
				return `{"token":"` + out + `"}`
			}
			exchange := func(body string) {
				req := httptest.NewRequest("POST", "/api/v1/sites/members/auth/sso", strings.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				w := httptest.NewRecorder()
				s.handler.ServeHTTP(w, req)
				if w.Code != http.StatusOK {
					b.Fatalf("status %d: %s", w.Code, w.Body)
				}
			}
			exchange(mint(-1)) // creates the user and fills the JWKS cache
			bodies := make([]string, b.N)
			for i := range bodies {
				bodies[i] = mint(i)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				exchange(bodies[i])
			}
		})
	}
}

package auth_test

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/MicahParks/jwkset"
	"github.com/golang-jwt/jwt/v5"

	"parley"
	"parley/internal/auth"
)

// Test keys, made once per run: RSA key generation is the slow part.
var (
	keysOnce sync.Once
	rsaKey   *rsa.PrivateKey
	ecKey    *ecdsa.PrivateKey
	edPub    ed25519.PublicKey
	edKey    ed25519.PrivateKey
	otherRSA *rsa.PrivateKey
)

const (
	secretA = "secret-a-0123456789abcdef0123456789abcdef"
	secretB = "secret-b-0123456789abcdef0123456789abcdef"
)

func testKeys(t testing.TB) {
	t.Helper()
	keysOnce.Do(func() {
		var err error
		if rsaKey, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
		if otherRSA, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
		if ecKey, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader); err != nil {
			panic(err)
		}
		if edPub, edKey, err = ed25519.GenerateKey(rand.Reader); err != nil {
			panic(err)
		}
	})
}

// jwksServer serves the public keys as a JWKS and counts its requests;
// down makes it answer 503.
type jwksServer struct {
	*httptest.Server
	hits atomic.Int32
	down atomic.Bool
	mu   sync.Mutex
	body []byte
}

func newJWKSServer(t testing.TB, keys map[string]any) *jwksServer {
	t.Helper()
	j := &jwksServer{}
	j.setKeys(t, keys)
	j.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		j.hits.Add(1)
		if j.down.Load() {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		j.mu.Lock()
		defer j.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.Write(j.body)
	}))
	t.Cleanup(j.Close)
	return j
}

func (j *jwksServer) setKeys(t testing.TB, keys map[string]any) {
	t.Helper()
	var set jwkset.JWKSMarshal
	for kid, k := range keys {
		jwk, err := jwkset.NewJWKFromKey(k, jwkset.JWKOptions{Metadata: jwkset.JWKMetadataOptions{KID: kid}})
		if err != nil {
			t.Fatal(err)
		}
		set.Keys = append(set.Keys, jwk.Marshal())
	}
	body, err := json.Marshal(set)
	if err != nil {
		t.Fatal(err)
	}
	j.mu.Lock()
	j.body = body
	j.mu.Unlock()
}

// clock is a test clock that moves only when told.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

var t0 = time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)

// claims returns valid claims for site news at t0, with changes.
func claims(changes map[string]any) jwt.MapClaims {
	c := jwt.MapClaims{"sub": "reader-42", "name": "Ada", "email": "ada@example.org", "badges": []string{"subscriber"},
		"aud": "news", "iss": "https://pub.example", "exp": t0.Add(5 * time.Minute).Unix(), "iat": t0.Unix(), "nbf": t0.Unix(), "jti": "j-1"}
	for k, v := range changes {
		if v == nil {
			delete(c, k)
		} else {
			c[k] = v
		}
	}
	return c
}

// sign makes a JWT with method and key, the given kid ("" for none) and
// extra header fields.
func sign(t testing.TB, m jwt.SigningMethod, key any, kid string, c jwt.MapClaims, header map[string]any) string {
	t.Helper()
	tok := jwt.NewWithClaims(m, c)
	if kid != "" {
		tok.Header["kid"] = kid
	}
	for k, v := range header {
		tok.Header[k] = v
	}
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func hmacSite() *parley.Site {
	return &parley.Site{ID: "news", SSO: parley.SSO{Secrets: []parley.SSOSecret{{KID: "a", Secret: secretA}}, Issuer: "https://pub.example"}}
}

func jwksSite(url string) *parley.Site {
	return &parley.Site{ID: "news", SSO: parley.SSO{JWKSURL: url, Issuer: "https://pub.example"}}
}

func publicPEM(t testing.TB, pub any) []byte {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}

// TestSSORefusals is every refused token, each with its own key, on the
// site kind it concerns.
func TestSSORefusals(t *testing.T) {
	testKeys(t)
	srv := newJWKSServer(t, map[string]any{"rsa": &rsaKey.PublicKey, "ec": &ecKey.PublicKey, "ed": edPub})
	hs := func(c jwt.MapClaims) string { return sign(t, jwt.SigningMethodHS256, []byte(secretA), "a", c, nil) }
	rs := func(c jwt.MapClaims, h map[string]any) string {
		return sign(t, jwt.SigningMethodRS256, rsaKey, "rsa", c, h)
	}
	none := sign(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, "a", claims(nil), nil)
	// A token claiming HS256 with the site's RSA public key (as PEM) as
	// the secret: the classic confusion of a verifier that takes the key
	// from the site and the algorithm from the token.
	confused := sign(t, jwt.SigningMethodHS256, publicPEM(t, &rsaKey.PublicKey), "rsa", claims(nil), nil)
	tests := []struct {
		name  string
		site  *parley.Site
		token string
		key   string
	}{
		{"sso off", &parley.Site{ID: "news"}, hs(claims(nil)), "ssoOff"},
		{"alg none", hmacSite(), none, "ssoAlgNone"},
		{"alg none on jwks", jwksSite(srv.URL), none, "ssoAlgNone"},
		{"alg not configured: RS256 on an HMAC site", hmacSite(), rs(claims(nil), nil), "ssoAlgNotAllowed"},
		{"alg not configured: HS256 on a site without secrets or JWKS", &parley.Site{ID: "news", SSO: parley.SSO{Issuer: "x", Secrets: nil, JWKSURL: ""}}, hs(claims(nil)), "ssoOff"},
		{"alg unknown: HS512", hmacSite(), sign(t, jwt.SigningMethodHS512, []byte(secretA), "a", claims(nil), nil), "ssoAlgNotAllowed"},
		{"HS/RS confusion", jwksSite(srv.URL), confused, "ssoAlgConfusion"},
		{"ES256 header on an RSA kid", jwksSite(srv.URL), sign(t, jwt.SigningMethodES256, ecKey, "rsa", claims(nil), nil), "ssoAlgConfusion"},
		{"bad signature HS256", hmacSite(), sign(t, jwt.SigningMethodHS256, []byte(secretB), "a", claims(nil), nil), "ssoBadSignature"},
		{"bad signature RS256", jwksSite(srv.URL), sign(t, jwt.SigningMethodRS256, otherRSA, "rsa", claims(nil), nil), "ssoBadSignature"},
		{"tampered payload", hmacSite(), tamper(hs(claims(nil))), "ssoBadSignature"},
		{"expired", hmacSite(), hs(claims(map[string]any{"exp": t0.Unix()})), "ssoExpired"},
		{"no exp", hmacSite(), hs(claims(map[string]any{"exp": nil})), "ssoNoExpiry"},
		{"not yet valid", hmacSite(), hs(claims(map[string]any{"nbf": t0.Add(2 * time.Minute).Unix()})), "ssoNotYetValid"},
		{"iat in the future beyond skew", hmacSite(), hs(claims(map[string]any{"iat": t0.Add(61 * time.Second).Unix()})), "ssoIssuedInFuture"},
		{"wrong aud", hmacSite(), hs(claims(map[string]any{"aud": "other"})), "ssoWrongAudience"},
		{"no aud", hmacSite(), hs(claims(map[string]any{"aud": nil})), "ssoWrongAudience"},
		{"wrong iss", hmacSite(), hs(claims(map[string]any{"iss": "https://evil.example"})), "ssoWrongIssuer"},
		{"no sub", hmacSite(), hs(claims(map[string]any{"sub": nil})), "ssoNoSubject"},
		{"blank sub", hmacSite(), hs(claims(map[string]any{"sub": "  "})), "ssoNoSubject"},
		{"unknown HS kid", hmacSite(), sign(t, jwt.SigningMethodHS256, []byte(secretA), "zzz", claims(nil), nil), "ssoUnknownKid"},
		{"unknown JWKS kid after refetch", jwksSite(srv.URL), sign(t, jwt.SigningMethodRS256, rsaKey, "zzz", claims(nil), nil), "ssoUnknownKid"},
		{"jku header", jwksSite(srv.URL), rs(claims(nil), map[string]any{"jku": "https://evil.example/jwks"}), "ssoForeignKey"},
		{"x5u header", jwksSite(srv.URL), rs(claims(nil), map[string]any{"x5u": "https://evil.example/cert"}), "ssoForeignKey"},
		{"jwk header", hmacSite(), sign(t, jwt.SigningMethodHS256, []byte(secretA), "a", claims(nil), map[string]any{"jwk": map[string]string{"kty": "oct", "k": "AAAA"}}), "ssoForeignKey"},
		{"over 8 KiB", hmacSite(), hs(claims(map[string]any{"pad": strings.Repeat("x", 8<<10)})), "ssoTooLarge"},
		{"garbage", hmacSite(), "not.a.jwt", "ssoMalformed"},
		{"two parts", hmacSite(), "eyJhbGciOiJIUzI1NiJ9.e30", "ssoMalformed"},
		{"empty", hmacSite(), "", "ssoMalformed"},
		{"sub too long", hmacSite(), hs(claims(map[string]any{"sub": strings.Repeat("s", 256)})), "ssoClaimTooLong"},
		{"badges not strings", hmacSite(), hs(claims(map[string]any{"badges": []int{1}})), "ssoMalformed"},
		{"role on a site that honours roles, not a role", roleSite(), hs(claims(map[string]any{"role": "god"})), "ssoBadRole"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := &clock{now: t0}
			v := auth.NewSSO(auth.NewJWKS(srv.Client(), clk.Now), clk.Now)
			got, err := v.Verify(t.Context(), tt.site, tt.token)
			if err == nil {
				t.Fatalf("Verify = %+v, want refused with %s", got, tt.key)
			}
			if parley.ErrorCode(err) != parley.EUNAUTHORIZED || parley.ErrorKey(err) != tt.key {
				t.Fatalf("Verify = %v (code %s, key %s), want unauthorized with key %s", err, parley.ErrorCode(err), parley.ErrorKey(err), tt.key)
			}
		})
	}
}

func roleSite() *parley.Site {
	s := hmacSite()
	s.SSO.Roles = true
	return s
}

// tamper changes the payload's sub, keeping the signature.
func tamper(token string) string {
	parts := strings.Split(token, ".")
	raw, _ := base64.RawURLEncoding.DecodeString(parts[1])
	var c map[string]any
	json.Unmarshal(raw, &c)
	c["sub"] = "someone-else"
	raw, _ = json.Marshal(c)
	parts[1] = base64.RawURLEncoding.EncodeToString(raw)
	return strings.Join(parts, ".")
}

// TestSSOAccepts is the happy paths: every algorithm, the claims as sent,
// skew within 60 s, role only where the site honours it.
func TestSSOAccepts(t *testing.T) {
	testKeys(t)
	srv := newJWKSServer(t, map[string]any{"rsa": &rsaKey.PublicKey, "ec": &ecKey.PublicKey, "ed": edPub})
	tests := []struct {
		name  string
		site  *parley.Site
		token string
		role  string
	}{
		{"HS256", hmacSite(), sign(t, jwt.SigningMethodHS256, []byte(secretA), "a", claims(nil), nil), ""},
		{"HS256 without kid, one secret", hmacSite(), sign(t, jwt.SigningMethodHS256, []byte(secretA), "", claims(nil), nil), ""},
		{"RS256", jwksSite(srv.URL), sign(t, jwt.SigningMethodRS256, rsaKey, "rsa", claims(nil), nil), ""},
		{"ES256", jwksSite(srv.URL), sign(t, jwt.SigningMethodES256, ecKey, "ec", claims(nil), nil), ""},
		{"EdDSA", jwksSite(srv.URL), sign(t, jwt.SigningMethodEdDSA, edKey, "ed", claims(nil), nil), ""},
		{"iat and nbf within skew", hmacSite(), sign(t, jwt.SigningMethodHS256, []byte(secretA), "a", claims(map[string]any{"iat": t0.Add(59 * time.Second).Unix(), "nbf": t0.Add(59 * time.Second).Unix()}), nil), ""},
		{"aud as a list", hmacSite(), sign(t, jwt.SigningMethodHS256, []byte(secretA), "a", claims(map[string]any{"aud": []string{"other", "news"}}), nil), ""},
		{"role ignored", hmacSite(), sign(t, jwt.SigningMethodHS256, []byte(secretA), "a", claims(map[string]any{"role": "admin"}), nil), ""},
		{"role honoured", roleSite(), sign(t, jwt.SigningMethodHS256, []byte(secretA), "a", claims(map[string]any{"role": "moderator"}), nil), "moderator"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := &clock{now: t0}
			v := auth.NewSSO(auth.NewJWKS(srv.Client(), clk.Now), clk.Now)
			c, err := v.Verify(t.Context(), tt.site, tt.token)
			if err != nil {
				t.Fatalf("Verify: %v (key %s)", err, parley.ErrorKey(err))
			}
			if c.Subject != "reader-42" || c.Name != "Ada" || c.Email != "ada@example.org" || len(c.Badges) != 1 || c.Badges[0] != "subscriber" || c.TokenID != "j-1" || c.Role != tt.role {
				t.Errorf("claims = %+v", c)
			}
			if !c.ExpiresAt.Equal(t0.Add(5 * time.Minute)) {
				t.Errorf("ExpiresAt = %v", c.ExpiresAt)
			}
		})
	}
}

// TestSSORotation: two HS256 secrets at once, each by its kid; a dropped
// one stops working.
func TestSSORotation(t *testing.T) {
	clk := &clock{now: t0}
	v := auth.NewSSO(auth.NewJWKS(nil, clk.Now), clk.Now)
	site := hmacSite()
	site.SSO.Secrets = append(site.SSO.Secrets, parley.SSOSecret{KID: "b", Secret: secretB})
	old := sign(t, jwt.SigningMethodHS256, []byte(secretA), "a", claims(nil), nil)
	fresh := sign(t, jwt.SigningMethodHS256, []byte(secretB), "b", claims(nil), nil)
	for _, tok := range []string{old, fresh} {
		if _, err := v.Verify(t.Context(), site, tok); err != nil {
			t.Fatalf("Verify during rotation: %v", err)
		}
	}
	// Without a kid, with two secrets, the token cannot say which.
	if _, err := v.Verify(t.Context(), site, sign(t, jwt.SigningMethodHS256, []byte(secretA), "", claims(nil), nil)); parley.ErrorKey(err) != "ssoUnknownKid" {
		t.Errorf("Verify without kid among two secrets = %v, want ssoUnknownKid", err)
	}
	site.SSO.Secrets = site.SSO.Secrets[1:]
	if _, err := v.Verify(t.Context(), site, old); parley.ErrorKey(err) != "ssoUnknownKid" {
		t.Errorf("Verify with the dropped secret = %v, want ssoUnknownKid", err)
	}
	if _, err := v.Verify(t.Context(), site, fresh); err != nil {
		t.Errorf("Verify with the new secret after rotation: %v", err)
	}
}

// TestJWKSCache: one fetch serves many tokens; an unknown kid refetches at
// most once a minute; a new key published by the publisher is found by
// that refetch; a JWKS that is down keeps the cached keys usable.
func TestJWKSCache(t *testing.T) {
	testKeys(t)
	srv := newJWKSServer(t, map[string]any{"rsa": &rsaKey.PublicKey})
	clk := &clock{now: t0}
	v := auth.NewSSO(auth.NewJWKS(srv.Client(), clk.Now), clk.Now)
	site := jwksSite(srv.URL)
	good := func() string {
		return sign(t, jwt.SigningMethodRS256, rsaKey, "rsa", claims(map[string]any{"exp": clk.Now().Add(time.Minute).Unix(), "iat": nil, "nbf": nil}), nil)
	}
	for range 5 {
		if _, err := v.Verify(t.Context(), site, good()); err != nil {
			t.Fatal(err)
		}
	}
	if n := srv.hits.Load(); n != 1 {
		t.Fatalf("%d fetches for 5 tokens, want 1", n)
	}
	clk.Advance(time.Minute) // a refetch is allowed a minute after the last fetch
	unknown := sign(t, jwt.SigningMethodES256, ecKey, "ec", claims(map[string]any{"iat": nil, "nbf": nil, "exp": t0.Add(time.Hour).Unix()}), nil)
	for range 3 {
		if _, err := v.Verify(t.Context(), site, unknown); parley.ErrorKey(err) != "ssoUnknownKid" {
			t.Fatalf("unknown kid = %v, want ssoUnknownKid", err)
		}
	}
	if n := srv.hits.Load(); n != 2 {
		t.Fatalf("%d fetches after 3 unknown kids within a minute, want 2 (one refetch)", n)
	}
	srv.setKeys(t, map[string]any{"rsa": &rsaKey.PublicKey, "ec": &ecKey.PublicKey})
	clk.Advance(time.Minute)
	if _, err := v.Verify(t.Context(), site, unknown); err != nil {
		t.Fatalf("a key published since, a minute later: %v", err)
	}
	if n := srv.hits.Load(); n != 3 {
		t.Fatalf("%d fetches, want 3", n)
	}
	srv.down.Store(true)
	clk.Advance(2 * time.Hour) // past the cache's lifetime: a refetch is due and fails
	if _, err := v.Verify(t.Context(), site, good()); err != nil {
		t.Fatalf("cached key while the JWKS is down: %v", err)
	}
	if n := srv.hits.Load(); n != 4 {
		t.Errorf("%d fetches, want 4 (the failed refresh)", n)
	}
}

// TestJWKSDownWithNothingCached is 503, never a 500 nor a 401 the
// publisher would take for a bad token.
func TestJWKSDownWithNothingCached(t *testing.T) {
	testKeys(t)
	srv := newJWKSServer(t, nil)
	srv.down.Store(true)
	clk := &clock{now: t0}
	v := auth.NewSSO(auth.NewJWKS(srv.Client(), clk.Now), clk.Now)
	_, err := v.Verify(t.Context(), jwksSite(srv.URL), sign(t, jwt.SigningMethodRS256, rsaKey, "rsa", claims(nil), nil))
	if parley.ErrorCode(err) != parley.EUNAVAILABLE || parley.ErrorKey(err) != "ssoKeysUnavailable" {
		t.Fatalf("Verify with the JWKS down = %v, want unavailable ssoKeysUnavailable", err)
	}
}

// BenchmarkVerify is the verifier alone, without the database: what the
// exchange costs before its unit of work.
func BenchmarkVerify(b *testing.B) {
	testKeys(b)
	srv := newJWKSServer(b, map[string]any{"rsa": &rsaKey.PublicKey})
	clk := &clock{now: t0}
	v := auth.NewSSO(auth.NewJWKS(srv.Client(), clk.Now), clk.Now)
	for _, bc := range []struct {
		name  string
		site  *parley.Site
		token string
	}{
		{"HS256", hmacSite(), sign(b, jwt.SigningMethodHS256, []byte(secretA), "a", claims(nil), nil)},
		{"JWKS-RS256-cached", jwksSite(srv.URL), sign(b, jwt.SigningMethodRS256, rsaKey, "rsa", claims(nil), nil)},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := v.Verify(b.Context(), bc.site, bc.token); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// ssoKey is the publisher's HS256 secret of the bench's site, as `parley
// site update --sso-secret-file F --sso-kid K` stored it: with it the bench
// plays the publisher and signs its posters in, so that their sessions are
// real ones, made by the exchange every reader goes through.
type ssoKey struct {
	kid    string
	secret []byte
}

// minSSOSecret is the shortest secret Parley accepts for HS256.
const minSSOSecret = 32

// loadSSOKey reads the secret file as the CLI does (surrounding space
// trimmed).
func loadSSOKey(file, kid string) (*ssoKey, error) {
	raw, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("read SSO secret: %w", err)
	}
	secret := strings.TrimSpace(string(raw))
	if len(secret) < minSSOSecret {
		return nil, fmt.Errorf("-sso-secret-file %s: the secret has %d bytes, Parley wants at least %d", file, len(secret), minSSOSecret)
	}
	return &ssoKey{kid: kid, secret: []byte(secret)}, nil
}

// mint signs a one-use SSO token for sub on site, valid for five minutes.
func (k *ssoKey) mint(site, sub, name string, now time.Time) (string, error) {
	tok := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"sub": sub, "name": name, "aud": site,
		"iat": now.Unix(), "exp": now.Add(5 * time.Minute).Unix(), "jti": fmt.Sprintf("%s-%d", sub, now.UnixNano())})
	tok.Header["kid"] = k.kid
	s, err := tok.SignedString(k.secret)
	if err != nil {
		return "", fmt.Errorf("sign SSO token: %w", err)
	}
	return s, nil
}

// signIn exchanges an SSO token for sub and returns the session token.
func (a *api) signIn(ctx context.Context, key *ssoKey, sub, name string) (string, error) {
	tok, err := key.mint(a.site, sub, name, time.Now())
	if err != nil {
		return "", err
	}
	body, _ := json.Marshal(map[string]string{"token": tok})
	u := fmt.Sprintf("%s/api/v1/sites/%s/auth/sso", a.base, url.PathEscape(a.site))
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(body))
	if err != nil {
		return "", fmt.Errorf("new sso request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := a.client.Do(req)
	if err != nil {
		return "", fmt.Errorf("sso exchange: %w", err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return "", fmt.Errorf("read sso answer: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("sso exchange for %s: status %d: %.300s (is the site's HS256 secret set with parley site update --sso-secret-file and --sso-kid %s?)", sub, resp.StatusCode, raw, key.kid)
	}
	var out struct {
		Session string `json:"session"`
	}
	if err := json.Unmarshal(raw, &out); err != nil || !strings.HasPrefix(out.Session, "pss_") {
		return "", fmt.Errorf("sso exchange for %s: no session in %.300s", sub, raw)
	}
	return out.Session, nil
}

// signInPosters signs in one reader per poster, before any clock starts:
// the write loop measures posting with a session, not signing in.
func signInPosters(ctx context.Context, a *api, key *ssoKey, n int, suffix string) ([]string, error) {
	gen := newTextGen(textSeed + 2)
	sessions := make([]string, n)
	for i := range sessions {
		s, err := a.signIn(ctx, key, fmt.Sprintf("bench-%s-%d", suffix, i), gen.Name())
		if err != nil {
			return nil, err
		}
		sessions[i] = s
	}
	return sessions, nil
}

// sessionWriteOps is writeOps for signed-in posters: each worker posts
// with its own session and gives no name, as the widget does for a reader
// who signed in.
func sessionWriteOps(a *api, story string, pool *parentPool, seed uint64, sessions []string) func(int) opFunc {
	return func(w int) opFunc {
		p := newPoster(a, story, pool, seed+uint64(w))
		p.name, p.token = "", sessions[w]
		return func(ctx context.Context) bool {
			status, err := p.postOne(ctx)
			return err == nil && status == http.StatusCreated
		}
	}
}

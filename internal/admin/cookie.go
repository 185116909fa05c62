package admin

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/url"
	"sort"
	"time"

	"parley"
)

// maxSites bounds the sessions one browser keeps: a desk for a handful of
// sites, not a store for whatever a page stuffs into the cookie.
const maxSites = 8

// cookieLifetime is how long the browser keeps the cookies. The sessions
// in them end on their own (sliding, per site), and a session that ended
// is dropped from the cookie on the next request.
const cookieLifetime = 90 * 24 * time.Hour

// cookies names and writes the UI's cookies: the sessions (site → token),
// the CSRF secret and the language. Over https they are Secure and carry
// the __Host- prefix, which browsers keep only from a secure origin with
// Path=/ and no Domain, so that no other subdomain can plant them.
type cookies struct {
	secure                bool
	session, secret, lang string
}

func newCookies(https bool) cookies {
	prefix := ""
	if https {
		prefix = "__Host-"
	}
	return cookies{secure: https, session: prefix + "parley-admin", secret: prefix + "parley-admin-csrf", lang: prefix + "parley-admin-lang"}
}

// set writes cookie name with value; maxAge < 0 removes it.
func (c cookies) set(w http.ResponseWriter, name, value string, maxAge time.Duration) {
	ck := &http.Cookie{Name: name, Value: value, Path: "/", HttpOnly: true, Secure: c.secure,
		SameSite: http.SameSiteStrictMode, MaxAge: int(maxAge.Seconds())}
	if maxAge < 0 {
		ck.MaxAge = -1
	}
	http.SetCookie(w, ck)
}

// sessions reads the session tokens of r's cookie, by site. What does
// not look like a session token is left out, so that a forged cookie
// costs no query.
func (c cookies) sessions(r *http.Request) map[string]string {
	out := map[string]string{}
	ck, err := r.Cookie(c.session)
	if err != nil {
		return out
	}
	raw, err := base64.RawURLEncoding.DecodeString(ck.Value)
	if err != nil {
		return out
	}
	q, err := url.ParseQuery(string(raw))
	if err != nil {
		return out
	}
	for site, tokens := range q {
		if len(out) < maxSites && parley.ValidID(site) && len(tokens) == 1 && parley.WellFormedSessionToken(tokens[0]) {
			out[site] = tokens[0]
		}
	}
	return out
}

// setSessions writes the session cookie with sessions (site → token);
// none removes it.
func (c cookies) setSessions(w http.ResponseWriter, sessions map[string]string) {
	if len(sessions) == 0 {
		c.set(w, c.session, "", -1)
		return
	}
	q := url.Values{}
	for site, token := range sessions {
		q.Set(site, token)
	}
	c.set(w, c.session, base64.RawURLEncoding.EncodeToString([]byte(q.Encode())), cookieLifetime)
}

// sites lists the sites of sessions, sorted.
func sites(sessions map[string]string) []string {
	out := make([]string, 0, len(sessions))
	for s := range sessions {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

// csrf makes and checks the token every POST form carries: the HMAC of
// the browser's CSRF secret (a random cookie). A page of another origin
// can neither read the cookie nor the page that holds the token, so it
// cannot forge a post; the Origin check (sameOrigin) stands beside it.
// The secret is not the session, so that the sign-in forms, which are
// posted before there is a session, are protected the same way.
type csrf struct{ key []byte }

// token is the form token for secret.
func (c csrf) token(secret string) string {
	m := hmac.New(sha256.New, c.key)
	m.Write([]byte("parley admin form\x00" + secret))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// valid reports whether token was made for secret.
func (c csrf) valid(secret, token string) bool {
	return len(secret) >= 32 && token != "" && hmac.Equal([]byte(token), []byte(c.token(secret)))
}

// secret returns the browser's CSRF secret, made and set now if it has
// none yet.
func (a *Admin) secret(w http.ResponseWriter, r *http.Request) string {
	if ck, err := r.Cookie(a.cookies.secret); err == nil && len(ck.Value) >= 32 {
		return ck.Value
	}
	var b [32]byte
	rand.Read(b[:])
	s := base64.RawURLEncoding.EncodeToString(b[:])
	a.cookies.set(w, a.cookies.secret, s, cookieLifetime)
	return s
}

var errForged = parley.Errorf(parley.EFORBIDDEN, "This form was not sent from Parley's moderation pages; reload the page and try again.").Keyed("adminForged")

// checkPost refuses a post that did not come from one of our own pages:
// its Origin must be ours (a browser that sends none must say
// Sec-Fetch-Site: same-origin), and its form must carry the token of the
// browser's secret.
func (a *Admin) checkPost(r *http.Request) error {
	switch origin := r.Header.Get("Origin"); {
	case origin != "" && origin != a.origin:
		return errForged
	case origin == "" && r.Header.Get("Sec-Fetch-Site") != "same-origin":
		return errForged
	}
	ck, err := r.Cookie(a.cookies.secret)
	if err != nil || !a.csrf.valid(ck.Value, r.PostForm.Get("csrf")) {
		return errForged
	}
	return nil
}

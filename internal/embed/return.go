package embed

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"unicode/utf8"

	"parley"
)

// returnURL is where to send the reader after posting: the page they came
// from (the form's return field, else the Referer) if a browser would open
// it on Parley's own origin or one of the site's, else the bare fragment.
// site may be nil when it could not be loaded; then only Parley's own origin
// is allowed. The result is always absolute and already checked: callers
// append a fragment and send it as it is.
func (b *Block) returnURL(r *http.Request, site *parley.Site, raw string) string {
	if raw == "" {
		raw = r.Referer()
	}
	if u, ok := b.resolve(r, raw); ok && b.allowsOrigin(site, u.Scheme+"://"+u.Host) {
		return u.String()
	}
	return b.publicURL + "/embed/" + url.PathEscape(r.PathValue("site")) + "/stories/" + url.PathEscape(r.PathValue("story"))
}

// pageURL is the page= of a fragment request if a browser would open it on
// Parley's own origin or one of the site's, else "" (links relative to the
// fragment). The fragment is served from Parley's origin and cached by
// CDNs, so its links, its sort form and its way back must not lead
// wherever a crafted link's page= says.
func (b *Block) pageURL(site *parley.Site, raw string) string {
	if raw == "" {
		return ""
	}
	if u, ok := b.resolveFrom("/", raw); ok && b.allowsOrigin(site, u.Scheme+"://"+u.Host) {
		return u.String()
	}
	return ""
}

// allowsOrigin reports whether origin is Parley's own or one of the site's.
func (b *Block) allowsOrigin(site *parley.Site, origin string) bool {
	return origin == b.origin || site != nil && site.AllowsOrigin(origin)
}

// resolve reads raw the way a browser reads a Location header sent in
// answer to r (WHATWG URL parsing), as far as an origin check needs: leading
// and trailing C0 controls and spaces go, tabs and newlines anywhere go, a
// backslash before the query is a slash, any number of slashes may start
// an authority. Whatever a browser might read differently from Go is
// refused (ok false) rather than guessed at: other schemes, "http:x"
// without slashes, controls, user info, hosts with percent signs, non-ASCII
// (IDN) hosts. The URL returned is absolute, with a lower-case host without
// its default port and no fragment; its String() is what we send.
func (b *Block) resolve(r *http.Request, raw string) (*url.URL, bool) {
	return b.resolveFrom(r.URL.EscapedPath(), raw)
}

// resolveFrom is resolve with the path of the URL that raw is relative to.
func (b *Block) resolveFrom(basePath, raw string) (*url.URL, bool) {
	if !utf8.ValidString(raw) { // before strings.Map, which would replace the bad bytes
		return nil, false
	}
	s := strings.TrimFunc(raw, func(c rune) bool { return c <= ' ' })
	s = strings.Map(func(c rune) rune {
		if c == '\t' || c == '\n' || c == '\r' {
			return -1
		}
		return c
	}, s)
	if s == "" || strings.ContainsFunc(s, func(c rune) bool { return c < ' ' || c == 0x7f }) {
		return nil, false
	}
	s = slashes(s)
	if scheme, rest, ok := cutScheme(s); ok {
		if (scheme != "http" && scheme != "https") || !strings.HasPrefix(rest, "//") {
			return nil, false
		}
		s = scheme + "://" + strings.TrimLeft(rest, "/")
	} else if strings.HasPrefix(s, "//") {
		s = b.public.Scheme + "://" + strings.TrimLeft(s, "/")
	}
	ref, err := url.Parse(s)
	if err != nil || ref.Opaque != "" || ref.User != nil || (ref.Host != "" && !plainAuthority(s)) {
		return nil, false
	}
	base, err := url.Parse(b.publicURL + basePath)
	if err != nil {
		return nil, false
	}
	u := base.ResolveReference(ref)
	u.Fragment, u.RawFragment = "", ""
	u.RawQuery = escapeQuery(u.RawQuery)
	u.Host = canonicalHost(u.Scheme, u.Host)
	if (u.Scheme != "http" && u.Scheme != "https") || !hostPattern.MatchString(u.Host) {
		return nil, false
	}
	return u, true
}

// slashes turns backslashes before the query or fragment into slashes, as
// browsers do in http(s) URLs.
func slashes(s string) string {
	end := strings.IndexAny(s, "?#")
	if end < 0 {
		end = len(s)
	}
	return strings.ReplaceAll(s[:end], `\`, "/") + s[end:]
}

// schemePattern is a URL scheme and its colon, as WHATWG defines it.
var schemePattern = regexp.MustCompile(`^([A-Za-z][A-Za-z0-9+.-]*):`)

// cutScheme splits "scheme:rest" with the scheme in lower case.
func cutScheme(s string) (scheme, rest string, ok bool) {
	m := schemePattern.FindStringSubmatch(s)
	if m == nil {
		return "", "", false
	}
	return strings.ToLower(m[1]), s[len(m[0]):], true
}

// plainAuthority reports whether the authority of the absolute URL s holds
// only ASCII and no percent sign, so that Go and browsers read one host.
func plainAuthority(s string) bool {
	_, rest, _ := strings.Cut(s, "://")
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		rest = rest[:i]
	}
	return !strings.ContainsFunc(rest, func(c rune) bool { return c == '%' || c > 0x7e })
}

// hostPattern is a host name or bracketed IPv6 address with an optional
// port, in lower case.
var hostPattern = regexp.MustCompile(`^(?:[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?|\[[0-9a-f:.]+\])(?::[0-9]{1,5})?$`)

// canonicalHost lowers host and drops the scheme's default port, as a
// browser does when it computes the origin.
func canonicalHost(scheme, host string) string {
	host = strings.ToLower(host)
	if scheme == "https" {
		return strings.TrimSuffix(host, ":443")
	}
	return strings.TrimSuffix(host, ":80")
}

// escapeQuery percent-encodes what may not stand in a query as sent:
// controls, spaces, non-ASCII and characters HTML treats specially.
func escapeQuery(q string) string {
	var b strings.Builder
	for i := 0; i < len(q); i++ {
		c := q[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`"<>`+"`", c) >= 0 {
			fmt.Fprintf(&b, "%%%02X", c)
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

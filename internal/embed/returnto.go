package embed

import (
	"fmt"
	"net/url"
	"strings"

	"parley"
)

// maxReturnLength bounds a return URL kept for later (with a sign-in
// link): longer ones are dropped, as any other that does not pass.
const maxReturnLength = 2048

// ReturnChecker returns the check the block applies to its own return
// URLs, for the other surfaces that send a reader back to a publisher's
// page (the e-mail sign-in): raw read the way a browser reads a Location
// header, relative to Parley's root, and allowed only on Parley's own
// origin or one of the site's. The URL returned has no fragment, so that
// one can be appended. It panics if publicURL is not an absolute http(s)
// URL, a wiring mistake.
func ReturnChecker(publicURL string) func(site *parley.Site, raw string) (string, bool) {
	public, err := url.Parse(publicURL)
	if err != nil || (public.Scheme != "http" && public.Scheme != "https") || public.Host == "" {
		panic(fmt.Sprintf("embed: public URL %q is not an absolute http(s) URL", publicURL))
	}
	b := &Block{publicURL: strings.TrimRight(publicURL, "/"), public: public,
		origin: public.Scheme + "://" + canonicalHost(public.Scheme, public.Host)}
	return func(site *parley.Site, raw string) (string, bool) {
		if len(raw) > maxReturnLength {
			return "", false
		}
		u, ok := b.resolveFrom("/", raw)
		if !ok || !b.allowsOrigin(site, u.Scheme+"://"+u.Host) {
			return "", false
		}
		return u.String(), true
	}
}

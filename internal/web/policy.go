package web

import (
	"net/http"
	"strings"
)

// FormPolicy gives a page the Content-Security-Policy of Parley's pages
// with forms that may also lead to origins. Browsers hold the redirect
// that answers a form to form-action as well, so a form whose answer sends
// the reader back to a publisher's page (a sign-in) needs that page's
// origin there. An origin that could widen the policy (spaces, semicolons,
// quotes, wildcards) is left out.
func FormPolicy(h http.Header, origins ...string) {
	allowed := "form-action 'self'"
	for _, o := range origins {
		if o != "" && !strings.ContainsAny(o, " \t\r\n;,'\"*") {
			allowed += " " + o
		}
	}
	h.Set("Content-Security-Policy", strings.Replace(pagePolicy, "form-action 'self'", allowed, 1)+"'none'")
	h.Set("X-Frame-Options", "DENY")
}

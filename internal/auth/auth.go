// Package auth decides who is asking. One Authenticator, shared by every
// HTTP surface (the JSON API, the server-rendered block and, later, the
// moderator UI), resolves a request into at most one parley.Actor and puts
// it, with the browser origin, into the request's context. What the actor
// may then do is not decided here but by the service (its authorize step).
//
// The model: a request carries at most one credential. Each Method
// recognizes its own kind (a commenter token "pct_…" today; sessions, SSO
// tokens, OIDC, e-mail links and passkeys later) and either claims it or
// passes. A credential that a method claims but refuses, and one that no
// method claims, is EUNAUTHORIZED (401): a reader whose token has gone
// must learn so rather than be treated as a stranger. A request with no
// credential at all is anonymous, which is not an error.
package auth

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"parley"
)

// Method is one way for a request to prove who is asking.
type Method interface {
	// Authenticate returns the actor that the request's credential of
	// this method names. ok is false, with no error, when the request
	// carries no credential of this kind, so that the next method may
	// look. A credential of this kind that does not name anyone is
	// EUNAUTHORIZED; one that cannot be checked now (the database is down)
	// is the error that says so. When ok is true the actor is not nil.
	Authenticate(ctx context.Context, r *http.Request) (actor *parley.Actor, ok bool, err error)
}

// Authenticator resolves requests into actors through its methods.
type Authenticator struct {
	origin  string // Parley's own origin; requests from it are first party
	methods []Method
}

// New returns an Authenticator that tries methods in order; the first that
// claims a credential decides. publicOrigin is Parley's own origin
// (scheme://host[:port], as browsers send it in Origin), whose pages are
// first party; "" treats every Origin header as foreign, since the Host
// header, which anyone can forge, is no evidence of where we are.
func New(publicOrigin string, methods ...Method) *Authenticator {
	return &Authenticator{origin: publicOrigin, methods: methods}
}

// Middleware resolves each request before next sees it. A refused
// credential never reaches next: refuse answers it, in the surface's own
// way (JSON for the API, a page for the block).
func (a *Authenticator) Middleware(next http.Handler, refuse func(http.ResponseWriter, *http.Request, error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r, err := a.Resolve(r)
		if err != nil {
			refuse(w, r, err)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// Resolve returns r with its actor (none when anonymous) and, unless it is
// our own, the browser origin in its context (parley.WithActor,
// parley.WithOrigin). On error it returns r with the origin only, so that
// the refusal can still be written.
func (a *Authenticator) Resolve(r *http.Request) (*http.Request, error) {
	ctx := r.Context()
	if o := r.Header.Get("Origin"); o != "" && !a.firstParty(o) {
		ctx = parley.WithOrigin(ctx, o)
	}
	actor, err := a.actor(ctx, r)
	if actor != nil {
		ctx = parley.WithActor(ctx, actor)
	}
	return r.WithContext(ctx), err
}

// actor asks each method in turn; nil means anonymous.
func (a *Authenticator) actor(ctx context.Context, r *http.Request) (*parley.Actor, error) {
	for _, m := range a.methods {
		actor, ok, err := m.Authenticate(ctx, r)
		if err != nil {
			return nil, fmt.Errorf("authenticate: %w", err)
		}
		if ok && actor != nil {
			return actor, nil
		}
	}
	if r.Header.Get("Authorization") == "" {
		return nil, nil
	}
	if _, ok := Bearer(r); !ok {
		return nil, parley.Errorf(parley.EUNAUTHORIZED, "Send the credential as \"Authorization: Bearer <token>\".").Keyed("credentialMalformed")
	}
	return nil, parley.Errorf(parley.EUNAUTHORIZED, "The credential is not valid.").Keyed("credentialInvalid")
}

// firstParty reports whether origin is Parley's own.
func (a *Authenticator) firstParty(origin string) bool {
	return a.origin != "" && strings.EqualFold(origin, a.origin)
}

// Bearer returns the token of an "Authorization: Bearer <token>" header,
// without surrounding spaces; ok is false when there is no such header.
// Methods whose credential travels as a bearer token (commenter tokens,
// sessions) read it here and claim only the tokens of their own kind.
func Bearer(r *http.Request) (token string, ok bool) {
	token, ok = strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return strings.TrimSpace(token), ok
}

package parley

import "context"

type contextKey int

const (
	actorKey contextKey = iota + 1
	originKey
)

// WithActor returns a context that carries who is asking, so that the
// service layer can decide what they may do. Only the authentication
// middleware (internal/auth) and tools acting as a known person call it.
func WithActor(ctx context.Context, a *Actor) context.Context {
	return context.WithValue(ctx, actorKey, a)
}

// ActorFrom returns the actor carried by ctx, or nil for an anonymous
// reader.
func ActorFrom(ctx context.Context) *Actor {
	a, _ := ctx.Value(actorKey).(*Actor)
	return a
}

// WithOrigin returns a context that carries the browser origin a request
// came from ("" for same-origin and server-to-server calls), so that writes
// can be refused from origins a site has not allowed.
func WithOrigin(ctx context.Context, origin string) context.Context {
	return context.WithValue(ctx, originKey, origin)
}

// OriginFrom returns the origin carried by ctx, or "".
func OriginFrom(ctx context.Context) string {
	o, _ := ctx.Value(originKey).(string)
	return o
}

package parley

import "context"

type contextKey int

const (
	userKey contextKey = iota + 1
	originKey
)

// WithUser returns a context that carries the signed-in user, so that the
// service layer can decide what the caller may do.
func WithUser(ctx context.Context, u *User) context.Context {
	return context.WithValue(ctx, userKey, u)
}

// UserFrom returns the user carried by ctx, or nil for an anonymous reader.
func UserFrom(ctx context.Context) *User {
	u, _ := ctx.Value(userKey).(*User)
	return u
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

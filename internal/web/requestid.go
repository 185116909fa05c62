package web

import (
	"context"
	"crypto/rand"
	"log/slog"
	"net/http"
)

// RequestIDHeader carries a request's ID in and out: a proxy in front may
// set it so that its log lines and ours name the same request, and every
// response echoes it so that a reader's bug report can quote it.
const RequestIDHeader = "X-Request-Id"

// maxRequestID bounds an inbound ID: long enough for a UUID or a trace ID,
// too short to fill log lines with whatever a client cares to send.
const maxRequestID = 64

type requestIDKey struct{}

// WithRequestID returns ctx carrying the request ID id.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey{}, id)
}

// RequestIDFrom returns the request ID in ctx, "" outside a request.
func RequestIDFrom(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// WithRequestIDs gives every request an ID, in its context and in the
// response's X-Request-Id: the inbound header's value when it is short
// and made of safe characters only (SafeRequestID), else a new one. A new
// ID is 128 random bits, so that knowing one request's ID tells nothing
// of another's.
func WithRequestIDs(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get(RequestIDHeader)
		if !SafeRequestID(id) {
			id = rand.Text()
		}
		w.Header()[RequestIDHeader] = []string{id}
		next.ServeHTTP(w, r.WithContext(WithRequestID(r.Context(), id)))
	})
}

// SafeRequestID reports whether an inbound ID may be kept: 1 to 64 ASCII
// letters, digits, '-', '_', '.' or ':'. Anything else (spaces, quotes,
// control characters, a megabyte) could forge or break log lines, in the
// text format above all, and is replaced.
func SafeRequestID(id string) bool {
	if id == "" || len(id) > maxRequestID {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case c == '-', c == '_', c == '.', c == ':':
		default:
			return false
		}
	}
	return true
}

// LogHandler wraps a slog.Handler so that every record logged with a
// request's context carries its request_id: handlers log with
// log.InfoContext(r.Context(), …) and need not pass it themselves.
func LogHandler(h slog.Handler) slog.Handler { return requestLog{h} }

type requestLog struct{ slog.Handler }

func (l requestLog) Handle(ctx context.Context, rec slog.Record) error {
	if id := RequestIDFrom(ctx); id != "" {
		rec = rec.Clone()
		rec.AddAttrs(slog.String("request_id", id))
	}
	return l.Handler.Handle(ctx, rec)
}

func (l requestLog) WithAttrs(as []slog.Attr) slog.Handler {
	return requestLog{l.Handler.WithAttrs(as)}
}

func (l requestLog) WithGroup(name string) slog.Handler {
	return requestLog{l.Handler.WithGroup(name)}
}

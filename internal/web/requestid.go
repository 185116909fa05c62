package web

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"log/slog"
	mrand "math/rand/v2"
	"net/http"
	"sync"
)

// RequestIDHeader carries a request's ID in and out: a proxy in front may
// set it so that its log lines and ours name the same request, and every
// response echoes it so that a reader's bug report can quote it.
const RequestIDHeader = "X-Request-Id"

// maxRequestID bounds an inbound ID: long enough for a UUID or a trace ID,
// too short to fill log lines with whatever a client cares to send.
const maxRequestID = 64

type requestIDKey struct{}

// requestContext carries a request's ID. It is its own context.Context
// rather than a context.WithValue, and holds the response header's value
// too, so that the ID costs a request one allocation besides its string:
// this sits in front of the cached page 1, the hottest path there is.
// Cancellation and deadlines are the parent's own (the embedded Context),
// so the context package sees through it.
type requestContext struct {
	context.Context
	header [1]string // header[0] is the ID
}

func (c *requestContext) Value(key any) any {
	if key == (requestIDKey{}) {
		return c
	}
	return c.Context.Value(key)
}

// WithRequestID returns ctx carrying the request ID id.
func WithRequestID(ctx context.Context, id string) context.Context {
	return &requestContext{Context: ctx, header: [1]string{id}}
}

// RequestIDFrom returns the request ID in ctx, "" outside a request.
func RequestIDFrom(ctx context.Context) string {
	if c, ok := ctx.Value(requestIDKey{}).(*requestContext); ok {
		return c.header[0]
	}
	return ""
}

// WithRequestIDs gives every request an ID, in its context and in the
// response's X-Request-Id: the inbound header's value when it is short
// and made of safe characters only (SafeRequestID), else a new one, as
// unguessable as NewRequestID's.
func WithRequestIDs(next http.Handler) http.Handler { return Front(next, nil, nil) }

// requestIDEncoding spells IDs in 26 characters that need no escaping in
// a header, a URL or either log format.
var requestIDEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// NewRequestID returns 128 random bits from crypto/rand, so that knowing
// one request's ID tells nothing of another's (an ID may end up in a
// public bug report).
func NewRequestID() string {
	var raw [16]byte
	rand.Read(raw[:])
	return encodeRequestID(raw)
}

func encodeRequestID(raw [16]byte) string {
	var text [26]byte
	requestIDEncoding.Encode(text[:], raw[:])
	return string(text[:])
}

// requestIDs makes request IDs for one handler. Reading crypto/rand was
// the largest part of a cached page's own work (0.66 µs for 16 bytes
// here), so each ID comes from a ChaCha8 generator instead, a
// cryptographically strong one seeded from crypto/rand, one per P by way
// of a sync.Pool: as unguessable, and no lock is shared between requests.
// A generator the pool drops is replaced by a freshly seeded one.
type requestIDs struct{ pool sync.Pool }

func newRequestIDs() *requestIDs {
	ids := &requestIDs{}
	ids.pool.New = func() any {
		var seed [32]byte
		rand.Read(seed[:])
		return mrand.NewChaCha8(seed)
	}
	return ids
}

// New returns a fresh request ID.
func (ids *requestIDs) New() string {
	g := ids.pool.Get().(*mrand.ChaCha8)
	var raw [16]byte
	g.Read(raw[:])
	ids.pool.Put(g)
	return encodeRequestID(raw)
}

// of returns r's request ID: its inbound one if safe, else a new one.
func (ids *requestIDs) of(r *http.Request) string {
	if id := r.Header.Get(RequestIDHeader); SafeRequestID(id) {
		return id
	}
	return ids.New()
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

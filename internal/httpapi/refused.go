package httpapi

import (
	"context"
	"log/slog"
	"sync"

	"parley"
)

// maxRefusedOrigins bounds how many refused origins the server remembers
// having logged: a hostile client can send any Origin header it likes.
const maxRefusedOrigins = 1024

// maxShownOrigin bounds how much of an Origin header goes into a log line
// or a message.
const maxShownOrigin = 200

// originNotAllowed is the refusal a browser origin that no site allows
// gets. The widget shows its own translated sentence for the key and puts
// the command in the console.
func originNotAllowed(origin string) error {
	return parley.Errorf(parley.EFORBIDDEN,
		"Pages on %s may not show this discussion. Add the origin to the site: parley site update --id SITE --add-origin %s",
		shorten(origin), shorten(origin)).Keyed("originNotAllowed")
}

// refusedOrigins logs each refused browser origin once, so that a
// publisher's first embed shows up in the log with the fix, while a page
// left embedded (or a flood of made-up origins) does not fill it. Memory is
// bounded by a capped set; once it is full, one more line says so and new
// origins go unlogged.
type refusedOrigins struct {
	log *slog.Logger
	max int

	mu   sync.Mutex
	seen map[string]struct{}
	full bool
}

func newRefusedOrigins(log *slog.Logger, max int) *refusedOrigins {
	return &refusedOrigins{log: log, max: max, seen: make(map[string]struct{})}
}

// note logs origin unless it was logged before.
func (o *refusedOrigins) note(ctx context.Context, origin string) {
	origin = shorten(origin)
	o.mu.Lock()
	_, seen := o.seen[origin]
	first, full := !seen && len(o.seen) < o.max, !seen && len(o.seen) >= o.max && !o.full
	if first {
		o.seen[origin] = struct{}{}
	}
	if full {
		o.full = true
	}
	o.mu.Unlock()
	switch {
	case first:
		o.log.WarnContext(ctx, "refused a browser origin that no site allows; if it is a publisher's, add it with parley site update --id SITE --add-origin ORIGIN",
			"origin", origin)
	case full:
		o.log.WarnContext(ctx, "refused browser origins are no longer logged: too many different ones", "limit", o.max)
	}
}

// shorten cuts s to maxShownOrigin bytes.
func shorten(s string) string {
	if len(s) > maxShownOrigin {
		return s[:maxShownOrigin] + "…"
	}
	return s
}

package outbox

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"testing"

	"parley"
	"parley/internal/outbox/smtptest"
	"parley/internal/store/postgres"
	"parley/internal/store/postgres/pgtest"
	"parley/internal/store/sqlite"
)

// BenchmarkRelay measures one message's way through the outbox: enqueued,
// claimed, composed, sent to a real SMTP server on loopback and marked,
// one at a time. The SMTP conversation (one connection per message)
// dominates; compare the backends with each other, in one run.
func BenchmarkRelay(b *testing.B) {
	open := map[string]func(b *testing.B) parley.Store{
		"sqlite": func(b *testing.B) parley.Store {
			s, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "parley.db"))
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { s.Close() })
			return s
		},
		"postgres": func(b *testing.B) parley.Store {
			s, err := postgres.Open(context.Background(), pgtest.URL(b))
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { s.Close() })
			return s
		},
	}
	for _, name := range []string{"sqlite", "postgres"} {
		b.Run(name, func(b *testing.B) {
			s, ms := open[name](b), smtptest.Start(b, false)
			sender, err := ParseSMTPURL(ms.URL, nil)
			if err != nil {
				b.Fatal(err)
			}
			r, err := NewRelay(s, sender, Options{From: from, Host: "h.example", Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				m := &parley.Message{ID: parley.NewID(parley.Now()), To: "r@example.com", Subject: "S", Text: "T", HTML: "<p>T</p>", CreatedAt: parley.Now()}
				if err := s.EnqueueMessage(b.Context(), m); err != nil {
					b.Fatal(err)
				}
				if n, err := r.RunOnce(b.Context()); err != nil || n != 1 {
					b.Fatalf("RunOnce = %d, %v", n, err)
				}
			}
		})
	}
}

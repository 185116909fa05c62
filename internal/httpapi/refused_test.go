package httpapi

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
)

// TestRefusedOriginsLogOnce: each refused origin is logged once however
// often it comes back, and a flood of made-up origins neither grows the set
// past its cap nor the log past one more line.
func TestRefusedOriginsLogOnce(t *testing.T) {
	var buf bytes.Buffer
	var mu sync.Mutex
	log := slog.New(slog.NewTextHandler(&lockedWriter{w: &buf, mu: &mu}, nil))
	o := newRefusedOrigins(log, 3)
	ctx := context.Background()

	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() { o.note(ctx, "https://blog.example") })
	}
	wg.Wait()
	if n := strings.Count(buf.String(), "origin=https://blog.example"); n != 1 {
		t.Fatalf("a refused origin was logged %d times, want once:\n%s", n, buf.String())
	}
	if !strings.Contains(buf.String(), "parley site update --id SITE --add-origin ORIGIN") {
		t.Errorf("the log line does not name the fix:\n%s", buf.String())
	}
	for i := range 100 {
		o.note(ctx, fmt.Sprintf("https://flood%d.example", i))
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 4 || !strings.Contains(lines[3], "no longer logged") {
		t.Errorf("want 3 origins and one line saying the rest go unlogged, got %d lines:\n%s", len(lines), buf.String())
	}
	if len(o.seen) > 3 {
		t.Errorf("the set holds %d origins, over its cap of 3", len(o.seen))
	}
	long := "https://" + strings.Repeat("a", 5000) + ".example"
	o2 := newRefusedOrigins(log, 3)
	o2.note(ctx, long)
	for k := range o2.seen {
		if len(k) > maxShownOrigin+len("…") {
			t.Errorf("the set keeps a %d-byte origin", len(k))
		}
	}
}

type lockedWriter struct {
	w  *bytes.Buffer
	mu *sync.Mutex
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

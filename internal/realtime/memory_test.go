package realtime_test

import (
	"context"
	"fmt"
	"runtime"
	"testing"

	"parley/internal/realtime"
)

// TestIdleReaderHeap bounds what the hub allocates for a reader who only
// waits: with 10,000 readers on one instance, every kilobyte here is
// 10 MB. The bound counts bytes allocated, not time, so load cannot move it.
func TestIdleReaderHeap(t *testing.T) {
	const readers, maxPerReader = 2000, 6 << 10
	w := newWorld(t)
	for i := range 20 {
		w.story(t, fmt.Sprint("m-", i))
	}
	subs := make([]*realtime.Subscriber, 0, readers)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for i := range readers {
		sub, err := w.hub.Subscribe(context.Background(), "s", fmt.Sprint("m-", i%20))
		if err != nil {
			t.Fatal(err)
		}
		subs = append(subs, sub)
	}
	runtime.ReadMemStats(&after)
	for _, sub := range subs {
		w.hub.Unsubscribe(sub)
	}
	// The log reads by Subscribe (its story's last event) allocate too;
	// they are freed at once, but they count here, so the bound is loose.
	per := (after.TotalAlloc - before.TotalAlloc) / readers
	t.Logf("%d B allocated per idle reader", per)
	if per > maxPerReader {
		t.Errorf("the hub allocated %d B per idle reader, want at most %d", per, maxPerReader)
	}
}

// TestMessageFrame checks the frame the hub encodes once for every
// reader against the server-sent events format.
func TestMessageFrame(t *testing.T) {
	m := realtime.Message{ID: 42, Event: "created", Data: []byte(`{"a":1}`)}
	if got, want := string(m.SSE()), "id: 42\nevent: created\ndata: {\"a\":1}\n\n"; got != want {
		t.Errorf("frame %q, want %q", got, want)
	}
}

// TestReadersCountsSubscribers: the gauge of live readers follows
// Subscribe and Unsubscribe.
func TestReadersCountsSubscribers(t *testing.T) {
	w := newWorld(t)
	w.story(t, "b")
	a, _ := w.hub.Subscribe(context.Background(), "s", "a")
	b, _ := w.hub.Subscribe(context.Background(), "s", "b")
	if n := w.hub.Readers(); n != 2 {
		t.Errorf("%d readers, want 2", n)
	}
	w.hub.Unsubscribe(a)
	w.hub.Unsubscribe(b)
	if n := w.hub.Readers(); n != 0 {
		t.Errorf("%d readers after both left, want 0", n)
	}
}

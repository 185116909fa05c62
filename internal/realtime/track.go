package realtime

import (
	"context"
	"time"
)

// Track registers a live stream that outlives the HTTP handler that
// opened it (a connection the handler took over from net/http), and
// returns the function to call when it has ended. http.Server.Shutdown
// does not wait for such connections; WaitStreams does, so that every
// stream has said goodbye before the process exits.
func (h *Hub) Track() (done func()) {
	h.streams.Add(1)
	return h.streams.Done
}

// WaitStreams waits until every tracked stream has ended, or at most d.
// The streams end when the hub closes, so call it after Close.
func (h *Hub) WaitStreams(d time.Duration) error {
	ended := make(chan struct{})
	go func() {
		h.streams.Wait()
		close(ended)
	}()
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ended:
		return nil
	case <-t.C:
		return context.DeadlineExceeded
	}
}

// Readers returns how many readers the hub serves now. A stream detached
// from its HTTP handler is no longer an in-flight request, so a gauge of
// live readers must come from here, not from the HTTP server.
func (h *Hub) Readers() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for _, st := range h.stories {
		st.mu.Lock()
		n += len(st.subs)
		st.mu.Unlock()
	}
	return n
}

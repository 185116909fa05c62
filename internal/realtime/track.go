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

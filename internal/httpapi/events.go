package httpapi

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"parley"
	"parley/internal/realtime"
)

const (
	// heartbeat keeps proxies from closing a quiet stream.
	heartbeat = 20 * time.Second
	// retryMillis is when a browser reconnects after the stream drops.
	retryMillis = 3000
	// shutdownRetry tells readers when to come back after a restart.
	shutdownRetry = 5
)

// events streams a story's changes as server-sent events. A reader who
// reconnects with Last-Event-ID (or ?after=) first gets what they missed,
// replayed from the database, then the live events.
func (a *API) events(w http.ResponseWriter, r *http.Request) error {
	// The bound comes first, so that a client past it costs no database read.
	release, err := a.streams.take(r)
	if err != nil {
		return err
	}
	detached := false
	defer func() {
		if !detached {
			release()
		}
	}()
	site, storyID := r.PathValue("site"), r.PathValue("story")
	story, err := a.svc.StoryState(r.Context(), site, storyID)
	if err != nil {
		return err
	}
	after, err := lastEventID(r)
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no") // nginx: do not buffer the stream
	s := &stream{w: w, rc: http.NewResponseController(w)}
	// The server's ReadTimeout would otherwise end the stream (by cancelling
	// its context) that long after the request came in.
	s.rc.SetReadDeadline(time.Time{})
	fmt.Fprintf(w, "retry: %d\n\n", retryMillis)
	if story.Status == parley.StoryClosed {
		return s.bye("closed", 0)
	}
	sub, err := a.hub.Subscribe(r.Context(), site, storyID)
	if err != nil {
		return s.bye("shutdown", shutdownRetry)
	}
	if err := a.replay(r.Context(), s, site, storyID, after); err != nil {
		a.hub.Unsubscribe(sub)
		return nil // the response has begun; the reader reconnects
	}
	if d := a.detach(w, r, s, sub); d != nil {
		detached = true
		tracked := a.hub.Track()
		go func() {
			defer release()
			defer tracked()
			defer a.hub.Unsubscribe(sub)
			d.run(a.hub.Done())
		}()
		return nil
	}
	defer a.hub.Unsubscribe(sub)
	return a.live(r.Context(), s, sub)
}

// lastEventID reads where a reconnecting reader left off.
func lastEventID(r *http.Request) (int64, error) {
	v := r.Header.Get("Last-Event-ID")
	if v == "" {
		v = r.URL.Query().Get("after")
	}
	if v == "" {
		return 0, nil
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id < 0 {
		return 0, parley.Errorf(parley.EINVALID, "The last event ID %q is not valid.", v)
	}
	return id, nil
}

// replay sends the events after the reader's last one, read from the log
// by the hub.
func (a *API) replay(ctx context.Context, s *stream, site, story string, after int64) error {
	if after != 0 {
		if err := a.hub.Replay(ctx, site, story, after, s.replay); err != nil {
			a.log.WarnContext(ctx, "replay events", "err", err)
			return err
		}
	}
	return s.flush()
}

// live forwards the hub's events until the reader leaves, falls behind, or
// the server shuts down.
func (a *API) live(ctx context.Context, s *stream, sub *realtime.Subscriber) error {
	tick := time.NewTicker(heartbeat)
	defer tick.Stop()
	for {
		select {
		case m := <-sub.C:
			s.send(m)
		case <-tick.C:
			s.w.Write(ping)
		case <-sub.Gone():
			return nil
		case <-a.hub.Done():
			return s.bye("shutdown", shutdownRetry)
		case <-ctx.Done():
			return nil
		}
		if err := s.flush(); err != nil {
			return nil
		}
	}
}

// stream writes server-sent events. It remembers the events it replayed,
// so that one both replayed and then broadcast reaches the reader once;
// live events need no memory, the hub sends each once. Most readers
// replay nothing: the map is made on the first replayed event.
type stream struct {
	w        http.ResponseWriter
	rc       *http.ResponseController
	replayed map[int64]bool
}

// replay writes an event read from the log.
func (s *stream) replay(m realtime.Message) {
	if s.replayed == nil {
		s.replayed = make(map[int64]bool)
	}
	s.replayed[m.ID] = true
	s.write(m)
}

// send writes a live event unless it was already replayed.
func (s *stream) send(m realtime.Message) {
	if !s.replayed[m.ID] {
		s.write(m)
	}
}

// write sends the frame the hub encoded once for all the story's readers.
func (s *stream) write(m realtime.Message) {
	s.w.Write(m.SSE())
}

func (s *stream) flush() error { return s.rc.Flush() }

// bye tells the reader why the stream ends and when to come back (0: not
// on its own).
func (s *stream) bye(reason string, retryAfter int) error {
	s.w.Write(byeFrame(reason, retryAfter))
	return s.flush()
}

// byeFrame is the event that tells a reader why its stream ends.
func byeFrame(reason string, retryAfter int) []byte {
	data, _ := json.Marshal(map[string]any{"reason": reason, "retryAfter": retryAfter})
	return fmt.Appendf(nil, "event: bye\ndata: %s\n\n", data)
}

package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"parley"
	"parley/internal/realtime"
	"parley/internal/service"
	"parley/internal/wire"
)

const (
	// heartbeat keeps proxies from closing a quiet stream.
	heartbeat = 20 * time.Second
	// retryMillis is when a browser reconnects after the stream drops.
	retryMillis = 3000
	// shutdownRetry tells readers when to come back after a restart.
	shutdownRetry = 5
	replayLimit   = 500
	replayPages   = 20
)

// events streams a story's changes as server-sent events. A reader who
// reconnects with Last-Event-ID (or ?after=) first gets what they missed,
// replayed from the database, then the live events.
func (a *API) events(w http.ResponseWriter, r *http.Request) error {
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
	s := &stream{w: w, rc: http.NewResponseController(w), replayed: map[int64]bool{}}
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
	defer a.hub.Unsubscribe(sub)
	if err := a.replay(r.Context(), s, site, storyID, after); err != nil {
		return nil // the response has begun; the reader reconnects
	}
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

// replay sends the events after the reader's last one from the log.
func (a *API) replay(ctx context.Context, s *stream, site, story string, after int64) error {
	if after == 0 {
		return s.flush()
	}
	for range replayPages {
		evs, err := a.eventLog.Events(ctx, site, story, after, time.Time{}, replayLimit)
		if err != nil {
			a.log.WarnContext(ctx, "replay events", "err", err)
			return err
		}
		for _, ev := range evs {
			after = ev.ID
			m, ok, err := a.renderEvent(ctx, ev)
			if err != nil {
				return err
			}
			if ok {
				s.replay(m)
			}
		}
		if len(evs) < replayLimit {
			break
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
			fmt.Fprint(s.w, ": ping\n\n")
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
// live events need no memory, the hub sends each once.
type stream struct {
	w        http.ResponseWriter
	rc       *http.ResponseController
	replayed map[int64]bool
}

// replay writes an event read from the log.
func (s *stream) replay(m realtime.Message) {
	s.replayed[m.ID] = true
	s.write(m)
}

// send writes a live event unless it was already replayed.
func (s *stream) send(m realtime.Message) {
	if !s.replayed[m.ID] {
		s.write(m)
	}
}

func (s *stream) write(m realtime.Message) {
	fmt.Fprintf(s.w, "id: %d\nevent: %s\ndata: %s\n\n", m.ID, m.Event, m.Data)
}

func (s *stream) flush() error { return s.rc.Flush() }

// bye tells the reader why the stream ends and when to come back (0: not
// on its own).
func (s *stream) bye(reason string, retryAfter int) error {
	data, _ := json.Marshal(map[string]any{"reason": reason, "retryAfter": retryAfter})
	fmt.Fprintf(s.w, "event: bye\ndata: %s\n\n", data)
	return s.flush()
}

// eventNames maps stored event types to the names readers' streams use.
var eventNames = map[string]string{
	parley.EventCommentCreated: "created",
	parley.EventCommentEdited:  "edited",
	parley.EventCommentDeleted: "deleted",
	parley.EventReaction:       "reaction",
	parley.EventStoryChanged:   "story",
}

// renderEvent turns a stored event into what readers get: the state of the
// comment or story now, so that every event can be applied twice.
func (a *API) renderEvent(ctx context.Context, ev parley.StoredEvent) (realtime.Message, bool, error) {
	l, ok, err := a.svc.Live(ctx, ev)
	if err != nil || !ok {
		return realtime.Message{}, false, err
	}
	var data any
	count := l.Story.CommentCount
	switch ev.Type {
	case parley.EventCommentCreated:
		data = map[string]any{"comment": wire.FromComment(l.Comment), "commentCount": count}
	case parley.EventCommentEdited:
		data = map[string]any{"comment": wire.FromComment(l.Comment)}
	case parley.EventCommentDeleted:
		data = map[string]any{"comment": deletedComment(l), "commentCount": count, "removed": l.Removed}
	case parley.EventReaction:
		data = map[string]any{"commentId": l.Comment.ID, "reactions": l.Comment.ReactionCount}
	case parley.EventStoryChanged:
		data = map[string]any{"status": l.Story.Status, "commentCount": count}
	}
	raw, err := marshal(data)
	if err != nil {
		return realtime.Message{}, false, err
	}
	return realtime.Message{ID: ev.ID, Event: eventNames[ev.Type], Data: bytes.TrimSpace(raw)}, true, nil
}

// deletedComment is what readers learn of a comment that left the thread:
// its place, and nothing of its text or author. A rejected comment keeps
// its text in the database; it must not reach readers through the stream.
func deletedComment(l *service.Live) *wire.Comment {
	c := l.Comment
	return &wire.Comment{ID: c.ID, ParentID: c.ParentID, Depth: c.Depth, Status: parley.StatusDeleted,
		CreatedAt: wire.FormatTime(c.CreatedAt), ReplyCount: c.ReplyCount}
}

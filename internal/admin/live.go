package admin

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"parley"
)

// The live queue: GET /admin/sites/{site}/events is a server-sent event
// stream of the site's queue changes from the bus (a comment decided,
// featured, reported, posted or edited), each as "queue" with the
// comment's ID. The page reloads its first page of items on each (a
// burst at once), so that what another moderator took leaves and what came
// in appears. Nothing is replayed: a page that reconnects reloads its
// items, which is all it needs.
const (
	// liveCheck is how often a stream asks again whether its session still
	// holds and may read the queue: a moderator whose role or session is
	// taken stops receiving within this time.
	liveCheck = 30 * time.Second
	// liveBuffer is the events a slow stream may fall behind by before it
	// is told to reload (it lost some).
	liveBuffer = 64
	// liveRead bounds the database reads of a stream, which is exempt from
	// the request deadline.
	liveRead = 10 * time.Second
)

// live streams the site's queue changes until the page goes, the session
// ends or the server shuts down.
func (a *Admin) live(w http.ResponseWriter, r *http.Request, d *desk) error {
	if err := a.mayRead(r.Context(), d); err != nil {
		return err
	}
	rc := http.NewResponseController(w)
	events := make(chan parley.Event, liveBuffer)
	missed := make(chan struct{}, 1)
	push := func(ev parley.Event) {
		select {
		case events <- ev:
		default:
			select {
			case missed <- struct{}{}:
			default:
			}
		}
	}
	var unsubs []func()
	defer func() {
		for _, u := range unsubs {
			u()
		}
	}()
	for _, kind := range []string{parley.TopicQueues, parley.TopicStories} {
		u, err := a.bus.Subscribe(parley.Topic{Kind: kind, SiteID: d.Site.ID}, push)
		if err != nil {
			return fmt.Errorf("subscribe to the queue: %w", err)
		}
		unsubs = append(unsubs, u)
	}
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	send(w, "hello", map[string]string{"text": d.P.T("admin.live.on")})
	if err := rc.Flush(); err != nil {
		return nil
	}
	check := time.NewTicker(liveCheck)
	defer check.Stop()
	for {
		select {
		case <-r.Context().Done():
			return nil
		case <-a.stop:
			send(w, "bye", struct{}{})
			rc.Flush()
			return nil
		case <-check.C:
			if err := a.mayRead(r.Context(), d); err != nil {
				send(w, "bye", struct{}{})
				rc.Flush()
				return nil
			}
			fmt.Fprint(w, ": still here\n\n")
		case <-missed:
			send(w, "queue", liveEvent{Missed: true})
		case ev := <-events:
			if ev.Type == parley.EventReaction {
				continue // reactions change no queue
			}
			send(w, "queue", liveEvent{Comment: ev.CommentID, Type: ev.Type, Missed: ev.Type == parley.EventMissed})
		}
		if err := rc.Flush(); err != nil {
			return nil
		}
	}
}

// liveEvent is one message of the stream.
type liveEvent struct {
	Comment string `json:"comment,omitempty"`
	Type    string `json:"type,omitempty"`
	Missed  bool   `json:"missed,omitempty"` // some were lost: reload
}

// mayRead asks again, with the session as it is now, whether the staff
// member may read the site's queue.
func (a *Admin) mayRead(ctx context.Context, d *desk) error {
	ctx, cancel := context.WithTimeout(ctx, liveRead)
	defer cancel()
	actor, err := a.sessions.Actor(ctx, d.token)
	if err != nil {
		return err
	}
	_, err = a.svc.QueueCounts(parley.WithActor(ctx, actor), d.Site.ID, "")
	return err
}

// send writes one event.
func send(w http.ResponseWriter, event string, data any) {
	b, _ := json.Marshal(data)
	fmt.Fprintf(w, "event: %s\ndata: %s\n\n", event, b)
}

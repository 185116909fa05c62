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
// ends or the server shuts down. On shutdown the stream just ends, and the
// browser reconnects to another instance; a session that may no longer
// read the queue is told "bye", after which the page stops.
func (a *Admin) live(w http.ResponseWriter, r *http.Request, d *desk) error {
	if err := a.mayRead(r.Context(), d); err != nil {
		return err
	}
	feed, err := a.follow(d.Site.ID)
	if err != nil {
		return err
	}
	defer feed.stop()
	rc := http.NewResponseController(w)
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	fmt.Fprintf(w, "retry: %d\n\n", liveRetry.Milliseconds())
	send(w, "hello", map[string]string{"text": d.P.T("admin.live.on")})
	check := time.NewTicker(liveCheck)
	defer check.Stop()
	for {
		if err := rc.Flush(); err != nil {
			return nil // the page went
		}
		select {
		case <-r.Context().Done():
			return nil
		case <-a.stop:
			return nil
		case <-check.C:
			if err := a.mayRead(r.Context(), d); err != nil {
				send(w, "bye", struct{}{})
				rc.Flush()
				return nil
			}
			fmt.Fprint(w, ": still here\n\n")
		case <-feed.missed:
			send(w, "queue", liveEvent{Missed: true})
		case ev := <-feed.events:
			if ev.Type != parley.EventReaction { // reactions change no queue
				send(w, "queue", liveEvent{Comment: ev.CommentID, Type: ev.Type, Missed: ev.Type == parley.EventMissed})
			}
		}
	}
}

// liveRetry is how soon a page reconnects after its stream ended.
const liveRetry = 3 * time.Second

// feed is a site's queue changes from the bus, as a stream reads them.
type feed struct {
	events chan parley.Event
	missed chan struct{} // the stream fell behind and dropped some
	stop   func()
}

// follow subscribes to the changes of a site's queues and of its stories
// (new and edited comments join the queues). The bus's handler must not
// block: a stream that falls behind by liveBuffer events is told that it
// missed some, and reloads.
func (a *Admin) follow(siteID string) (*feed, error) {
	f := &feed{events: make(chan parley.Event, liveBuffer), missed: make(chan struct{}, 1)}
	push := func(ev parley.Event) {
		select {
		case f.events <- ev:
		default:
			select {
			case f.missed <- struct{}{}:
			default:
			}
		}
	}
	var unsubs []func()
	f.stop = func() {
		for _, u := range unsubs {
			u()
		}
	}
	for _, kind := range []string{parley.TopicQueues, parley.TopicStories} {
		u, err := a.bus.Subscribe(parley.Topic{Kind: kind, SiteID: siteID}, push)
		if err != nil {
			f.stop()
			return nil, fmt.Errorf("subscribe to the queue: %w", err)
		}
		unsubs = append(unsubs, u)
	}
	return f, nil
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

package realtime_test

import (
	"context"
	"io"
	"log/slog"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"parley"
	"parley/internal/realtime"
	"parley/internal/realtime/natstest"
)

// wait bounds every wait for an event; a loaded machine needs it generous.
const wait = 10 * time.Second

func newNATSBus(t *testing.T, url, prefix string, events realtime.EventLog) *realtime.NATSBus {
	t.Helper()
	b, err := realtime.NewNATSBus(context.Background(), realtime.NATSOptions{URL: url, Prefix: prefix, Events: events, Poll: 20 * time.Millisecond,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Close)
	return b
}

// collect subscribes to t on bus and returns the channel of its events.
func collect(t *testing.T, bus parley.Bus, topic parley.Topic) chan parley.Event {
	t.Helper()
	c := make(chan parley.Event, 64)
	unsub, err := bus.Subscribe(topic, func(ev parley.Event) { c <- ev })
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(unsub)
	return c
}

// next returns the next event on c, skipping resyncs unless want is one.
func next(t *testing.T, c chan parley.Event, want string) parley.Event {
	t.Helper()
	deadline := time.After(wait)
	for {
		select {
		case ev := <-c:
			if ev.Type == parley.EventMissed && want != parley.EventMissed {
				continue
			}
			if ev.Type != want {
				t.Fatalf("got %+v, want a %s", ev, want)
			}
			return ev
		case <-deadline:
			t.Fatalf("no %s within %v", want, wait)
		}
	}
}

func comment(site, story, id string) parley.Event {
	return parley.Event{Type: parley.EventCommentCreated, SiteID: site, StoryID: story, CommentID: id}
}

// TestNATSAcrossInstances: an event published on one bus reaches the
// other's subscribers once, and the publisher's own subscribers once (its
// echo is skipped). Site and story IDs with '.', '*', '>' and spaces
// neither break the subject nor widen a subscription.
func TestNATSAcrossInstances(t *testing.T) {
	url, prefix := natstest.URL(t), natstest.Prefix()
	a, b := newNATSBus(t, url, prefix, nil), newNATSBus(t, url, prefix, nil)
	ctx := context.Background()

	all := collect(t, b, parley.Topic{Kind: parley.TopicStories})
	dotted := collect(t, b, parley.Topic{Kind: parley.TopicStories, SiteID: "s.1", StoryID: "x >y"})
	plain := collect(t, b, parley.Topic{Kind: parley.TopicStories, SiteID: "s"})
	sites := collect(t, b, parley.Topic{Kind: parley.TopicSites})
	own := collect(t, a, parley.Topic{Kind: parley.TopicStories})

	for _, ev := range []parley.Event{comment("s.1", "x >y", "c1"), comment("*", ">", "c2"), comment("s", "end", "c3")} {
		a.Publish(ctx, ev)
	}
	a.Publish(ctx, parley.Event{Type: parley.EventSiteChanged, SiteID: "s.1"})
	for _, id := range []string{"c1", "c2", "c3"} {
		if got := next(t, all, parley.EventCommentCreated); got.CommentID != id {
			t.Fatalf("every story: got %+v, want %s (in order)", got, id)
		}
	}
	if got := next(t, dotted, parley.EventCommentCreated); got.CommentID != "c1" || got.SiteID != "s.1" || got.StoryID != "x >y" {
		t.Errorf("story s.1/x >y: got %+v", got)
	}
	// c1 (site s.1) and c2 (site *) came before c3 from one connection:
	// had they matched site s, they would be first.
	if got := next(t, plain, parley.EventCommentCreated); got.CommentID != "c3" {
		t.Errorf("site s: got %+v first, want c3 only", got)
	}
	if got := next(t, sites, parley.EventSiteChanged); got.SiteID != "s.1" {
		t.Errorf("sites: got %+v", got)
	}

	// The publisher's own subscriber got c1–c3 locally. Once b has
	// received c3, a's echo of it is queued before anything b sends.
	for _, id := range []string{"c1", "c2", "c3"} {
		if got := next(t, own, parley.EventCommentCreated); got.CommentID != id {
			t.Fatalf("own: got %+v, want %s", got, id)
		}
	}
	b.Publish(ctx, comment("s", "b", "from-b"))
	if got := next(t, own, parley.EventCommentCreated); got.CommentID != "from-b" {
		t.Fatalf("own: got %+v after its own events, want b's (echo not skipped)", got)
	}
	if s := a.Stats(); !s.Connected || s.EventsOut != 4 || s.EventsIn != 1 {
		t.Errorf("a's stats = %+v, want connected, 4 out, 1 in", s)
	}
}

func TestSubjectTokens(t *testing.T) {
	valid := regexp.MustCompile(`^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+){3}$`)
	seen := map[string]string{}
	for _, id := range []string{"", "a", "a.b", "a_2eb", "*", ">", "a b", "a\tb", "ü", "_", "a-b", "a..b"} {
		s := realtime.EventSubject("p", comment(id, id, ""))
		if !valid.MatchString(s) {
			t.Errorf("subject of %q = %q: not four plain tokens", id, s)
		}
		if other, ok := seen[s]; ok {
			t.Errorf("%q and %q share subject %q", id, other, s)
		}
		seen[s] = id
	}
}

// TestNATSBadMessages: what is not a well-formed event of ours, or came by
// a subject that is not its own, is counted and dropped; the next good one
// still arrives.
func TestNATSBadMessages(t *testing.T) {
	url, prefix := natstest.URL(t), natstest.Prefix()
	b := newNATSBus(t, url, prefix, nil)
	c := collect(t, b, parley.Topic{Kind: parley.TopicStories})
	raw, err := nats.Connect(url)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	subject := prefix + ".stories.s.a"
	for _, data := range []string{"{", "null", `{"from":"x"}`, `{"from":"x","type":"comment.created","site":"other","story":"a"}`,
		`{"from":"x","type":"bus.missed","site":"s","story":"a"}`, `{"from":"x","type":"comment.created","site":"s","story":"a","at":"soon"}`,
		`{"from":"x","type":"comment.created","site":"s","story":"a","comment":"` + strings.Repeat("x", 20000) + `"}`} {
		if err := raw.Publish(subject, []byte(data)); err != nil {
			t.Fatal(err)
		}
	}
	// One that says it is b's own: its echo, which the server would not
	// send back (NoEcho) but the ID still catches.
	raw.Publish(subject, []byte(`{"from":"`+b.ID()+`","type":"comment.created","site":"s","story":"a","comment":"echo"}`))
	raw.Publish(subject, []byte(`{"from":"x","type":"comment.created","site":"s","story":"a","comment":"good"}`))
	if got := next(t, c, parley.EventCommentCreated); got.CommentID != "good" {
		t.Fatalf("got %+v, want the good one", got)
	}
	if s := b.Stats(); s.Dropped != 7 || s.EventsIn != 1 {
		t.Errorf("stats = %+v, want 7 dropped, 1 in", s)
	}
}

// TestNATSOutage stops the bus's own NATS server: subscribers get
// EventMissed, then what the log gains; publishing still reaches this
// instance and fails for the others without an error. When the server is
// back, subscribers resync again and events flow over NATS.
func TestNATSOutage(t *testing.T) {
	srv := natstest.Start(t)
	prefix, log := natstest.Prefix(), newMemLog()
	log.add(true)
	a, b := newNATSBus(t, srv.URL, prefix, log), newNATSBus(t, srv.URL, prefix, log)
	c := collect(t, a, parley.Topic{Kind: parley.TopicStories})
	users := collect(t, a, parley.Topic{Kind: parley.TopicUsers})
	bSites := collect(t, b, parley.Topic{Kind: parley.TopicSites})
	ctx := context.Background()

	srv.Stop()
	next(t, c, parley.EventMissed)
	next(t, users, parley.EventMissed)
	next(t, bSites, parley.EventMissed)
	// Event 2 commits after event 3, as PostgreSQL's may: both come.
	late := log.add(false)
	log.add(true)
	if got := next(t, c, parley.EventCommentCreated); got.CommentID != "3" {
		t.Fatalf("while down: got %+v, want event 3 from the log", got)
	}
	log.commit(late)
	if got := next(t, c, parley.EventCommentCreated); got.CommentID != "2" {
		t.Fatalf("while down: got %+v, want the late event 2 from the log", got)
	}
	if err := a.Publish(ctx, comment("s", "a", "local")); err != nil {
		t.Errorf("Publish while down = %v, want nil", err)
	}
	if got := next(t, c, parley.EventCommentCreated); got.CommentID != "local" {
		t.Fatalf("while down: got %+v, want the local event", got)
	}
	if s := a.Stats(); s.Connected || !s.Fallback || s.EventsLogged == 0 {
		t.Errorf("stats while down = %+v", s)
	}

	srv.Start()
	next(t, c, parley.EventMissed)
	next(t, bSites, parley.EventMissed) // b is back: its own resync, or a's
	b.Publish(ctx, comment("s", "a", "after"))
	if got := next(t, c, parley.EventCommentCreated); got.CommentID != "after" {
		t.Fatalf("after the restart: got %+v, want b's event over NATS; a %+v, b %+v", got, a.Stats(), b.Stats())
	}
	if s := a.Stats(); !s.Connected || s.Fallback || s.EventsFailed == 0 {
		t.Errorf("stats after = %+v", s)
	}
}

// TestNATSStartsWithoutNATS: an instance that starts while NATS is down
// serves from the log, and joins the bus when NATS comes.
func TestNATSStartsWithoutNATS(t *testing.T) {
	srv := natstest.Start(t)
	srv.Stop()
	log := newMemLog()
	a := newNATSBus(t, srv.URL, natstest.Prefix(), log)
	c := collect(t, a, parley.Topic{Kind: parley.TopicStories})
	if s := a.Stats(); s.Connected || !s.Fallback {
		t.Fatalf("stats = %+v, want disconnected, reading the log", s)
	}
	log.add(true)
	if got := next(t, c, parley.EventCommentCreated); got.CommentID != "1" {
		t.Fatalf("got %+v, want event 1 from the log", got)
	}
	srv.Start()
	next(t, c, parley.EventMissed)
	if s := a.Stats(); !s.Connected || s.Fallback {
		t.Errorf("stats after NATS came = %+v", s)
	}
}

func TestRedactURLs(t *testing.T) {
	if got := realtime.RedactURLs("nats://u:secret@h1:4222, nats://h2:4222"); strings.Contains(got, "secret") || !strings.Contains(got, "h2:4222") {
		t.Errorf("redacted = %q", got)
	}
}

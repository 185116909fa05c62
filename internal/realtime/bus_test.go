package realtime_test

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"testing"
	"testing/synctest"

	"github.com/google/go-cmp/cmp"

	"parley"
	"parley/internal/realtime"
)

func storyEvent(story string, n int) parley.Event {
	return parley.Event{Type: parley.EventCommentCreated, SiteID: "s", StoryID: story, CommentID: fmt.Sprint(n)}
}

// record subscribes to t and returns what the subscription got so far.
func record(t *testing.T, bus parley.Bus, topic parley.Topic) (got func() []parley.Event, unsub func()) {
	t.Helper()
	var mu sync.Mutex
	var evs []parley.Event
	unsub, err := bus.Subscribe(topic, func(ev parley.Event) {
		mu.Lock()
		evs = append(evs, ev)
		mu.Unlock()
	})
	if err != nil {
		t.Fatal(err)
	}
	return func() []parley.Event {
		mu.Lock()
		defer mu.Unlock()
		return append([]parley.Event(nil), evs...)
	}, unsub
}

// TestBusDeliversInOrderByTopic: each subscription gets what matches its
// topic, in the order it was published; EventMissed reaches every one.
func TestBusDeliversInOrderByTopic(t *testing.T) {
	ctx := context.Background()
	bus := realtime.NewBus()
	all, _ := record(t, bus, parley.Topic{Kind: parley.TopicStories})
	one, _ := record(t, bus, parley.Topic{Kind: parley.TopicStories, SiteID: "s", StoryID: "a"})
	sites, _ := record(t, bus, parley.Topic{Kind: parley.TopicSites})
	var want, wantA []parley.Event
	for i := range 100 {
		ev := storyEvent([]string{"a", "b"}[i%2], i)
		bus.Publish(ctx, ev)
		want = append(want, ev)
		if ev.StoryID == "a" {
			wantA = append(wantA, ev)
		}
	}
	site := parley.Event{Type: parley.EventSiteChanged, SiteID: "s"}
	missed := parley.Event{Type: parley.EventMissed}
	bus.Publish(ctx, site)
	bus.Publish(ctx, missed)
	for name, c := range map[string]struct {
		got, want []parley.Event
	}{
		"every story": {all(), append(want, missed)},
		"story a":     {one(), append(wantA, missed)},
		"sites":       {sites(), []parley.Event{site, missed}},
	} {
		if diff := cmp.Diff(c.want, c.got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", name, diff)
		}
	}
}

// TestBusOrderPerPublisher: with publishers on many goroutines, a
// subscription still gets each publisher's events in the order that
// publisher sent them, one call at a time.
func TestBusOrderPerPublisher(t *testing.T) {
	bus := realtime.NewBus()
	const publishers, each = 8, 500
	last := make([]int, publishers)
	for i := range last {
		last[i] = -1
	}
	busy := false // set while a call runs; a second concurrent call is a failure
	var bad []string
	bus.Subscribe(parley.Topic{Kind: parley.TopicStories}, func(ev parley.Event) {
		if busy {
			bad = append(bad, "overlapping calls")
		}
		busy = true
		var p, n int
		fmt.Sscanf(ev.CommentID, "%d/%d", &p, &n)
		if n != last[p]+1 {
			bad = append(bad, fmt.Sprintf("publisher %d: %d after %d", p, n, last[p]))
		}
		last[p] = n
		busy = false
	})
	var wg sync.WaitGroup
	for p := range publishers {
		wg.Go(func() {
			for n := range each {
				bus.Publish(context.Background(), parley.Event{Type: parley.EventReaction, SiteID: "s", StoryID: "a", CommentID: fmt.Sprintf("%d/%d", p, n)})
			}
		})
	}
	wg.Wait()
	if len(bad) > 0 {
		t.Fatalf("%d problems, first: %s", len(bad), bad[0])
	}
	for p, n := range last {
		if n != each-1 {
			t.Errorf("publisher %d: last event %d, want %d", p, n, each-1)
		}
	}
}

// TestBusUnsubscribe: nothing reaches a subscription after unsubscribe,
// the others go on, and a handler may unsubscribe itself.
func TestBusUnsubscribe(t *testing.T) {
	ctx := context.Background()
	bus := realtime.NewBus()
	stays, _ := record(t, bus, parley.Topic{Kind: parley.TopicStories})
	leaves, unsub := record(t, bus, parley.Topic{Kind: parley.TopicStories})
	var self func()
	calls := 0
	self, _ = bus.Subscribe(parley.Topic{Kind: parley.TopicStories}, func(parley.Event) {
		calls++
		self() // must not deadlock
	})
	bus.Publish(ctx, storyEvent("a", 1))
	unsub()
	unsub() // twice is harmless
	bus.Publish(ctx, storyEvent("a", 2))
	if n := len(leaves()); n != 1 {
		t.Errorf("unsubscribed: %d events, want 1", n)
	}
	if n := len(stays()); n != 2 {
		t.Errorf("still subscribed: %d events, want 2", n)
	}
	if calls != 1 {
		t.Errorf("self-unsubscribing handler called %d times, want 1", calls)
	}
}

// TestBusSlowSubscriberDoesNotBlock: a consumer that does not read its
// channel costs the publisher nothing; when it reads again it gets what
// fit, then EventMissed, then the events after that, in order. Run in a
// synctest bubble: the test fails if any goroutine is left behind.
func TestBusSlowSubscriberDoesNotBlock(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx := context.Background()
		bus := realtime.NewBus()
		c := make(chan parley.Event, 4)
		unsub, _ := bus.Subscribe(parley.Topic{Kind: parley.TopicStories}, realtime.ToChannel(c))
		fast, _ := record(t, bus, parley.Topic{Kind: parley.TopicStories})

		release := make(chan struct{})
		var got []parley.Event
		done := make(chan struct{})
		go func() { // the slow consumer: stuck until released
			defer close(done)
			<-release
			for ev := range c {
				got = append(got, ev)
			}
		}()
		published := make(chan struct{})
		go func() {
			for i := range 1000 {
				bus.Publish(ctx, storyEvent("a", i))
			}
			close(published)
		}()
		synctest.Wait()
		select {
		case <-published:
		default:
			t.Fatal("Publish is blocked by a consumer that does not read")
		}
		if n := len(fast()); n != 1000 {
			t.Errorf("the other subscriber got %d events, want 1000", n)
		}
		close(release)
		synctest.Wait() // the consumer has drained the channel
		bus.Publish(ctx, storyEvent("a", 1000))
		unsub()
		bus.Publish(ctx, storyEvent("a", 1001)) // after unsubscribe: not delivered
		close(c)
		<-done
		want := []parley.Event{storyEvent("a", 0), storyEvent("a", 1), storyEvent("a", 2), storyEvent("a", 3),
			{Type: parley.EventMissed}, storyEvent("a", 1000)}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("slow consumer (-want +got):\n%s", diff)
		}
	})
}

// TestBusLeavesNoGoroutines: the bus starts none, however many
// subscriptions come and go.
func TestBusLeavesNoGoroutines(t *testing.T) {
	before := runtime.NumGoroutine()
	bus := realtime.NewBus()
	for i := range 100 {
		unsub, _ := bus.Subscribe(parley.Topic{Kind: parley.TopicStories}, realtime.ToChannel(make(chan parley.Event, 1)))
		bus.Publish(context.Background(), storyEvent("a", i))
		if i%2 == 0 {
			unsub()
		}
	}
	if after := runtime.NumGoroutine(); after > before {
		t.Errorf("%d goroutines after, %d before", after, before)
	}
}

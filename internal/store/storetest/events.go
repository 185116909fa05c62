package storetest

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"parley"
)

// logged is what a test expects of one event: its type and comment.
type logged struct {
	Type      string
	CommentID string
}

func created(c *parley.Comment) logged { return logged{parley.EventCommentCreated, c.ID} }
func edited(c *parley.Comment) logged  { return logged{parley.EventCommentEdited, c.ID} }
func deleted(c *parley.Comment) logged { return logged{parley.EventCommentDeleted, c.ID} }
func reacted(c *parley.Comment) logged { return logged{parley.EventReaction, c.ID} }

// testEvents checks the event log that live readers replay: which write
// appends which event, that failed writes append nothing, and how Events
// and LastEventID select.
func testEvents(t *testing.T, open Opener) {
	t.Run("Writes", func(t *testing.T) { testEventWrites(t, open) })
	t.Run("FailedWrites", func(t *testing.T) { testEventFailures(t, open) })
	t.Run("Cascade", func(t *testing.T) { testEventCascade(t, open) })
	t.Run("Query", func(t *testing.T) { testEventQuery(t, open) })
	t.Run("Concurrent", func(t *testing.T) { testEventsConcurrent(t, open) })
}

// eventLog follows one story's log through a test.
type eventLog struct {
	f    *fixture
	st   *parley.Story
	last int64 // the highest ID seen so far
}

func (f *fixture) eventLog(st *parley.Story) *eventLog {
	return &eventLog{f: f, st: st}
}

// want checks that the writes since the previous call appended exactly
// want to the story (in any order: a write that appends several events may
// append them in any order), each with an ID above every earlier one, and
// that LastEventID reports the newest.
func (l *eventLog) want(step string, want ...logged) {
	t := l.f.t
	t.Helper()
	got, err := l.f.s.Events(l.f.ctx, l.st.SiteID, l.st.ID, l.last, time.Time{}, 100)
	if err != nil {
		t.Fatalf("%s: Events: %v", step, err)
	}
	kinds := make([]logged, 0, len(got))
	for _, e := range got {
		if e.ID <= l.last {
			t.Errorf("%s: event ID %d follows ID %d", step, e.ID, l.last)
		}
		if e.SiteID != l.st.SiteID || e.StoryID != l.st.ID || e.CreatedAt.IsZero() {
			t.Errorf("%s: event %+v: want site %s, story %s and a time", step, e, l.st.SiteID, l.st.ID)
		}
		l.last = max(l.last, e.ID)
		kinds = append(kinds, logged{e.Type, e.CommentID})
	}
	sortLogged(kinds)
	sortLogged(want)
	if d := diff(want, kinds); d != "" {
		t.Errorf("%s: events appended (-want +got):\n%s", step, d)
	}
	if id := l.f.lastEventID(l.st); id != l.last {
		t.Errorf("%s: LastEventID = %d, want %d", step, id, l.last)
	}
}

func sortLogged(s []logged) {
	slices.SortFunc(s, func(a, b logged) int {
		return cmp.Or(strings.Compare(a.CommentID, b.CommentID), strings.Compare(a.Type, b.Type))
	})
}

func (f *fixture) lastEventID(st *parley.Story) int64 {
	f.t.Helper()
	id, err := f.s.LastEventID(f.ctx, st.SiteID, st.ID)
	if err != nil {
		f.t.Fatalf("LastEventID(%s): %v", st.ID, err)
	}
	return id
}

// step is one write of a table-driven event test and what it appends.
type step struct {
	name string
	do   func() error
	want []logged
}

func (l *eventLog) run(steps []step) {
	l.f.t.Helper()
	for _, s := range steps {
		if err := s.do(); err != nil {
			l.f.t.Fatalf("%s: %v", s.name, err)
		}
		l.want(s.name, s.want...)
	}
}

func (f *fixture) createStep(c *parley.Comment) func() error {
	return func() error { return f.s.CreateComment(f.ctx, c) }
}

func (f *fixture) statusStep(c *parley.Comment, status string) func() error {
	return func() error { return f.s.SetCommentStatus(f.ctx, c.ID, status, f.tick()) }
}

// reactStep adds (or removes) the user's reaction and fails unless the
// store reports changed.
func (f *fixture) reactStep(c *parley.Comment, add, changed bool) func() error {
	return func() error {
		var ok bool
		var err error
		if add {
			ok, err = f.s.AddReaction(f.ctx, c.ID, f.user.ID, f.tick())
		} else {
			ok, err = f.s.RemoveReaction(f.ctx, c.ID, f.user.ID)
		}
		if err == nil && ok != changed {
			err = fmt.Errorf("reaction changed = %v, want %v", ok, changed)
		}
		return err
	}
}

func testEventWrites(t *testing.T, open Opener) {
	f := newFixture(t, open)
	log := f.eventLog(f.story)
	log.want("new story") // EnsureStory appends nothing
	a := f.newComment(f.story, nil, parley.StatusApproved)
	p := f.newComment(f.story, a, parley.StatusPending)
	edit := func() error { return f.s.EditComment(f.ctx, a.ID, "edited", "<p>edited</p>", f.tick()) }
	log.run([]step{
		{"create approved", f.createStep(a), []logged{created(a)}},
		{"create pending reply", f.createStep(p), []logged{created(p)}},
		{"edit", edit, []logged{edited(a)}},
		{"approve", f.statusStep(p, parley.StatusApproved), []logged{created(p)}},
		{"approve again", f.statusStep(p, parley.StatusApproved), nil},
		{"back to pending", f.statusStep(p, parley.StatusPending), []logged{deleted(p)}},
		{"reject", f.statusStep(p, parley.StatusRejected), []logged{deleted(p)}},
		{"reject again", f.statusStep(p, parley.StatusRejected), nil},
		{"approve rejected", f.statusStep(p, parley.StatusApproved), []logged{created(p)}},
		{"delete", f.statusStep(p, parley.StatusDeleted), []logged{deleted(p)}},
		{"react", f.reactStep(a, true, true), []logged{reacted(a)}},
		{"react again", f.reactStep(a, true, false), nil},
		{"unreact", f.reactStep(a, false, true), []logged{reacted(a)}},
		{"unreact again", f.reactStep(a, false, false), nil},
		{"update story", func() error { return f.s.UpdateStory(f.ctx, f.story) }, []logged{{parley.EventStoryChanged, ""}}},
	})
}

// testEventFailures checks that a write that fails appends nothing, to its
// own story or any other.
func testEventFailures(t *testing.T, open Opener) {
	f := newFixture(t, open)
	other := f.mustStory("other")
	a := f.mustComment(nil, parley.StatusApproved)
	elsewhere := f.create(other, nil, parley.StatusApproved)
	log, otherLog := f.eventLog(f.story), f.eventLog(other)
	log.want("setup", created(a))
	otherLog.want("setup", created(elsewhere))

	duplicate := f.newComment(f.story, nil, parley.StatusApproved)
	duplicate.ID = a.ID
	unknownParent := f.newComment(f.story, a, parley.StatusApproved)
	unknownParent.ParentID = "missing"
	crossStory := f.newComment(f.story, elsewhere, parley.StatusApproved)
	unknownStory := f.newComment(f.story, nil, parley.StatusApproved)
	unknownStory.StoryID = "missing"
	missingStory := *f.story
	missingStory.ID = "missing"
	create := f.createStep
	tests := []struct {
		name string
		do   func() error
		code string
	}{
		{"duplicate comment", create(duplicate), parley.ECONFLICT},
		{"unknown parent", create(unknownParent), parley.ENOTFOUND},
		{"parent on another story", create(crossStory), parley.ENOTFOUND},
		{"unknown story", create(unknownStory), parley.ENOTFOUND},
		{"edit unknown comment", func() error { return f.s.EditComment(f.ctx, "missing", "b", "<p>b</p>", f.tick()) }, parley.ENOTFOUND},
		{"status of unknown comment", f.statusStep(&parley.Comment{ID: "missing"}, parley.StatusDeleted), parley.ENOTFOUND},
		{"react to unknown comment", f.reactStep(&parley.Comment{ID: "missing"}, true, false), parley.ENOTFOUND},
		{"update unknown story", func() error { return f.s.UpdateStory(f.ctx, &missingStory) }, parley.ENOTFOUND},
	}
	for _, tt := range tests {
		wantCode(t, tt.name, tt.do(), tt.code)
		log.want(tt.name)
		otherLog.want(tt.name)
	}
	if id := f.lastEventID(&missingStory); id != 0 {
		t.Errorf("LastEventID of a story that failed writes named = %d, want 0", id)
	}
}

// testEventCascade checks the events of deleted placeholders that a change
// further down hides or brings back: live readers must remove or show them.
func testEventCascade(t *testing.T, open Opener) {
	f := newFixture(t, open)
	a := f.mustComment(nil, parley.StatusApproved)
	b := f.mustComment(a, parley.StatusApproved)
	c := f.mustComment(b, parley.StatusApproved)
	d := f.mustComment(nil, parley.StatusApproved)
	x := f.mustComment(d, parley.StatusApproved)
	log := f.eventLog(f.story)
	log.want("setup", created(a), created(b), created(c), created(d), created(x))
	e := f.newComment(f.story, b, parley.StatusApproved)
	log.run([]step{
		{"leaf under a live parent", f.statusStep(x, parley.StatusDeleted), []logged{deleted(x)}},
		{"delete top", f.statusStep(a, parley.StatusDeleted), []logged{deleted(a)}},
		{"delete middle", f.statusStep(b, parley.StatusDeleted), []logged{deleted(b)}},
		{"reject leaf", f.statusStep(c, parley.StatusRejected), []logged{deleted(c), deleted(b), deleted(a)}},
		{"reply revives", f.createStep(e), []logged{created(e), created(b), created(a)}},
		{"delete reply", f.statusStep(e, parley.StatusDeleted), []logged{deleted(e), deleted(b), deleted(a)}},
		{"approve leaf", f.statusStep(c, parley.StatusApproved), []logged{created(c), created(b), created(a)}},
	})
}

// testEventsConcurrent has many writers append at once: every change gets
// exactly one event, with an ID of its own.
func testEventsConcurrent(t *testing.T, open Opener) {
	const workers, perWorker, shared = 16, 20, 4
	f := newFixture(t, open)
	hubs, users := f.mustWriters(shared, workers)
	start := f.lastEventID(f.story)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() { f.write(t, users[w], hubs, w, perWorker) })
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	createdOnce, reactions := map[string]int{}, map[string]int{}
	events := f.allEvents(f.story, start)
	for _, e := range events {
		switch e.Type {
		case parley.EventCommentCreated:
			createdOnce[e.CommentID]++
		case parley.EventReaction:
			reactions[e.CommentID]++
		default:
			t.Errorf("unexpected event %+v", e)
		}
	}
	if want := workers * (perWorker + shared); len(events) != want {
		t.Errorf("%d events, want %d", len(events), want)
	}
	if len(createdOnce) != workers*perWorker {
		t.Errorf("%d comments have a created event, want %d", len(createdOnce), workers*perWorker)
	}
	for id, n := range createdOnce {
		if n != 1 {
			t.Errorf("comment %s has %d created events, want 1", id, n)
		}
	}
	want := map[string]int{}
	for _, h := range hubs {
		want[h.ID] = workers
	}
	if d := diff(want, reactions); d != "" {
		t.Errorf("reaction events per comment (-want +got):\n%s", d)
	}
}

// allEvents pages through a story's events after afterID, 50 at a time,
// and checks that IDs strictly increase across pages.
func (f *fixture) allEvents(st *parley.Story, afterID int64) []parley.StoredEvent {
	f.t.Helper()
	var all []parley.StoredEvent
	for {
		page, err := f.s.Events(f.ctx, st.SiteID, st.ID, afterID, time.Time{}, 50)
		if err != nil {
			f.t.Fatalf("Events: %v", err)
		}
		if len(page) == 0 {
			return all
		}
		for _, e := range page {
			if e.ID <= afterID {
				f.t.Fatalf("event ID %d follows ID %d", e.ID, afterID)
			}
			afterID = e.ID
		}
		all = append(all, page...)
	}
}

// testEventQuery checks how Events selects: by ID, by time (either one is
// enough), by story and site, up to a limit, in ID order.
func testEventQuery(t *testing.T, open Opener) {
	f := newFixture(t, open)
	other := f.mustStory("other")
	twin := f.mustStoryOn(f.mustSite("elsewhere").ID, f.story.ID) // same story ID, other site
	quiet := f.mustStory("quiet")
	var onOther, onTwin []string
	for i := range 6 {
		f.mustComment(nil, parley.StatusApproved)
		if i%2 == 0 {
			onOther = append(onOther, f.create(other, nil, parley.StatusApproved).ID)
			onTwin = append(onTwin, f.create(twin, nil, parley.StatusApproved).ID)
		}
	}
	all := f.allEvents(f.story, 0)
	if len(all) != 6 {
		t.Fatalf("%d events on the story, want 6", len(all))
	}
	for i := 1; i < len(all); i++ {
		if !all[i-1].CreatedAt.Before(all[i].CreatedAt) {
			t.Fatalf("events %d and %d share a time (%v): the cases below need distinct ones", i-1, i, all[i].CreatedAt)
		}
	}
	none := time.Time{}
	tests := []struct {
		name    string
		afterID int64
		since   time.Time
		limit   int
		want    []int // indexes into all
	}{
		{"everything", 0, none, 100, []int{0, 1, 2, 3, 4, 5}},
		{"after an ID", all[2].ID, none, 100, []int{3, 4, 5}},
		{"after the last", all[5].ID, none, 100, nil},
		{"limit", 0, none, 2, []int{0, 1}},
		{"after an ID, limit", all[1].ID, none, 3, []int{2, 3, 4}},
		{"since a time", all[5].ID, all[3].CreatedAt, 100, []int{3, 4, 5}},
		{"after an ID or since a time", all[4].ID, all[1].CreatedAt, 100, []int{1, 2, 3, 4, 5}},
		{"after or since, limit from the time", all[4].ID, all[1].CreatedAt, 2, []int{1, 2}},
		{"after or since, limit from the ID", all[0].ID, all[4].CreatedAt, 2, []int{1, 2}},
		{"since the future", all[1].ID, all[5].CreatedAt.Add(time.Hour), 100, []int{2, 3, 4, 5}},
	}
	for _, tt := range tests {
		got, err := f.s.Events(f.ctx, f.story.SiteID, f.story.ID, tt.afterID, tt.since, tt.limit)
		if err != nil {
			t.Fatalf("%s: Events: %v", tt.name, err)
		}
		var want []parley.StoredEvent
		for _, i := range tt.want {
			want = append(want, all[i])
		}
		if d := diff(want, got); d != "" {
			t.Errorf("%s: Events (-want +got):\n%s", tt.name, d)
		}
	}
	f.wantStoryEvents(other, onOther)
	f.wantStoryEvents(twin, onTwin)
	f.wantStoryEvents(quiet, nil)
	if id := f.lastEventID(f.story); id != all[5].ID {
		t.Errorf("LastEventID = %d, want %d", id, all[5].ID)
	}
	_, err := f.s.Events(f.ctx, f.story.SiteID, f.story.ID, 0, none, 0)
	wantCode(t, "Events(limit 0)", err, parley.EINVALID)
}

// wantStoryEvents checks that a story's log holds exactly the created events
// of the given comments, and that LastEventID is its newest (0 if none).
func (f *fixture) wantStoryEvents(st *parley.Story, commentIDs []string) {
	f.t.Helper()
	events := f.allEvents(st, 0)
	var got []string
	var last int64
	for _, e := range events {
		if e.SiteID != st.SiteID || e.StoryID != st.ID || e.Type != parley.EventCommentCreated {
			f.t.Errorf("story %s/%s: event %+v", st.SiteID, st.ID, e)
		}
		got, last = append(got, e.CommentID), e.ID
	}
	if d := diff(commentIDs, got); d != "" {
		f.t.Errorf("story %s/%s: events of comments (-want +got):\n%s", st.SiteID, st.ID, d)
	}
	if id := f.lastEventID(st); id != last {
		f.t.Errorf("story %s/%s: LastEventID = %d, want %d", st.SiteID, st.ID, id, last)
	}
}

package storetest

import (
	"cmp"
	"slices"
	"testing"
	"time"

	"parley"
)

// testLog checks LogEvents and NewestEventID, with which one reader follows
// every story: the events of all sites and stories in ID order, up to a
// limit, with the holes the reader asks for again.
func testLog(t *testing.T, open Opener) {
	f := newFixture(t, open)
	if id, err := f.s.NewestEventID(f.ctx); err != nil || id != 0 {
		t.Fatalf("NewestEventID of an empty log = %d, %v; want 0", id, err)
	}
	if got, err := f.s.LogEvents(f.ctx, 0, nil, 10); err != nil || len(got) != 0 {
		t.Fatalf("LogEvents of an empty log = %v, %v; want none", got, err)
	}
	other := f.mustStory("other")
	twin := f.mustStoryOn(f.mustSite("elsewhere").ID, f.story.ID) // same story ID, other site
	for i := range 8 {
		f.create([]*parley.Story{f.story, other, twin}[i%3], nil, parley.StatusApproved)
	}
	f.mustStatus(f.create(other, nil, parley.StatusApproved), parley.StatusDeleted)
	all := f.logOf(f.story, other, twin)
	if len(all) != 10 {
		t.Fatalf("%d events on the three stories, want 10", len(all))
	}
	if id, err := f.s.NewestEventID(f.ctx); err != nil || id != all[9].ID {
		t.Errorf("NewestEventID = %d, %v; want %d", id, err, all[9].ID)
	}
	const huge = 1 << 50 // an ID no event has
	tests := []struct {
		name    string
		afterID int64
		missing []int64
		limit   int
		want    []int // indexes into all
	}{
		{"everything", 0, nil, 100, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}},
		{"after an ID", all[6].ID, nil, 100, []int{7, 8, 9}},
		{"after the last", all[9].ID, nil, 100, nil},
		{"limit", 0, nil, 4, []int{0, 1, 2, 3}},
		{"after an ID, limit", all[2].ID, nil, 3, []int{3, 4, 5}},
		{"missing below the ID", all[6].ID, []int64{all[1].ID, all[4].ID}, 100, []int{1, 4, 7, 8, 9}},
		{"missing that never came", all[8].ID, []int64{all[2].ID, huge - 1, 0, -5}, 100, []int{2, 9}},
		{"missing above the ID: once", all[6].ID, []int64{all[8].ID, all[3].ID}, 100, []int{3, 7, 8, 9}},
		{"missing, limit", all[6].ID, []int64{all[5].ID, all[1].ID}, 3, []int{1, 5, 7}},
		{"missing only", all[9].ID, []int64{all[0].ID}, 100, []int{0}},
		{"after a future ID", huge, []int64{all[3].ID}, 100, []int{3}},
	}
	for _, tt := range tests {
		got, err := f.s.LogEvents(f.ctx, tt.afterID, tt.missing, tt.limit)
		if err != nil {
			t.Fatalf("%s: LogEvents: %v", tt.name, err)
		}
		var want []parley.StoredEvent
		for _, i := range tt.want {
			want = append(want, all[i])
		}
		if d := diff(want, got); d != "" {
			t.Errorf("%s: LogEvents (-want +got):\n%s", tt.name, d)
		}
	}
	_, err := f.s.LogEvents(f.ctx, 0, nil, 0)
	wantCode(t, "LogEvents(limit 0)", err, parley.EINVALID)
	_, err = f.s.LogEvents(f.ctx, 0, make([]int64, parley.MaxMissingEvents+1), 10)
	wantCode(t, "LogEvents(too many missing)", err, parley.EINVALID)
	if _, err := f.s.LogEvents(f.ctx, 0, make([]int64, parley.MaxMissingEvents), 10); err != nil {
		t.Errorf("LogEvents(%d missing): %v", parley.MaxMissingEvents, err)
	}
}

// logOf reads the stories' own logs with Events and merges them by ID: what
// LogEvents must return for the whole log when only they have events.
func (f *fixture) logOf(stories ...*parley.Story) []parley.StoredEvent {
	f.t.Helper()
	var all []parley.StoredEvent
	for _, st := range stories {
		evs, err := f.s.Events(f.ctx, st.SiteID, st.ID, 0, time.Time{}, 100)
		if err != nil {
			f.t.Fatalf("Events(%s/%s): %v", st.SiteID, st.ID, err)
		}
		all = append(all, evs...)
	}
	slices.SortFunc(all, func(a, b parley.StoredEvent) int { return cmp.Compare(a.ID, b.ID) })
	for i := 1; i < len(all); i++ {
		if all[i-1].ID >= all[i].ID {
			f.t.Fatalf("two stories share event ID %d", all[i].ID)
		}
	}
	return all
}

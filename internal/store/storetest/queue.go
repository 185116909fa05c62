package storetest

import (
	"fmt"
	"slices"
	"testing"

	"parley"
)

func testQueues(t *testing.T, open Opener) {
	t.Run("Statuses", func(t *testing.T) {
		f := newFixture(t, open)
		other := f.mustStory("story-2")
		var want = map[string][]string{}
		for i, status := range []string{parley.StatusPending, parley.StatusApproved, parley.StatusRejected, parley.StatusPending, parley.StatusDeleted} {
			st := f.story
			if i%2 == 1 {
				st = other
			}
			c := f.queued(st, f.user, status, func(*parley.Comment) {})
			if status != parley.StatusDeleted {
				want[status] = append([]string{c.ID}, want[status]...) // newest first
			}
		}
		for _, queue := range []string{parley.QueuePending, parley.QueueApproved, parley.QueueRejected} {
			if got := f.queue(parley.QueueQuery{Queue: queue}); !slices.Equal(got, want[queue]) {
				t.Errorf("%s = %v, want %v", queue, got, want[queue])
			}
		}
		// per story: the pending comments were written on f.story (0) and
		// on other (3)
		if got := f.queue(parley.QueueQuery{Queue: parley.QueuePending, StoryID: f.story.ID}); len(got) != 1 || got[0] != want[parley.StatusPending][1] {
			t.Errorf("pending of %s = %v, want [%s]", f.story.ID, got, want[parley.StatusPending][1])
		}
		// another site's queue is empty
		f.mustSite("elsewhere")
		if got := f.queue(parley.QueueQuery{SiteID: "elsewhere", Queue: parley.QueuePending}); len(got) != 0 {
			t.Errorf("pending of another site = %v, want none", got)
		}
	})
	t.Run("Pages", func(t *testing.T) {
		f := newFixture(t, open)
		var all []string
		for range 7 {
			all = append([]string{f.queued(f.story, f.user, parley.StatusPending, func(*parley.Comment) {}).ID}, all...)
		}
		var got []string
		q := parley.QueueQuery{Queue: parley.QueuePending, Limit: 3}
		for range 4 {
			page := f.queue(q)
			got = append(got, page...)
			if len(page) < q.Limit {
				break
			}
			q.BeforeID = page[len(page)-1]
		}
		if !slices.Equal(got, all) {
			t.Errorf("pages = %v, want %v", got, all)
		}
	})
	t.Run("Reported", func(t *testing.T) {
		f := newFixture(t, open)
		bo := f.mustUser("Bo")
		c := f.queued(f.story, f.user, parley.StatusApproved, func(*parley.Comment) {})
		f.queued(f.story, f.user, parley.StatusApproved, func(*parley.Comment) {}) // never reported
		if got := f.queue(parley.QueueQuery{Queue: parley.QueueReported}); len(got) != 0 {
			t.Errorf("reported before any report = %v", got)
		}
		f.report(c, bo, parley.ReasonSpam, "")
		if got := f.queue(parley.QueueQuery{Queue: parley.QueueReported, StoryID: f.story.ID}); !slices.Equal(got, []string{c.ID}) {
			t.Errorf("reported = %v, want [%s]", got, c.ID)
		}
		if err := f.s.ReviewComment(f.ctx, c.ID, f.tick()); err != nil {
			t.Fatal(err)
		}
		if got := f.get(c.ID); got.ReportsReviewed != 1 {
			t.Errorf("ReportsReviewed = %d, want 1", got.ReportsReviewed)
		}
		if got := f.queue(parley.QueueQuery{Queue: parley.QueueReported}); len(got) != 0 {
			t.Errorf("reported after review = %v, want none", got)
		}
		f.report(c, f.mustUser("Cy"), parley.ReasonAbuse, "")
		if got := f.queue(parley.QueueQuery{Queue: parley.QueueReported}); !slices.Equal(got, []string{c.ID}) {
			t.Errorf("reported after a new report = %v, want [%s]", got, c.ID)
		}
		// a rejected comment leaves the queue whatever its reports
		f.mustStatus(c, parley.StatusRejected)
		if got := f.queue(parley.QueueQuery{Queue: parley.QueueReported}); len(got) != 0 {
			t.Errorf("reported after rejection = %v, want none", got)
		}
	})
	t.Run("NewAndFeatured", func(t *testing.T) {
		f := newFixture(t, open)
		newcomer := func(c *parley.Comment) { c.Newcomer = true }
		held := f.queued(f.story, f.user, parley.StatusPending, newcomer)
		shown := f.queued(f.story, f.user, parley.StatusApproved, newcomer)
		f.queued(f.story, f.user, parley.StatusRejected, newcomer) // decided: not in the queue
		f.queued(f.story, f.user, parley.StatusApproved, func(*parley.Comment) {})
		if got := f.queue(parley.QueueQuery{Queue: parley.QueueNew}); !slices.Equal(got, []string{shown.ID, held.ID}) {
			t.Errorf("new = %v, want [%s %s]", got, shown.ID, held.ID)
		}
		if err := f.s.ReviewComment(f.ctx, held.ID, f.tick()); err != nil {
			t.Fatal(err)
		}
		if got := f.queue(parley.QueueQuery{Queue: parley.QueueNew, StoryID: f.story.ID}); !slices.Equal(got, []string{shown.ID}) {
			t.Errorf("new after review = %v, want [%s]", got, shown.ID)
		}
		if f.get(held.ID).Newcomer {
			t.Error("a reviewed comment is still Newcomer")
		}
		for _, on := range []bool{true, true, false} {
			if err := f.s.SetFeatured(f.ctx, shown.ID, on); err != nil {
				t.Fatal(err)
			}
			want := []string{}
			if on {
				want = []string{shown.ID}
			}
			if got := f.queue(parley.QueueQuery{Queue: parley.QueueFeatured}); !slices.Equal(got, want) || f.get(shown.ID).Featured != on {
				t.Errorf("featured %v: queue %v, want %v", on, got, want)
			}
		}
		wantCode(t, "ReviewComment(missing)", f.s.ReviewComment(f.ctx, "missing", f.tick()), parley.ENOTFOUND)
		wantCode(t, "SetFeatured(missing)", f.s.SetFeatured(f.ctx, "missing", true), parley.ENOTFOUND)
	})
	t.Run("Filters", func(t *testing.T) {
		f := newFixture(t, open)
		bo := f.mustUser("Bo")
		withBody := func(body, ip string) func(*parley.Comment) {
			return func(c *parley.Comment) { c.Body, c.IPHash = body, ip }
		}
		a := f.queued(f.story, f.user, parley.StatusPending, withBody("Die ÖPNV-Preise steigen", "hash-a"))
		b := f.queued(f.story, bo, parley.StatusPending, withBody("100% richtig, die preise", "hash-b"))
		c := f.queued(f.story, bo, parley.StatusRejected, withBody("ganz_anders", ""))
		for _, tt := range []struct {
			name string
			q    parley.QueueQuery
			want []string
		}{
			{"text, ASCII case folded", parley.QueueQuery{Queue: parley.QueuePending, Text: "PREISE"}, []string{b.ID, a.ID}},
			{"text with %", parley.QueueQuery{Queue: parley.QueuePending, Text: "100%"}, []string{b.ID}},
			{"% matches itself only", parley.QueueQuery{Queue: parley.QueuePending, Text: "%"}, []string{b.ID}},
			{"_ matches itself only", parley.QueueQuery{Queue: parley.QueueRejected, Text: "z_a"}, []string{c.ID}},
			{"_ is no wildcard", parley.QueueQuery{Queue: parley.QueuePending, Text: "Die_"}, nil},
			{"author", parley.QueueQuery{Queue: parley.QueuePending, AuthorID: bo.ID}, []string{b.ID}},
			{"author on a story", parley.QueueQuery{Queue: parley.QueuePending, AuthorID: bo.ID, StoryID: f.story.ID}, []string{b.ID}},
			{"address", parley.QueueQuery{Queue: parley.QueuePending, IPHash: "hash-a"}, []string{a.ID}},
			{"address, other queue", parley.QueueQuery{Queue: parley.QueueRejected, IPHash: "hash-a"}, nil},
			{"history: every status of one author", parley.QueueQuery{AuthorID: bo.ID}, []string{c.ID, b.ID}},
		} {
			if got := f.queue(tt.q); !slices.Equal(got, tt.want) {
				t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
			}
		}
		page, err := f.s.QueueComments(f.ctx, parley.QueueQuery{SiteID: f.site.ID, Queue: parley.QueuePending, IPHash: "hash-b", Limit: 5})
		if err != nil || len(page) != 1 || page[0].IPHash != "hash-b" || page[0].Body != b.Body {
			t.Errorf("a queued comment = %+v, %v; want its body and IPHash", page, err)
		}
	})
	t.Run("Refused", func(t *testing.T) {
		f := newFixture(t, open)
		for _, q := range []parley.QueueQuery{
			{Queue: parley.QueuePending, Limit: 5},
			{SiteID: f.site.ID, Queue: "spam", Limit: 5},
			{SiteID: f.site.ID, Limit: 5}, // every status needs an author
			{SiteID: f.site.ID, Queue: parley.QueuePending, Limit: 0},
			{SiteID: f.site.ID, Queue: parley.QueuePending, Limit: parley.MaxQueuePage + 1},
		} {
			_, err := f.s.QueueComments(f.ctx, q)
			wantCode(t, fmt.Sprintf("QueueComments(%+v)", q), err, parley.EINVALID)
		}
		many := make([]string, parley.MaxQueueBatch+1)
		_, err := f.s.CommentsByID(f.ctx, many)
		wantCode(t, "CommentsByID(101)", err, parley.EINVALID)
		_, err = f.s.UsersByID(f.ctx, many)
		wantCode(t, "UsersByID(101)", err, parley.EINVALID)
		_, err = f.s.StoriesByID(f.ctx, f.site.ID, many)
		wantCode(t, "StoriesByID(101)", err, parley.EINVALID)
		_, err = f.s.CommentReports(f.ctx, many, 3)
		wantCode(t, "CommentReports(101)", err, parley.EINVALID)
	})
	t.Run("Counts", func(t *testing.T) {
		f := newFixture(t, open)
		other := f.mustStory("story-2")
		for range 4 {
			f.queued(f.story, f.user, parley.StatusPending, func(*parley.Comment) {})
		}
		f.queued(other, f.user, parley.StatusPending, func(*parley.Comment) {})
		f.queued(other, f.user, parley.StatusApproved, func(c *parley.Comment) { c.Newcomer = true })
		got, err := f.s.QueueCounts(f.ctx, f.site.ID, "", 3)
		want := map[string]int{parley.QueuePending: 3, parley.QueueApproved: 1, parley.QueueNew: 1,
			parley.QueueRejected: 0, parley.QueueReported: 0, parley.QueueFeatured: 0}
		if err != nil || diff(want, got) != "" {
			t.Errorf("QueueCounts(limit 3) = %v, %v; want %v", got, err, want)
		}
		got, err = f.s.QueueCounts(f.ctx, f.site.ID, other.ID, 100)
		want[parley.QueuePending] = 1
		if err != nil || diff(want, got) != "" {
			t.Errorf("QueueCounts(%s) = %v, %v; want %v", other.ID, got, err, want)
		}
	})
	t.Run("Reports", func(t *testing.T) {
		f := newFixture(t, open)
		c := f.queued(f.story, f.user, parley.StatusApproved, func(*parley.Comment) {})
		quiet := f.queued(f.story, f.user, parley.StatusApproved, func(*parley.Comment) {})
		f.report(c, f.mustUser("Bo"), parley.ReasonOffTopic, "first")
		f.report(c, f.mustUser("Cy"), parley.ReasonSpam, "")
		f.report(c, f.mustUser("Di"), parley.ReasonOffTopic, "")
		f.report(c, f.mustUser("Ed"), parley.ReasonOffTopic, "second")
		f.report(c, f.mustUser("Fi"), parley.ReasonOffTopic, "third")
		got, err := f.s.CommentReports(f.ctx, []string{c.ID, quiet.ID, "missing"}, 2)
		want := map[string][]parley.ReportCount{c.ID: {
			{Reason: parley.ReasonSpam, N: 1},
			{Reason: parley.ReasonOffTopic, N: 4, Notes: []string{"first", "second"}},
		}}
		if err != nil || diff(want, got) != "" {
			t.Errorf("CommentReports: %v (-want +got)\n%s", err, diff(want, got))
		}
		if u := f.userNow(f.user.ID); u.Counts.Reports != 5 {
			t.Errorf("the author's Counts.Reports = %d, want 5", u.Counts.Reports)
		}
	})
	t.Run("ByID", func(t *testing.T) {
		f := newFixture(t, open)
		c := f.queued(f.story, f.user, parley.StatusRejected, func(*parley.Comment) {})
		f.mustSite("elsewhere")
		f.mustStoryOn("elsewhere", "abroad")
		cs, err := f.s.CommentsByID(f.ctx, []string{c.ID, "missing"})
		if err != nil || len(cs) != 1 || cs[c.ID] == nil || cs[c.ID].Status != parley.StatusRejected {
			t.Errorf("CommentsByID = %v, %v", cs, err)
		}
		us, err := f.s.UsersByID(f.ctx, []string{f.user.ID, "missing"})
		if err != nil || len(us) != 1 || us[f.user.ID].Name != f.user.Name || us[f.user.ID].Counts.Rejected != 1 {
			t.Errorf("UsersByID = %v, %v", us, err)
		}
		sts, err := f.s.StoriesByID(f.ctx, f.site.ID, []string{f.story.ID, "abroad", "missing"})
		if err != nil || len(sts) != 1 || sts[f.story.ID].Title != f.story.Title {
			t.Errorf("StoriesByID = %v, %v; want %s only", sts, err, f.story.ID)
		}
		if none, err := f.s.UsersByID(f.ctx, nil); err != nil || len(none) != 0 {
			t.Errorf("UsersByID(none) = %v, %v", none, err)
		}
	})
}

// queued stores a comment by u on st with status, after change has set
// what the test needs (a body, an address hash, the newcomer mark).
func (f *fixture) queued(st *parley.Story, u *parley.User, status string, change func(*parley.Comment)) *parley.Comment {
	f.t.Helper()
	c := f.newComment(st, nil, status)
	c.AuthorID, c.AuthorName = u.ID, u.Name
	change(c)
	if err := f.s.CreateComment(f.ctx, c); err != nil {
		f.t.Fatalf("CreateComment: %v", err)
	}
	return c
}

// queue returns the IDs of one page of q on f.site (or q.SiteID) of up to
// 50 comments.
func (f *fixture) queue(q parley.QueueQuery) []string {
	f.t.Helper()
	if q.SiteID == "" {
		q.SiteID = f.site.ID
	}
	if q.Limit == 0 {
		q.Limit = 50
	}
	cs, err := f.s.QueueComments(f.ctx, q)
	if err != nil {
		f.t.Fatalf("QueueComments(%+v): %v", q, err)
	}
	return ids(cs)
}

func (f *fixture) report(c *parley.Comment, u *parley.User, reason, note string) {
	f.t.Helper()
	at := f.tick()
	r := &parley.Report{ID: parley.NewID(at), CommentID: c.ID, UserID: u.ID, Reason: reason, Note: note, CreatedAt: at}
	if err := f.s.CreateReport(f.ctx, r); err != nil {
		f.t.Fatalf("CreateReport: %v", err)
	}
}

// userNow reads a user back; the test fails if it cannot.
func (f *fixture) userNow(id string) *parley.User {
	f.t.Helper()
	u, err := f.s.User(f.ctx, id)
	if err != nil {
		f.t.Fatalf("User(%s): %v", id, err)
	}
	return u
}

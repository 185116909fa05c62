package storetest

import (
	"errors"
	"fmt"
	"testing"

	"parley"
)

// testAudit checks the audit log and the revisions of comments: entries
// are appended in the unit of their action and read back exactly, a page
// of every filter newest first, and the whole log by ID for followers.
func testAudit(t *testing.T, open Opener) {
	t.Run("Append", func(t *testing.T) { testAuditAppend(t, open) })
	t.Run("Undone", func(t *testing.T) { testAuditUndone(t, open) })
	t.Run("Query", func(t *testing.T) { testAuditQuery(t, open) })
	t.Run("Text", func(t *testing.T) { testAuditText(t, open) })
	t.Run("Bounds", func(t *testing.T) { testAuditBounds(t, open) })
	t.Run("After", func(t *testing.T) { testAuditAfter(t, open) })
	t.Run("Revisions", func(t *testing.T) { testRevisions(t, open) })
	t.Run("LatestRevisions", func(t *testing.T) { testLatestRevisions(t, open) })
}

// mustAudit appends e, stamped with the next tick unless it has a time.
func (f *fixture) mustAudit(e *parley.AuditEntry) *parley.AuditEntry {
	f.t.Helper()
	if e.CreatedAt.IsZero() {
		e.CreatedAt = f.tick()
	}
	if err := f.s.AppendAudit(f.ctx, e); err != nil {
		f.t.Fatalf("AppendAudit(%+v): %v", e, err)
	}
	return e
}

// audit reads one page of q; the test fails if it cannot.
func (f *fixture) audit(q parley.AuditQuery) []*parley.AuditEntry {
	f.t.Helper()
	got, err := f.s.Audit(f.ctx, q)
	if err != nil {
		f.t.Fatalf("Audit(%+v): %v", q, err)
	}
	return got
}

func testAuditAppend(t *testing.T, open Opener) {
	f := newFixture(t, open)
	c := f.mustComment(nil, parley.StatusApproved)
	e := &parley.AuditEntry{
		SiteID: f.site.ID, Action: parley.AuditRejected, StoryID: f.story.ID, CommentID: c.ID,
		UserID: f.user.ID, ActorID: "mod-1", Automated: true, Reason: parley.ReasonHate,
		Note: "Schlimme Wörter — «non»", Before: parley.StatusApproved, After: parley.StatusRejected,
		Ref: "N-2026-1",
	}
	if err := f.s.AppendAudit(f.ctx, e); err != nil {
		t.Fatalf("AppendAudit: %v", err)
	}
	if e.ID <= 0 || e.CreatedAt.IsZero() {
		t.Fatalf("AppendAudit set ID %d, CreatedAt %v; want both", e.ID, e.CreatedAt)
	}
	at := f.tick()
	next := f.mustAudit(&parley.AuditEntry{SiteID: f.site.ID, Action: parley.AuditNoted, UserID: f.user.ID, CreatedAt: at})
	if next.ID <= e.ID || !next.CreatedAt.Equal(at) {
		t.Errorf("second entry: ID %d after %d, CreatedAt %v (want %v kept)", next.ID, e.ID, next.CreatedAt, at)
	}
	if d := diff([]*parley.AuditEntry{next, e}, f.audit(parley.AuditQuery{SiteID: f.site.ID, Limit: 10})); d != "" {
		t.Errorf("Audit (-want +got):\n%s", d)
	}
	for _, bad := range []*parley.AuditEntry{{Action: parley.AuditNoted}, {SiteID: f.site.ID}} {
		wantCode(t, fmt.Sprintf("AppendAudit(%+v)", bad), f.s.AppendAudit(f.ctx, bad), parley.EINVALID)
	}
}

// testAuditUndone: entries and revisions written in a unit that fails are
// gone with it; in one that commits they stay, all of them.
func testAuditUndone(t *testing.T, open Opener) {
	f := newFixture(t, open)
	c := f.mustComment(nil, parley.StatusPending)
	write := func(tx parley.Tx, n int) error {
		err := tx.AppendAudit(f.ctx, &parley.AuditEntry{SiteID: f.site.ID, Action: parley.AuditApproved, CommentID: c.ID})
		if err != nil {
			return err
		}
		if err := tx.SetCommentStatus(f.ctx, c.ID, parley.StatusApproved, f.tick()); err != nil {
			return err
		}
		return tx.AddRevision(f.ctx, &parley.Revision{CommentID: c.ID, N: n, Body: "b", HTML: "<p>b</p>", Status: parley.StatusApproved, CreatedAt: f.tick()})
	}
	err := f.s.Update(f.ctx, func(tx parley.Tx) error {
		if err := write(tx, 1); err != nil {
			return err
		}
		return errUnit
	})
	if !errors.Is(err, errUnit) {
		t.Fatalf("Update = %v, want %v", err, errUnit)
	}
	if got := f.audit(parley.AuditQuery{SiteID: f.site.ID, Limit: 10}); len(got) != 0 {
		t.Errorf("audit after an undone unit = %+v, want none", got)
	}
	if got, err := f.s.AuditAfter(f.ctx, 0, nil, 10); err != nil || len(got) != 0 {
		t.Errorf("AuditAfter after an undone unit = %+v, %v; want none", got, err)
	}
	if got, err := f.s.CommentRevisions(f.ctx, c.ID); err != nil || len(got) != 0 {
		t.Errorf("revisions after an undone unit = %+v, %v; want none", got, err)
	}
	if err := f.s.Update(f.ctx, func(tx parley.Tx) error { return write(tx, 1) }); err != nil {
		t.Fatalf("Update: %v", err)
	}
	if got := f.audit(parley.AuditQuery{SiteID: f.site.ID, Limit: 10}); len(got) != 1 || got[0].CommentID != c.ID {
		t.Errorf("audit after a unit = %+v, want the one entry", got)
	}
	if got, err := f.s.CommentRevisions(f.ctx, c.ID); err != nil || len(got) != 1 {
		t.Errorf("revisions after a unit = %+v, %v; want one", got, err)
	}
}

// auditLog appends a log over two sites with every field varied, and
// returns the entries in the order they were appended.
func (f *fixture) auditLog() []*parley.AuditEntry {
	other := f.mustSite("elsewhere").ID
	site := f.site.ID
	entries := []*parley.AuditEntry{
		{SiteID: site, Action: parley.AuditApproved, StoryID: "s1", CommentID: "c1", UserID: "u1", ActorID: "m1"},
		{SiteID: site, Action: parley.AuditRejected, StoryID: "s1", CommentID: "c2", UserID: "u2", ActorID: "m1", Reason: parley.ReasonSpam},
		{SiteID: site, Action: parley.AuditBanned, UserID: "u1", ActorID: "m2", After: "ban"},
		{SiteID: other, Action: parley.AuditApproved, StoryID: "s1", CommentID: "c1", UserID: "u1", ActorID: "m1"},
		{SiteID: site, Action: parley.AuditHeld, StoryID: "s2", CommentID: "c3", UserID: "u1", Automated: true},
		{SiteID: site, Action: parley.AuditWarned, UserID: "u2", ActorID: "m2"},
		{SiteID: site, Action: parley.AuditApproved, StoryID: "s2", CommentID: "c3", UserID: "u1", ActorID: "m1"},
		{SiteID: site, Action: parley.AuditStoryClosed, StoryID: "s1", ActorID: "m2"},
	}
	for _, e := range entries {
		f.mustAudit(e)
	}
	return entries
}

// pick returns the entries at the indexes, in the order given.
func pick(all []*parley.AuditEntry, idx ...int) []*parley.AuditEntry {
	out := make([]*parley.AuditEntry, len(idx))
	for i, j := range idx {
		out[i] = all[j]
	}
	return out
}

func testAuditQuery(t *testing.T, open Opener) {
	f := newFixture(t, open)
	all := f.auditLog()
	site := f.site.ID
	tests := []struct {
		name string
		q    parley.AuditQuery
		want []int // indexes into all, newest first
	}{
		{"site", parley.AuditQuery{}, []int{7, 6, 5, 4, 2, 1, 0}},
		{"other site", parley.AuditQuery{SiteID: "elsewhere"}, []int{3}},
		{"unknown site", parley.AuditQuery{SiteID: "nowhere"}, nil},
		{"story", parley.AuditQuery{StoryID: "s1"}, []int{7, 1, 0}},
		{"comment", parley.AuditQuery{CommentID: "c3"}, []int{6, 4}},
		{"user", parley.AuditQuery{UserID: "u1"}, []int{6, 4, 2, 0}},
		{"actor", parley.AuditQuery{ActorID: "m2"}, []int{7, 5, 2}},
		{"action", parley.AuditQuery{Action: parley.AuditApproved}, []int{6, 0}},
		{"user and action", parley.AuditQuery{UserID: "u1", Action: parley.AuditApproved}, []int{6, 0}},
		{"story and actor", parley.AuditQuery{StoryID: "s1", ActorID: "m1"}, []int{1, 0}},
		{"comment and user, none", parley.AuditQuery{CommentID: "c2", UserID: "u1"}, nil},
		{"limit", parley.AuditQuery{Limit: 2}, []int{7, 6}},
		{"before an ID", parley.AuditQuery{BeforeID: all[5].ID}, []int{4, 2, 1, 0}},
		{"user, before an ID", parley.AuditQuery{UserID: "u1", BeforeID: all[4].ID, Limit: 1}, []int{2}},
		{"before the first", parley.AuditQuery{BeforeID: all[0].ID}, nil},
		{"from", parley.AuditQuery{From: all[5].CreatedAt}, []int{7, 6, 5}},
		{"to", parley.AuditQuery{To: all[2].CreatedAt}, []int{1, 0}},
		{"from, to", parley.AuditQuery{From: all[1].CreatedAt, To: all[5].CreatedAt}, []int{4, 2, 1}},
		{"from, to, empty", parley.AuditQuery{From: all[2].CreatedAt, To: all[2].CreatedAt}, nil},
		{"from, user", parley.AuditQuery{From: all[1].CreatedAt, UserID: "u2"}, []int{5, 1}},
	}
	for _, tt := range tests {
		q := tt.q
		if q.SiteID == "" {
			q.SiteID = site
		}
		if q.Limit == 0 {
			q.Limit = 100
		}
		if d := diff(pick(all, tt.want...), f.audit(q)); d != "" {
			t.Errorf("%s: Audit(%+v) (-want +got):\n%s", tt.name, q, d)
		}
	}
	// Paging by BeforeID walks the whole filter once, newest first.
	q := parley.AuditQuery{SiteID: site, UserID: "u1", Limit: 3}
	var paged []*parley.AuditEntry
	for range 10 {
		page := f.audit(q)
		if len(page) == 0 {
			break
		}
		paged = append(paged, page...)
		q.BeforeID = page[len(page)-1].ID
	}
	if d := diff(pick(all, 6, 4, 2, 0), paged); d != "" {
		t.Errorf("paging by BeforeID (-want +got):\n%s", d)
	}
}

// testAuditText: Text finds a substring of Reason or Note whatever the
// ASCII case, and % _ and \ in it match only themselves.
func testAuditText(t *testing.T, open Opener) {
	f := newFixture(t, open)
	site := f.site.ID
	var all []*parley.AuditEntry
	for _, rn := range [][2]string{
		{parley.ReasonHate, ""},
		{parley.ReasonOther, "100% sure"},
		{parley.ReasonOther, "100 percent"},
		{"", "a_b"},
		{"", "axb"},
		{"", `C:\temp`},
		{"", `C:temp`},
		{"", "Spam wave"},
	} {
		all = append(all, f.mustAudit(&parley.AuditEntry{SiteID: site, Action: parley.AuditRejected, Reason: rn[0], Note: rn[1]}))
	}
	f.mustAudit(&parley.AuditEntry{SiteID: "elsewhere", Action: parley.AuditRejected, Note: "100% sure"})
	for _, tt := range []struct {
		text string
		want []int
	}{
		{"hate", []int{0}},
		{"HATE_S", []int{0}},
		{"%", []int{1}},
		{"100%", []int{1}},
		{"100 ", []int{2}},
		{"_", []int{3, 0}},
		{"a_b", []int{3}},
		{`\`, []int{5}},
		{`:\t`, []int{5}},
		{"spam", []int{7}},
		{"SURE", []int{1}},
		{"other", []int{2, 1}},
		{"%%", nil},
		{"nothing", nil},
	} {
		got := f.audit(parley.AuditQuery{SiteID: site, Text: tt.text, Limit: 100})
		if d := diff(pick(all, tt.want...), got); d != "" {
			t.Errorf("Text %q (-want +got):\n%s", tt.text, d)
		}
	}
}

func testAuditBounds(t *testing.T, open Opener) {
	f := newFixture(t, open)
	f.mustAudit(&parley.AuditEntry{SiteID: f.site.ID, Action: parley.AuditNoted})
	for _, q := range []parley.AuditQuery{
		{SiteID: f.site.ID, Limit: 0},
		{SiteID: f.site.ID, Limit: -1},
		{SiteID: f.site.ID, Limit: parley.MaxAuditPage + 1},
		{Limit: 10},
	} {
		_, err := f.s.Audit(f.ctx, q)
		wantCode(t, fmt.Sprintf("Audit(%+v)", q), err, parley.EINVALID)
	}
	if got := f.audit(parley.AuditQuery{SiteID: f.site.ID, Limit: parley.MaxAuditPage}); len(got) != 1 {
		t.Errorf("Audit(limit %d) = %d entries, want 1", parley.MaxAuditPage, len(got))
	}
	_, err := f.s.AuditAfter(f.ctx, 0, nil, 0)
	wantCode(t, "AuditAfter(limit 0)", err, parley.EINVALID)
	_, err = f.s.AuditAfter(f.ctx, 0, make([]int64, parley.MaxMissingEvents+1), 10)
	wantCode(t, "AuditAfter(too many missing)", err, parley.EINVALID)
}

// testAuditAfter checks the followers' read of the whole log: every site
// by ID after a position, with the holes asked for again.
func testAuditAfter(t *testing.T, open Opener) {
	f := newFixture(t, open)
	if got, err := f.s.AuditAfter(f.ctx, 0, nil, 10); err != nil || len(got) != 0 {
		t.Fatalf("AuditAfter of an empty log = %v, %v; want none", got, err)
	}
	all := f.auditLog() // in ID order, two sites
	const huge = 1 << 50
	tests := []struct {
		name    string
		afterID int64
		missing []int64
		limit   int
		want    []int
	}{
		{"everything", 0, nil, 100, []int{0, 1, 2, 3, 4, 5, 6, 7}},
		{"after an ID", all[4].ID, nil, 100, []int{5, 6, 7}},
		{"after the last", all[7].ID, nil, 100, nil},
		{"limit", 0, nil, 3, []int{0, 1, 2}},
		{"missing below the ID", all[5].ID, []int64{all[1].ID, all[3].ID}, 100, []int{1, 3, 6, 7}},
		{"missing that never came", all[6].ID, []int64{all[2].ID, huge - 1, 0, -5}, 100, []int{2, 7}},
		{"missing above the ID: once", all[5].ID, []int64{all[6].ID, all[0].ID}, 100, []int{0, 6, 7}},
		{"missing, limit", all[5].ID, []int64{all[4].ID, all[1].ID}, 2, []int{1, 4}},
		{"after a future ID", huge, []int64{all[3].ID}, 100, []int{3}},
	}
	for _, tt := range tests {
		got, err := f.s.AuditAfter(f.ctx, tt.afterID, tt.missing, tt.limit)
		if err != nil {
			t.Fatalf("%s: AuditAfter: %v", tt.name, err)
		}
		if d := diff(pick(all, tt.want...), got); d != "" {
			t.Errorf("%s: AuditAfter (-want +got):\n%s", tt.name, d)
		}
	}
}

// revision builds a revision of c numbered n.
func (f *fixture) revision(c *parley.Comment, n int, status string, reasons []parley.Reason) *parley.Revision {
	return &parley.Revision{
		CommentID: c.ID, N: n, Body: fmt.Sprintf("Text %d of *%s*", n, c.ID),
		HTML: fmt.Sprintf("<p>Text %d of <em>%s</em></p>", n, c.ID), Status: status, Reasons: reasons, CreatedAt: f.tick(),
	}
}

func (f *fixture) mustRevision(r *parley.Revision) {
	f.t.Helper()
	if err := f.s.AddRevision(f.ctx, r); err != nil {
		f.t.Fatalf("AddRevision(%s, %d): %v", r.CommentID, r.N, err)
	}
}

func testRevisions(t *testing.T, open Opener) {
	f := newFixture(t, open)
	c := f.mustComment(nil, parley.StatusPending)
	reasons := []parley.Reason{
		{Check: parley.CheckWords, Key: "banned", Detail: "Schwachkopf"},
		{Check: parley.CheckRule, Key: "links", N: 3},
		{Check: parley.CheckScorer, Key: "toxic", Scorer: "perspective", Detail: "«très» toxique", Score: 0.8731},
	}
	first := f.revision(c, 1, parley.StatusApproved, nil)
	third := f.revision(c, 3, parley.StatusApproved, []parley.Reason{})
	second := f.revision(c, 2, parley.StatusPending, reasons)
	for _, r := range []*parley.Revision{first, third, second} { // out of order: read back by N
		f.mustRevision(r)
	}
	got, err := f.s.CommentRevisions(f.ctx, c.ID)
	if err != nil {
		t.Fatalf("CommentRevisions: %v", err)
	}
	if d := diff([]*parley.Revision{first, second, third}, got); d != "" {
		t.Errorf("CommentRevisions (-want +got):\n%s", d)
	}
	for _, r := range got {
		if r.N != 2 && len(r.Reasons) != 0 {
			t.Errorf("revision %d has reasons %+v, want none", r.N, r.Reasons)
		}
	}
	wantCode(t, "AddRevision(taken N)", f.s.AddRevision(f.ctx, f.revision(c, 2, parley.StatusApproved, nil)), parley.ECONFLICT)
	ghost := &parley.Comment{ID: "ghost"}
	wantCode(t, "AddRevision(unknown comment)", f.s.AddRevision(f.ctx, f.revision(ghost, 1, parley.StatusApproved, nil)), parley.ENOTFOUND)
	wantCode(t, "AddRevision(N 0)", f.s.AddRevision(f.ctx, f.revision(c, 0, parley.StatusApproved, nil)), parley.EINVALID)
	if got, err := f.s.CommentRevisions(f.ctx, "ghost"); err != nil || len(got) != 0 {
		t.Errorf("CommentRevisions(unknown) = %+v, %v; want none", got, err)
	}
	if got, _ := f.s.CommentRevisions(f.ctx, c.ID); len(got) != 3 {
		t.Errorf("the refused revisions changed the comment's: %d revisions, want 3", len(got))
	}
}

func testLatestRevisions(t *testing.T, open Opener) {
	f := newFixture(t, open)
	a, b, none := f.mustComment(nil, parley.StatusPending), f.mustComment(nil, parley.StatusPending), f.mustComment(nil, parley.StatusApproved)
	f.mustRevision(f.revision(a, 1, parley.StatusApproved, nil))
	aLast := f.revision(a, 2, parley.StatusPending, []parley.Reason{{Check: parley.CheckEdit, Key: "approved"}})
	f.mustRevision(aLast)
	bOnly := f.revision(b, 1, parley.StatusRejected, []parley.Reason{{Check: parley.CheckWords, Key: "banned", Detail: "x"}})
	f.mustRevision(bOnly)
	got, err := f.s.LatestRevisions(f.ctx, []string{a.ID, b.ID, none.ID, "ghost", a.ID})
	if err != nil {
		t.Fatalf("LatestRevisions: %v", err)
	}
	if d := diff(map[string]*parley.Revision{a.ID: aLast, b.ID: bOnly}, got); d != "" {
		t.Errorf("LatestRevisions (-want +got):\n%s", d)
	}
	for _, ids := range [][]string{nil, {}} {
		if got, err := f.s.LatestRevisions(f.ctx, ids); err != nil || len(got) != 0 {
			t.Errorf("LatestRevisions(%v) = %v, %v; want none", ids, got, err)
		}
	}
	many := make([]string, parley.MaxAuditPage+1)
	for i := range many {
		many[i] = fmt.Sprintf("c-%d", i)
	}
	_, err = f.s.LatestRevisions(f.ctx, many)
	wantCode(t, "LatestRevisions(too many)", err, parley.EINVALID)
	many[0] = a.ID
	if got, err := f.s.LatestRevisions(f.ctx, many[:parley.MaxAuditPage]); err != nil || len(got) != 1 || got[a.ID].N != 2 {
		t.Errorf("LatestRevisions(%d IDs) = %v, %v; want a's second", parley.MaxAuditPage, got, err)
	}
}

// eraseHistory gives the erasure test a revision of each of the comments
// and an audit entry about the user: the revisions of u's comments must
// go, the others' and the audit entry stay.
func (f *fixture) eraseHistory(u *parley.User, comments ...*parley.Comment) *parley.AuditEntry {
	f.t.Helper()
	for _, c := range comments {
		f.mustRevision(f.revision(c, 1, c.Status, []parley.Reason{{Check: parley.CheckRule, Key: "new"}}))
	}
	return f.mustAudit(&parley.AuditEntry{SiteID: u.SiteID, Action: parley.AuditWarned, UserID: u.ID, ActorID: "m1",
		Note: "Please stay civil."})
}

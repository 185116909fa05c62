package storetest

import (
	"testing"
	"time"

	"parley"
)

// testBacklog: the backlog counts undelivered mail and webhook deliveries
// with the creation time of the oldest, and per site the pending and
// reported comments and the undecided notices; a delivered message leaves
// it, every count stops at the limit, and a site with nothing waiting is
// listed with zeros.
func testBacklog(t *testing.T, open Opener) {
	f := newFixture(t, open)
	br, ok := f.s.(parley.BacklogReader)
	if !ok {
		t.Fatalf("%T does not implement parley.BacklogReader", f.s)
	}
	quiet := f.mustSite("quiet")
	first := f.mustEnqueue(1)
	f.mustEnqueue(2)
	sent := f.mustEnqueue(3)
	f.mustDeliver(f.mustWebhook(f.site.ID, parley.HookCommentCreated), "k1")
	for range 3 {
		f.mustComment(nil, parley.StatusPending)
	}
	reported := f.mustComment(nil, parley.StatusApproved)
	f.report(reported, f.mustUser("Bea"), parley.ReasonSpam, "")
	n := &parley.Notice{Reference: parley.NewReference("N", f.now), SiteID: f.site.ID, CommentID: reported.ID, StoryID: reported.StoryID,
		Kind: parley.NoticeFraud, Explanation: "Betrug", Status: parley.NoticeReceived, CreatedAt: f.tick()}
	if err := f.s.CreateNotice(f.ctx, n); err != nil {
		t.Fatalf("CreateNotice: %v", err)
	}
	if ids := f.claim("relay", f.now, 10); len(ids) != 3 {
		t.Fatalf("claimed %v, want the three messages", ids)
	}
	if err := f.s.MarkMessageSent(f.ctx, sent.ID, "relay", f.tick()); err != nil {
		t.Fatalf("MarkMessageSent: %v", err)
	}

	b, err := br.Backlog(f.ctx, 100)
	if err != nil {
		t.Fatalf("Backlog: %v", err)
	}
	want := &parley.Backlog{
		Outbox: []parley.OutboxBacklog{{Kind: parley.OutboxMail, Depth: 2, Oldest: first.CreatedAt}, {Kind: parley.OutboxWebhook, Depth: 1}},
		Sites:  []parley.SiteBacklog{{SiteID: f.site.ID, Pending: 3, Reported: 1, Notices: 1}, {SiteID: quiet.ID}},
	}
	if b.Outbox[1].Oldest.IsZero() {
		t.Errorf("the webhook backlog has no oldest time")
	}
	b.Outbox[1].Oldest = time.Time{}
	if d := diff(want, b); d != "" {
		t.Errorf("Backlog (-want +got):\n%s", d)
	}
	capped, err := br.Backlog(f.ctx, 2)
	if err != nil {
		t.Fatalf("Backlog(limit 2): %v", err)
	}
	if got := capped.Sites[0].Pending; got != 2 {
		t.Errorf("pending with limit 2 = %d, want 2", got)
	}
}

package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"parley"
)

// testAccounts checks parley.Accounts and parley.Notifications: what a
// reader's settings, data export and erasure rely on.
func testAccounts(t *testing.T, open Opener) {
	t.Run("SitePrivacy", func(t *testing.T) { testSitePrivacy(t, open) })
	t.Run("Settings", func(t *testing.T) { testNotificationSettings(t, open) })
	t.Run("Claim", func(t *testing.T) { testClaimNotifications(t, open) })
	t.Run("DecisionNotifications", func(t *testing.T) { testDecisionNotifications(t, open) })
	t.Run("AuthorComments", func(t *testing.T) { testAuthorComments(t, open) })
	t.Run("Holdings", func(t *testing.T) { testHoldings(t, open) })
	t.Run("Erase", func(t *testing.T) { testErase(t, open) })
	t.Run("EraseUndone", func(t *testing.T) { testEraseUndone(t, open) })
	t.Run("PurgeAddresses", func(t *testing.T) { testPurgeAddresses(t, open) })
}

func testSitePrivacy(t *testing.T, open Opener) {
	f := newFixture(t, open)
	f.site.Privacy = parley.Privacy{ErasePolicy: parley.EraseAnonymize, IPRetention: 48 * time.Hour}
	if err := f.s.UpdateSite(f.ctx, f.site); err != nil {
		t.Fatal(err)
	}
	got, err := f.s.Site(f.ctx, f.site.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Privacy != f.site.Privacy {
		t.Errorf("Privacy = %+v, want %+v", got.Privacy, f.site.Privacy)
	}
}

func (f *fixture) optIn(u *parley.User, on bool) {
	f.t.Helper()
	n := &parley.NotificationSettings{UserID: u.ID, SiteID: u.SiteID, Replies: on, Lang: "de", UpdatedAt: f.tick()}
	if err := f.s.SetNotificationSettings(f.ctx, n); err != nil {
		f.t.Fatalf("SetNotificationSettings: %v", err)
	}
}

func (f *fixture) notify(u *parley.User, st *parley.Story, at time.Time) (*parley.ReplyNotification, bool) {
	f.t.Helper()
	n := &parley.ReplyNotification{ID: parley.NewID(at), SiteID: st.SiteID, UserID: u.ID, StoryID: st.ID, CommentID: parley.NewID(at), CreatedAt: at}
	ok, err := f.s.AddReplyNotification(f.ctx, n)
	if err != nil {
		f.t.Fatalf("AddReplyNotification: %v", err)
	}
	return n, ok
}

func testNotificationSettings(t *testing.T, open Opener) {
	f := newFixture(t, open)
	if _, err := f.s.NotificationSettings(f.ctx, f.user.ID); parley.ErrorCode(err) != parley.ENOTFOUND {
		t.Fatalf("NotificationSettings before any = %v, want not_found", err)
	}
	if _, ok := f.notify(f.user, f.story, f.tick()); ok {
		t.Error("AddReplyNotification without settings stored one")
	}
	f.optIn(f.user, true)
	got, err := f.s.NotificationSettings(f.ctx, f.user.ID)
	if err != nil || !got.Replies || got.Lang != "de" || got.SiteID != f.site.ID || !got.UpdatedAt.Equal(f.now) {
		t.Fatalf("NotificationSettings = %+v, %v; want replies on in de", got, err)
	}
	if _, ok := f.notify(f.user, f.story, f.tick()); !ok {
		t.Error("AddReplyNotification with replies on stored none")
	}
	f.optIn(f.user, false)
	if _, ok := f.notify(f.user, f.story, f.tick()); ok {
		t.Error("AddReplyNotification after opting out stored one")
	}
	err = f.s.SetNotificationSettings(f.ctx, &parley.NotificationSettings{UserID: "ghost", SiteID: f.site.ID, UpdatedAt: f.tick()})
	wantCode(t, "SetNotificationSettings(unknown user)", err, parley.ENOTFOUND)
}

func testClaimNotifications(t *testing.T, open Opener) {
	f := newFixture(t, open)
	bob := f.mustUser("Bob")
	other := f.mustStory("story-2")
	f.optIn(f.user, true)
	f.optIn(bob, true)
	start := f.tick()
	a1, _ := f.notify(f.user, f.story, start)
	a2, _ := f.notify(f.user, f.story, start.Add(5*time.Minute))
	b1, _ := f.notify(bob, f.story, start.Add(time.Minute))
	c1, _ := f.notify(f.user, other, start.Add(20*time.Minute))
	window, lease := 15*time.Minute, time.Minute
	claim := func(owner string, now time.Time) []string {
		t.Helper()
		ns, err := f.s.ClaimNotifications(f.ctx, owner, now, lease, window, 10)
		if err != nil {
			t.Fatalf("ClaimNotifications: %v", err)
		}
		out := make([]string, len(ns))
		for i, n := range ns {
			out[i] = n.ID
		}
		return out
	}
	if got := claim("x", start.Add(14*time.Minute)); len(got) != 0 {
		t.Errorf("claim before the window = %v, want none", got)
	}
	now := start.Add(16 * time.Minute)
	got := claim("x", now)
	want := []string{a1.ID, a2.ID, b1.ID}
	if f.user.ID > bob.ID {
		want = []string{b1.ID, a1.ID, a2.ID}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("claim after the window (-want +got):\n%s", diff)
	}
	if got := claim("y", now.Add(time.Second)); len(got) != 0 {
		t.Errorf("claim during the lease = %v, want none", got)
	}
	wantCode(t, "DoneNotifications(other owner)", f.s.DoneNotifications(f.ctx, "y", []string{a1.ID, a2.ID}), parley.ENOTFOUND)
	if err := f.s.DoneNotifications(f.ctx, "x", []string{a1.ID, a2.ID}); err != nil {
		t.Fatalf("DoneNotifications: %v", err)
	}
	// bob's batch went unfinished: it comes back once the lease ends, and
	// story-2's batch is due by then
	if got := claim("y", now.Add(2*lease+20*time.Minute)); !cmp.Equal(got, []string{b1.ID}) && !cmp.Equal(got, []string{c1.ID, b1.ID}) && !cmp.Equal(got, []string{b1.ID, c1.ID}) {
		t.Errorf("claim after the lease = %v, want %s and %s", got, b1.ID, c1.ID)
	}
}

// testDecisionNotifications: a decision's notification is stored only
// while its reader has decisions on (replies do not count, nor the other
// way round), and comes back from a claim with its kind and entry, all of
// a reader's decisions in one batch.
func testDecisionNotifications(t *testing.T, open Opener) {
	f := newFixture(t, open)
	decide := func(kind string, entry int64, at time.Time) (*parley.ReplyNotification, bool) {
		t.Helper()
		n := &parley.ReplyNotification{ID: parley.NewID(at), SiteID: f.site.ID, UserID: f.user.ID, CommentID: parley.NewID(at),
			Kind: kind, EntryID: entry, CreatedAt: at}
		ok, err := f.s.AddReplyNotification(f.ctx, n)
		if err != nil {
			t.Fatalf("AddReplyNotification(%s): %v", kind, err)
		}
		return n, ok
	}
	f.optIn(f.user, true) // replies only
	if _, ok := decide(parley.InboxRejected, 7, f.tick()); ok {
		t.Error("a decision was stored for a reader with only replies on")
	}
	set := &parley.NotificationSettings{UserID: f.user.ID, SiteID: f.site.ID, Decisions: true, Lang: "fr", UpdatedAt: f.tick()}
	if err := f.s.SetNotificationSettings(f.ctx, set); err != nil {
		t.Fatal(err)
	}
	if got, err := f.s.NotificationSettings(f.ctx, f.user.ID); err != nil || got.Replies || !got.Decisions || got.Lang != "fr" {
		t.Fatalf("NotificationSettings = %+v, %v; want decisions only, in fr", got, err)
	}
	if _, ok := f.notify(f.user, f.story, f.tick()); ok {
		t.Error("a reply was stored for a reader with only decisions on")
	}
	start := f.tick()
	d1, ok1 := decide(parley.InboxRejected, 7, start)
	d2, ok2 := decide(parley.InboxWarned, 9, start.Add(time.Minute))
	if !ok1 || !ok2 {
		t.Fatal("decisions with decisions on were not stored")
	}
	ns, err := f.s.ClaimNotifications(f.ctx, "x", start.Add(time.Hour), time.Minute, 15*time.Minute, 10)
	if err != nil {
		t.Fatal(err)
	}
	want := []*parley.ReplyNotification{d1, d2}
	if diff := cmp.Diff(want, ns, cmpopts.EquateApproxTime(time.Millisecond)); diff != "" {
		t.Errorf("claimed decisions (-want +got):\n%s", diff)
	}
}

func testAuthorComments(t *testing.T, open Opener) {
	f := newFixture(t, open)
	other := f.mustStory("story-2")
	bob := f.mustUser("Bob")
	var all []string // newest first
	for i := range 5 {
		st := f.story
		if i%2 == 1 {
			st = other
		}
		c := f.newComment(st, nil, parley.StatusApproved)
		if err := f.s.CreateComment(f.ctx, c); err != nil {
			t.Fatal(err)
		}
		all = append([]string{c.ID}, all...)
	}
	f.user, bob = bob, f.user
	f.mustComment(nil, parley.StatusApproved) // by bob: never in Ada's pages
	f.user, bob = bob, f.user
	deleted := f.get(all[1])
	f.mustStatus(deleted, parley.StatusDeleted)
	var got []string
	q := parley.AuthorQuery{UserID: f.user.ID, Limit: 2}
	for {
		page, err := f.s.AuthorComments(f.ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, ids(page)...)
		if len(page) < q.Limit {
			break
		}
		q.Before = page[len(page)-1].ID
	}
	want := []string{all[0], all[2], all[3], all[4]}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("pages without deleted (-want +got):\n%s", diff)
	}
	page, err := f.s.AuthorComments(f.ctx, parley.AuthorQuery{UserID: f.user.ID, Limit: 10, Deleted: true})
	if err != nil || !cmp.Equal(ids(page), all) {
		t.Errorf("with deleted = %v, %v; want %v", ids(page), err, all)
	}
	_, err = f.s.AuthorComments(f.ctx, parley.AuthorQuery{UserID: f.user.ID})
	wantCode(t, "AuthorComments(limit 0)", err, parley.EINVALID)
}

// mustSession stores a session of u.
func (f *fixture) mustSession(u *parley.User) *parley.Session {
	f.t.Helper()
	_, hash := parley.NewSessionToken()
	at := f.tick()
	se := &parley.Session{Hash: hash, UserID: u.ID, SiteID: u.SiteID, Method: "sso", CreatedAt: at, ExpiresAt: at.Add(time.Hour)}
	if err := f.s.CreateSession(f.ctx, se); err != nil {
		f.t.Fatalf("CreateSession: %v", err)
	}
	return se
}

// holdings stores one of everything a user can have besides comments: a
// session, an identity, a reaction and a report on c, settings and a
// pending notification.
func (f *fixture) holdings(u *parley.User, c *parley.Comment) *parley.Session {
	f.t.Helper()
	se := f.mustSession(u)
	if err := f.s.CreateIdentity(f.ctx, u.SiteID, "sso:"+u.ID, u.ID, f.tick()); err != nil {
		f.t.Fatal(err)
	}
	f.mustReact(c, u)
	at := f.tick()
	r := &parley.Report{ID: parley.NewID(at), CommentID: c.ID, UserID: u.ID, Reason: parley.ReasonSpam, IPHash: "abc", CreatedAt: at}
	if err := f.s.CreateReport(f.ctx, r); err != nil {
		f.t.Fatal(err)
	}
	f.optIn(u, true)
	f.notify(u, f.story, f.tick())
	pk := &parley.Passkey{ID: parley.NewID(at), UserID: u.ID, SiteID: u.SiteID, CredentialID: []byte("cred-" + u.ID),
		PublicKey: []byte{1, 2, 3}, AAGUID: make([]byte, 16), Name: "Laptop", CreatedAt: at}
	if err := f.s.CreatePasskey(f.ctx, pk); err != nil {
		f.t.Fatal(err)
	}
	return se
}

func testHoldings(t *testing.T, open Opener) {
	f := newFixture(t, open)
	bob := f.mustUser("Bob")
	c := f.mustComment(nil, parley.StatusApproved)
	se := f.holdings(bob, c)
	if got, err := f.s.UserSessions(f.ctx, bob.ID); err != nil || len(got) != 1 || !cmp.Equal(got[0], se) {
		t.Errorf("UserSessions = %v, %v; want [%+v]", got, err, se)
	}
	if got, err := f.s.UserIdentities(f.ctx, bob.ID); err != nil || len(got) != 1 || got[0].Subject != "sso:"+bob.ID {
		t.Errorf("UserIdentities = %+v, %v", got, err)
	}
	if got, err := f.s.AuthorReactions(f.ctx, bob.ID); err != nil || len(got) != 1 || got[0].CommentID != c.ID || got[0].CreatedAt.IsZero() {
		t.Errorf("AuthorReactions = %+v, %v", got, err)
	}
	if got, err := f.s.AuthorReports(f.ctx, bob.ID); err != nil || len(got) != 1 || got[0].CommentID != c.ID || got[0].Reason != parley.ReasonSpam || got[0].IPHash != "" {
		t.Errorf("AuthorReports = %+v, %v", got, err)
	}
	for name, err := range map[string]error{
		"sessions":   second(f.s.UserSessions(f.ctx, f.user.ID)),
		"identities": second(f.s.UserIdentities(f.ctx, f.user.ID)),
	} {
		if err != nil {
			t.Errorf("%s of a user without any: %v", name, err)
		}
	}
}

func second[T any](_ T, err error) error { return err }

func testErase(t *testing.T, open Opener) {
	f := newFixture(t, open)
	bob := f.mustUser("Bob")
	c := f.mustComment(nil, parley.StatusApproved) // Ada's, which Bob reacts to
	f.user, bob = bob, f.user
	mine := f.mustComment(nil, parley.StatusApproved)
	pending := f.mustComment(nil, parley.StatusPending)
	f.user, bob = bob, f.user
	se := f.holdings(bob, c)
	entry := f.eraseHistory(bob, mine, pending, c)
	before := f.lastEventID(f.story)
	if err := f.s.EraseUser(f.ctx, bob.ID, f.tick()); err != nil {
		t.Fatalf("EraseUser: %v", err)
	}
	u, err := f.s.User(f.ctx, bob.ID)
	if err != nil || u.Name != "" || u.Email != "" || u.TokenHash != "" || len(u.Badges) != 0 {
		t.Errorf("user after erase = %+v, %v; want a blank profile", u, err)
	}
	if _, _, err := f.s.Session(f.ctx, se.Hash); parley.ErrorCode(err) != parley.ENOTFOUND {
		t.Errorf("session after erase: %v, want not_found", err)
	}
	if _, err := f.s.IdentityUser(f.ctx, bob.SiteID, "sso:"+bob.ID); parley.ErrorCode(err) != parley.ENOTFOUND {
		t.Errorf("identity after erase: %v, want not_found", err)
	}
	if _, err := f.s.NotificationSettings(f.ctx, bob.ID); parley.ErrorCode(err) != parley.ENOTFOUND {
		t.Errorf("settings after erase: %v, want not_found", err)
	}
	if pks, err := f.s.Passkeys(f.ctx, bob.ID); err != nil || len(pks) != 0 {
		t.Errorf("passkeys after erase: %v, %v; want none", pks, err)
	}
	if ns, err := f.s.ClaimNotifications(f.ctx, "x", f.now.Add(time.Hour), time.Minute, 0, 10); err != nil || len(ns) != 0 {
		t.Errorf("pending notifications after erase: %v, %v; want none", ns, err)
	}
	for _, id := range []string{mine.ID, pending.ID} {
		if got := f.get(id); !got.AuthorErased() || got.Body == "" {
			t.Errorf("comment %s after erase: name %q, body %q; want no name, the body kept", id, got.AuthorName, got.Body)
		}
	}
	if got := f.get(c.ID); got.AuthorName == "" {
		t.Error("erasing Bob emptied Ada's name")
	}
	for _, id := range []string{mine.ID, pending.ID} {
		if revs, err := f.s.CommentRevisions(f.ctx, id); err != nil || len(revs) != 0 {
			t.Errorf("revisions of %s after erase = %+v, %v; want none", id, revs, err)
		}
	}
	if revs, err := f.s.CommentRevisions(f.ctx, c.ID); err != nil || len(revs) != 1 {
		t.Errorf("revisions of Ada's comment after erasing Bob = %+v, %v; want its one", revs, err)
	}
	if d := diff([]*parley.AuditEntry{entry}, f.audit(parley.AuditQuery{SiteID: bob.SiteID, UserID: bob.ID, Limit: 10})); d != "" {
		t.Errorf("audit of Bob after erase (-want +got):\n%s", d)
	}
	events := f.allEvents(f.story, before)
	if len(events) != 1 || events[0].Type != parley.EventCommentEdited || events[0].CommentID != mine.ID {
		t.Errorf("events of the erase = %+v, want one edit of the approved comment %s", events, mine.ID)
	}
	wantCode(t, "EraseUser(unknown)", f.s.EraseUser(f.ctx, "ghost", f.tick()), parley.ENOTFOUND)
}

// testEraseUndone: an erasure whose unit fails later leaves everything.
func testEraseUndone(t *testing.T, open Opener) {
	f := newFixture(t, open)
	bob := f.mustUser("Bob")
	c := f.mustComment(nil, parley.StatusApproved)
	se := f.holdings(bob, c)
	boom := errors.New("boom")
	err := f.s.Update(f.ctx, func(tx parley.Tx) error {
		if _, err := tx.RemoveReaction(f.ctx, c.ID, bob.ID); err != nil {
			return err
		}
		if err := tx.EraseUser(f.ctx, bob.ID, f.tick()); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Update = %v, want boom", err)
	}
	if u, _ := f.s.User(f.ctx, bob.ID); u.Name != "Bob" {
		t.Errorf("name after an undone erase = %q", u.Name)
	}
	if _, _, err := f.s.Session(f.ctx, se.Hash); err != nil {
		t.Errorf("session after an undone erase: %v", err)
	}
	if got := f.get(c.ID); got.ReactionCount != 1 {
		t.Errorf("reactions after an undone erase = %d, want 1", got.ReactionCount)
	}
	if _, err := f.s.NotificationSettings(f.ctx, bob.ID); err != nil {
		t.Errorf("settings after an undone erase: %v", err)
	}
}

func testPurgeAddresses(t *testing.T, open Opener) {
	f := newFixture(t, open)
	elsewhere := f.mustSite("other")
	otherStory := f.mustStoryOn(elsewhere.ID, "s")
	old := f.newComment(f.story, nil, parley.StatusApproved)
	old.IPHash = "h1"
	foreign := f.newComment(otherStory, nil, parley.StatusApproved)
	foreign.IPHash = "h2"
	for _, c := range []*parley.Comment{old, foreign} {
		if err := f.s.CreateComment(f.ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	at := f.tick()
	r := &parley.Report{ID: parley.NewID(at), CommentID: old.ID, UserID: f.mustUser("Bob").ID, Reason: parley.ReasonSpam, IPHash: "h3", CreatedAt: at}
	if err := f.s.CreateReport(f.ctx, r); err != nil {
		t.Fatal(err)
	}
	cut := f.tick()
	recent := f.newComment(f.story, nil, parley.StatusApproved)
	recent.IPHash = "h4"
	if err := f.s.CreateComment(f.ctx, recent); err != nil {
		t.Fatal(err)
	}
	if n, err := f.s.PurgeAddresses(f.ctx, f.site.ID, cut); err != nil || n != 2 {
		t.Errorf("PurgeAddresses = %d, %v; want the old comment's and report's 2", n, err)
	}
	if n, err := f.s.PurgeAddresses(f.ctx, f.site.ID, cut); err != nil || n != 0 {
		t.Errorf("PurgeAddresses again = %d, %v; want 0", n, err)
	}
	if n, err := f.s.PurgeAddresses(f.ctx, f.site.ID, f.tick()); err != nil || n != 1 {
		t.Errorf("PurgeAddresses later = %d, %v; want the recent comment's 1", n, err)
	}
	if n, err := f.s.PurgeAddresses(f.ctx, elsewhere.ID, f.tick()); err != nil || n != 1 {
		t.Errorf("PurgeAddresses of the other site = %d, %v; want 1", n, err)
	}
}

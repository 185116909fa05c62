package service_test

import (
	"testing"
	"time"

	"parley"
	"parley/internal/markup"
	"parley/internal/realtime"
	"parley/internal/service"
)

// TestWords: moderators of the site list, add and remove words; others
// may not; bad lists, languages and entries are refused; every change is
// in the audit log; and a change reaches the lists a post is checked
// against, on this instance at once and on another within the site
// cache's TTL.
func TestWords(t *testing.T) {
	p := newPipe(t, testStore(t), parley.Moderation{})
	mod := p.moderator()
	commenter := p.as(&parley.User{ID: "bob", SiteID: p.site.ID, Name: "Bob"}, parley.RoleCommenter)
	if _, err := p.svc.AddWords(commenter, p.site.ID, parley.WordsBanned, "de", []string{"x"}); parley.ErrorKey(err) != "roleTooLow" {
		t.Errorf("AddWords by a commenter: %v, want roleTooLow", err)
	}
	if _, err := p.svc.Words(p.ctx, p.site.ID, parley.WordsBanned, "de"); parley.ErrorKey(err) != "signInRequired" {
		t.Errorf("Words without an actor: %v, want signInRequired", err)
	}
	for name, call := range map[string]func() error{
		"list": func() error { _, err := p.svc.AddWords(mod, p.site.ID, "other", "de", []string{"x"}); return err },
		"lang": func() error {
			_, err := p.svc.AddWords(mod, p.site.ID, parley.WordsBanned, "d3", []string{"x"})
			return err
		},
		"word": func() error {
			_, err := p.svc.AddWords(mod, p.site.ID, parley.WordsBanned, "de", []string{"a*b"})
			return err
		},
		"ctl": func() error {
			_, err := p.svc.AddWords(mod, p.site.ID, parley.WordsBanned, "de", []string{"a\x00b"})
			return err
		},
		"none": func() error {
			_, err := p.svc.AddWords(mod, p.site.ID, parley.WordsBanned, "de", []string{" ", ""})
			return err
		},
		"empty": func() error { _, err := p.svc.RemoveWords(mod, p.site.ID, parley.WordsBanned, "de", nil); return err },
	} {
		if err := call(); parley.ErrorCode(err) != parley.EINVALID {
			t.Errorf("bad %s: %v, want EINVALID", name, err)
		}
	}

	other := service.New(p.store, markup.New(), realtime.NewBus(), quietLog(), service.WithClock(func() time.Time { return p.now }))
	for _, svc := range []*service.Service{p.svc, other} { // both instances compile and cache the lists
		if posted, err := svc.Post(p.ctx, service.NewComment{SiteID: p.site.ID, StoryID: "story", Body: "So ein Quatschkopf", AuthorName: "G", Story: service.StoryInfo{Lang: "de-AT"}}); err != nil || posted.Comment.Status != parley.StatusApproved {
			t.Fatalf("post before = %+v, %v; want approved", posted, err)
		}
	}
	ch, err := p.svc.AddWords(mod, p.site.ID, parley.WordsBanned, "de-AT", []string{"quatschkopf", " quatschkopf ", "dummbatz"})
	if err != nil || ch.Changed != 2 || ch.Total != 2 || ch.Lang != "de" {
		t.Fatalf("AddWords = %+v, %v; want 2 added to de", ch, err)
	}
	if ch, err := p.svc.AddWords(mod, p.site.ID, parley.WordsBanned, "de", []string{"dummbatz"}); err != nil || ch.Changed != 0 || ch.Total != 2 {
		t.Errorf("AddWords again = %+v, %v; want nothing added", ch, err)
	}
	words, err := p.svc.Words(mod, p.site.ID, parley.WordsBanned, "de")
	if err != nil || len(words) != 2 || words[0] != "dummbatz" {
		t.Errorf("Words = %q, %v", words, err)
	}
	post := func(svc *service.Service) string {
		t.Helper()
		posted, err := svc.Post(p.ctx, service.NewComment{SiteID: p.site.ID, StoryID: "story", Body: "So ein QUATSCHKOPF!", AuthorName: "G"})
		if err != nil {
			t.Fatal(err)
		}
		return posted.Comment.Status
	}
	if got := post(p.svc); got != parley.StatusRejected {
		t.Errorf("post on the instance that changed the list = %s, want rejected", got)
	}
	if got := post(other); got != parley.StatusApproved {
		t.Errorf("post on another instance within the site TTL = %s, want approved (its cached site)", got)
	}
	p.now = p.now.Add(11 * time.Second)
	if got := post(other); got != parley.StatusRejected {
		t.Errorf("post on another instance after the site TTL = %s, want rejected", got)
	}
	if ch, err := p.svc.RemoveWords(mod, p.site.ID, parley.WordsBanned, "de", []string{"quatschkopf"}); err != nil || ch.Changed != 1 || ch.Total != 1 {
		t.Errorf("RemoveWords = %+v, %v", ch, err)
	}
	if got := post(p.svc); got != parley.StatusApproved {
		t.Errorf("post after the word was removed = %s, want approved", got)
	}
	log, err := p.store.Audit(p.ctx, parley.AuditQuery{SiteID: p.site.ID, Action: parley.AuditWordsChanged, Limit: 10})
	if err != nil || len(log) != 2 || log[0].ActorID != "mod" || log[0].Reason != "banned/de" || log[0].Automated {
		t.Errorf("audit = %+v, %v; want two changes by mod (a no-op writes none)", log, err)
	}
}

package service_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
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

	stale, err := p.svc.Site(p.ctx, p.site.ID) // read before the lists change
	if err != nil {
		t.Fatal(err)
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
	stale.Name = "Renamed" // a settings change made from the stale copy
	if err := p.svc.UpdateSite(p.ctx, stale); err != nil {
		t.Fatal(err)
	}
	if got, _ := p.store.Site(p.ctx, p.site.ID); got.Moderation.WordsVersion == 0 || got.Name != "Renamed" {
		t.Errorf("site after an update from a stale copy = %+v, want the word lists' version kept", got.Moderation)
	}
	bad := *stale
	bad.Moderation.Scorers = []byte(`[{"name":"oracle","enabled":true}]`)
	if err := p.svc.UpdateSite(p.ctx, &bad); parley.ErrorKey(err) != "scorerUnknown" {
		t.Errorf("UpdateSite with an unknown scorer: %v, want scorerUnknown", err)
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

// gatedWords is a store whose word-list reads, once armed, announce
// themselves and wait for release: it shows how many compiles the posts
// that arrive meanwhile start.
type gatedWords struct {
	parley.Store
	armed   atomic.Bool
	reads   atomic.Int32
	first   chan struct{} // closed by the first read while armed
	release chan struct{}
	once    sync.Once
}

func (g *gatedWords) Words(ctx context.Context, siteID, list, lang string) ([]string, error) {
	if g.armed.Load() {
		g.reads.Add(1)
		g.once.Do(func() { close(g.first) })
		<-g.release
	}
	return g.Store.Words(ctx, siteID, list, lang)
}

// TestWordsCompiledOnce: posts that find a site's lists changed while
// another post compiles them wait for that compile instead of starting
// their own, and get its lists even when the post that started it has
// left.
func TestWordsCompiledOnce(t *testing.T) {
	g := &gatedWords{Store: testStore(t), first: make(chan struct{}), release: make(chan struct{})}
	p := newPipe(t, g, parley.Moderation{})
	if _, err := p.svc.AddWords(p.moderator(), p.site.ID, parley.WordsBanned, "en", []string{"quatschkopf"}); err != nil {
		t.Fatal(err)
	}
	g.armed.Store(true)
	leaderCtx, leave := context.WithCancel(p.ctx)
	leader := make(chan error, 1)
	go func() {
		_, err := p.svc.Post(leaderCtx, service.NewComment{SiteID: p.site.ID, StoryID: "story", Body: "Erster", AuthorName: "Gast",
			Story: service.StoryInfo{Lang: "en"}})
		leader <- err
	}()
	<-g.first
	const waiters = 6
	got := make(chan error, waiters)
	for i := range waiters {
		go func() {
			posted, err := p.post(p.ctx, fmt.Sprintf("Noch einer, Nummer %d", i), false)
			if err == nil && posted.Comment.Status != parley.StatusApproved {
				err = fmt.Errorf("status %s", posted.Comment.Status)
			}
			got <- err
		}()
	}
	time.Sleep(50 * time.Millisecond) // the waiters reach the lists
	if n := g.reads.Load(); n != 1 {
		t.Errorf("%d word-list reads while one compile runs, want 1: the waiting posts compiled too", n)
	}
	leave()
	close(g.release)
	for range waiters {
		if err := <-got; err != nil {
			t.Errorf("a post that waited for the compile: %v", err)
		}
	}
	<-leader
	if n := g.reads.Load(); n != 2 {
		t.Errorf("%d word-list reads in all, want 2 (banned and suspect, once)", n)
	}
	banned, err := p.post(p.ctx, "So ein Quatschkopf", false)
	if err != nil || banned.Comment.Status != parley.StatusRejected {
		t.Errorf("a post with the banned word after the compile = %+v, %v; want rejected", banned, err)
	}
}

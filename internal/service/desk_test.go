package service_test

import (
	"context"
	"sync"
	"testing"

	"parley"
	"parley/internal/markup"
	"parley/internal/realtime"
	"parley/internal/service"
)

// desk is a moderation desk for one test: a service on a real store with
// a site "news" that takes anonymous posts, a moderator, a second
// moderator and an admin of it, and the events the bus carried.
type desk struct {
	t     *testing.T
	ctx   context.Context
	store parley.Store
	svc   *service.Service

	mod, mod2, admin *parley.User

	mu     sync.Mutex
	events []parley.Event
}

// onBoth runs test against a desk on SQLite and one on PostgreSQL (which
// skips loudly when the server is absent, and fails under CI=true).
func onBoth(t *testing.T, test func(t *testing.T, d *desk)) {
	onStores(t, func(t *testing.T, store parley.Store) { test(t, newDesk(t, store)) })
}

func newDesk(t *testing.T, store parley.Store) *desk {
	t.Helper()
	bus := realtime.NewBus()
	d := &desk{t: t, ctx: t.Context(), store: store, svc: service.New(store, markup.New(), bus, quietLog())}
	unsub, err := bus.Subscribe(parley.Topic{Kind: parley.TopicQueues}, d.record)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(unsub)
	unsub, err = bus.Subscribe(parley.Topic{Kind: parley.TopicStories}, d.record)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(unsub)
	if err := d.svc.CreateSite(d.ctx, &parley.Site{ID: "news", AllowAnonymous: true}); err != nil {
		t.Fatal(err)
	}
	d.mod = d.staff("Mona", parley.RoleModerator)
	d.mod2 = d.staff("Moritz", parley.RoleModerator)
	d.admin = d.staff("Ada", parley.RoleAdmin)
	return d
}

func (d *desk) record(ev parley.Event) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.events = append(d.events, ev)
}

// took returns the events published since the last call.
func (d *desk) took() []parley.Event {
	d.mu.Lock()
	defer d.mu.Unlock()
	evs := d.events
	d.events = nil
	return evs
}

// staff stores a user of the site with role.
func (d *desk) staff(name string, role parley.Role) *parley.User {
	d.t.Helper()
	at := parley.Now()
	u := &parley.User{ID: parley.NewID(at), SiteID: "news", Name: name, Role: role, CreatedAt: at}
	if err := d.store.CreateUser(d.ctx, u); err != nil {
		d.t.Fatal(err)
	}
	return u
}

// as is a context in which u acts, as the authentication step would make
// it: with the user as stored now, sanctions and role included.
func (d *desk) as(u *parley.User) context.Context {
	d.t.Helper()
	fresh, err := d.store.User(d.ctx, u.ID)
	if err != nil {
		d.t.Fatal(err)
	}
	return parley.WithActor(d.ctx, &parley.Actor{User: fresh, SiteID: fresh.SiteID, Role: fresh.UserRole(), Method: parley.MethodSession})
}

// post has a new anonymous reader post body on story (as a reply to parent
// when not nil) and returns the comment and its author.
func (d *desk) post(story, body string, parent *parley.Comment) (*parley.Comment, *parley.User) {
	d.t.Helper()
	in := service.NewComment{SiteID: "news", StoryID: story, Body: body, AuthorName: "Leser"}
	if parent != nil {
		in.ParentID = parent.ID
	}
	p, err := d.svc.Post(d.ctx, in)
	if err != nil {
		d.t.Fatalf("Post: %v", err)
	}
	u, err := d.store.User(d.ctx, p.Comment.AuthorID)
	if err != nil {
		d.t.Fatal(err)
	}
	return p.Comment, u
}

// postAs has u post body on story.
func (d *desk) postAs(u *parley.User, story, body string) (*parley.Comment, error) {
	p, err := d.svc.Post(d.as(u), service.NewComment{SiteID: "news", StoryID: story, Body: body})
	if err != nil {
		return nil, err
	}
	return p.Comment, nil
}

// hold puts a comment in the pending queue as the pipeline would.
func (d *desk) hold(c *parley.Comment) {
	d.t.Helper()
	if err := d.store.SetCommentStatus(d.ctx, c.ID, parley.StatusPending, parley.Now()); err != nil {
		d.t.Fatal(err)
	}
}

// decide makes a decision as u and fails the test on an error.
func (d *desk) decide(u *parley.User, action, reason string, cs ...*parley.Comment) []*parley.AuditEntry {
	d.t.Helper()
	entries, err := d.svc.Decide(d.as(u), service.Decision{SiteID: "news", CommentIDs: commentIDs(cs), Action: action, Reason: reason, Note: "n"})
	if err != nil {
		d.t.Fatalf("Decide(%s): %v", action, err)
	}
	return entries
}

// comment reads a comment back.
func (d *desk) comment(id string) *parley.Comment {
	d.t.Helper()
	c, err := d.store.Comment(d.ctx, id)
	if err != nil {
		d.t.Fatal(err)
	}
	return c
}

// queue returns the IDs of the first page of a queue, read as the moderator.
func (d *desk) queue(q service.QueueQuery) []string {
	d.t.Helper()
	q.SiteID = "news"
	page, err := d.svc.Queue(d.as(d.mod), q)
	if err != nil {
		d.t.Fatalf("Queue(%+v): %v", q, err)
	}
	var ids []string
	for _, it := range page.Items {
		ids = append(ids, it.Comment.ID)
	}
	return ids
}

func commentIDs(cs []*parley.Comment) []string {
	ids := make([]string, len(cs))
	for i, c := range cs {
		ids[i] = c.ID
	}
	return ids
}

// wantKey fails the test unless err carries code and key.
func wantKey(t *testing.T, what string, err error, code, key string) {
	t.Helper()
	if parley.ErrorCode(err) != code || parley.ErrorKey(err) != key {
		t.Errorf("%s: %v (code %q, key %q), want code %q, key %q", what, err, parley.ErrorCode(err), parley.ErrorKey(err), code, key)
	}
}

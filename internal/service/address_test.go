package service_test

import (
	"context"
	"net/netip"
	"testing"
	"time"

	"parley"
	"parley/internal/markup"
	"parley/internal/realtime"
	"parley/internal/service"
)

// TestAddressKept: a post and a report that come with an address keep a
// hash of it (the purge finds exactly those), and nothing is kept without
// an address or without the secret.
func TestAddressKept(t *testing.T) {
	ctx := t.Context()
	store := testStore(t)
	log := quietLog()
	with := service.New(store, markup.New(), realtime.NewBus(), log, service.WithAddressSecret([]byte("0123456789abcdef0123456789abcdef")))
	without := service.New(store, markup.New(), realtime.NewBus(), log)
	if err := with.CreateSite(ctx, &parley.Site{ID: "news", AllowAnonymous: true}); err != nil {
		t.Fatal(err)
	}
	from := parley.WithAddress(ctx, netip.MustParseAddr("203.0.113.7"))
	post := func(svc *service.Service, ctx0 context.Context, name string) *service.Posted {
		t.Helper()
		p, err := svc.Post(ctx0, service.NewComment{SiteID: "news", StoryID: "s1", Body: "Hallo.", AuthorName: name})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	first := post(with, from, "Ada")
	post(with, ctx, "Bob")      // no address
	post(without, from, "Carl") // no secret
	reporter := post(with, from, "Dora")
	as := parley.WithActor(from, &parley.Actor{User: &parley.User{ID: reporter.Comment.AuthorID, SiteID: "news"}, SiteID: "news", Role: parley.RoleCommenter, Method: parley.MethodToken})
	if _, err := with.Report(as, service.NewReport{CommentID: first.Comment.ID, Reason: parley.ReasonSpam}); err != nil {
		t.Fatal(err)
	}
	n, err := store.PurgeAddresses(ctx, "news", parley.Now().Add(time.Hour))
	if err != nil || n != 3 {
		t.Errorf("address hashes kept = %d, %v; want Ada's and Dora's comments and Dora's report", n, err)
	}
}

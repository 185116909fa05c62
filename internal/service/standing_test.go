package service_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"parley"
	"parley/internal/markup"
	"parley/internal/realtime"
	"parley/internal/service"
)

// TestLiveCarriesStanding: a comment in the live stream shows its author's
// staff role and badges as the page does, and the role as it is now.
func TestLiveCarriesStanding(t *testing.T) {
	ctx := context.Background()
	store := testStore(t)
	svc := service.New(store, markup.New(), realtime.NewBus(), quietLog())
	if err := svc.CreateSite(ctx, &parley.Site{ID: "s", AllowAnonymous: true}); err != nil {
		t.Fatal(err)
	}
	posted, err := svc.Post(ctx, service.NewComment{SiteID: "s", StoryID: "a", Body: "Aus der Redaktion", AuthorName: "R"})
	if err != nil {
		t.Fatal(err)
	}
	if posted.Comment.Author.Role != parley.RoleNone || posted.Comment.Author.Badges != nil {
		t.Errorf("a new commenter's comment carries %+v", posted.Comment.Author)
	}
	u, err := store.User(ctx, posted.Comment.AuthorID)
	if err != nil {
		t.Fatal(err)
	}
	u.Role, u.Badges = parley.RoleModerator, []string{"Abonnent"}
	if err := store.UpdateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	for _, typ := range []string{parley.EventCommentCreated, parley.EventCommentEdited} {
		l, ok, err := svc.Live(ctx, event(typ, posted.Comment.ID))
		if err != nil || !ok {
			t.Fatalf("%s: %v, %v", typ, ok, err)
		}
		if diff := cmp.Diff(parley.Standing{Role: parley.RoleModerator, Badges: []string{"Abonnent"}}, l.Comment.Author); diff != "" {
			t.Errorf("%s: standing (-want +got):\n%s", typ, diff)
		}
	}
}

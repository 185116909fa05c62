package service_test

import (
	"context"
	"testing"

	"parley"
	"parley/internal/markup"
	"parley/internal/realtime"
	"parley/internal/service"
)

// TestRevisions: a moderator of the site reads a comment's texts oldest
// first; a commenter is refused, and a moderator of another site finds no
// such comment.
func TestRevisions(t *testing.T) {
	ctx := context.Background()
	store := testStore(t)
	svc := service.New(store, markup.New(), realtime.NewBus(), quietLog())
	for _, id := range []string{"s", "t"} {
		if err := svc.CreateSite(ctx, &parley.Site{ID: id, AllowAnonymous: true}); err != nil {
			t.Fatal(err)
		}
	}
	posted, err := svc.Post(ctx, service.NewComment{SiteID: "s", StoryID: "a", Body: "first text", AuthorName: "R"})
	if err != nil {
		t.Fatal(err)
	}
	id := posted.Comment.ID
	err = store.Update(ctx, func(tx parley.Tx) error {
		for n, body := range []string{"first text", "second text"} {
			r := &parley.Revision{CommentID: id, N: n + 1, Body: body, Status: parley.StatusApproved, CreatedAt: parley.Now()}
			if err := tx.AddRevision(ctx, r); err != nil && parley.ErrorCode(err) != parley.ECONFLICT {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	as := func(site string, role parley.Role) context.Context {
		return parley.WithActor(ctx, &parley.Actor{User: &parley.User{ID: "x" + site, SiteID: site}, SiteID: site, Role: role})
	}
	revs, err := svc.Revisions(as("s", parley.RoleModerator), "s", id)
	if err != nil || len(revs) < 2 || revs[len(revs)-1].Body != "second text" {
		t.Fatalf("moderator: %v, %+v", err, revs)
	}
	if _, err := svc.Revisions(as("s", parley.RoleCommenter), "s", id); parley.ErrorCode(err) != parley.EFORBIDDEN {
		t.Errorf("commenter: %v, want forbidden", err)
	}
	if _, err := svc.Revisions(as("t", parley.RoleModerator), "t", id); parley.ErrorCode(err) != parley.ENOTFOUND {
		t.Errorf("another site's moderator: %v, want not found", err)
	}
	if _, err := svc.Revisions(as("s", parley.RoleModerator), "s", "nonsense"); parley.ErrorCode(err) != parley.ENOTFOUND {
		t.Errorf("a malformed ID: %v, want not found", err)
	}
}

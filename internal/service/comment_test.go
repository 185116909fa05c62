package service_test

import (
	"context"
	"errors"
	"testing"

	"parley"
	"parley/internal/markup"
	"parley/internal/realtime"
	"parley/internal/service"
)

var errNoComment = errors.New("the comment cannot be stored")

// failingComments is a store on which storing a comment fails, however it
// is asked (alone or in a unit of work), and which remembers the users it
// was asked to store.
type failingComments struct {
	parley.Store
	users *[]string
}

func (s failingComments) CreateComment(context.Context, *parley.Comment) error { return errNoComment }

func (s failingComments) CreateUser(ctx context.Context, u *parley.User) error {
	*s.users = append(*s.users, u.ID)
	return s.Store.CreateUser(ctx, u)
}

func (s failingComments) Update(ctx context.Context, fn func(parley.Tx) error) error {
	return s.Store.Update(ctx, func(tx parley.Tx) error { return fn(failingTx{tx, s.users}) })
}

type failingTx struct {
	parley.Tx
	users *[]string
}

func (tx failingTx) CreateComment(context.Context, *parley.Comment) error { return errNoComment }

func (tx failingTx) CreateUser(ctx context.Context, u *parley.User) error {
	*tx.users = append(*tx.users, u.ID)
	return tx.Tx.CreateUser(ctx, u)
}

// TestPostIsOneUnit posts the first comment of a new reader on a new story
// and lets storing the comment fail: the story and the commenter the post
// brought must not be left behind, and the error comes back as it was.
func TestPostIsOneUnit(t *testing.T) {
	ctx := context.Background()
	store := testStore(t)
	var users []string
	svc := service.New(failingComments{store, &users}, markup.New(), realtime.NewBus(), quietLog())
	if err := svc.CreateSite(ctx, &parley.Site{ID: "s", AllowAnonymous: true}); err != nil {
		t.Fatal(err)
	}
	_, err := svc.Post(ctx, service.NewComment{SiteID: "s", StoryID: "new-story", Body: "Hello", AuthorName: "Ada",
		Story: service.StoryInfo{Title: "T", URL: "https://s.example/new", Lang: "en"}})
	if !errors.Is(err, errNoComment) {
		t.Fatalf("Post = %v, want the store's error", err)
	}
	if _, err := store.Story(ctx, "s", "new-story"); parley.ErrorCode(err) != parley.ENOTFOUND {
		t.Errorf("story of a failed post: err = %v, want ENOTFOUND", err)
	}
	if len(users) != 1 {
		t.Fatalf("the post asked to store %d commenters, want 1", len(users))
	}
	if _, err := store.User(ctx, users[0]); parley.ErrorCode(err) != parley.ENOTFOUND {
		t.Errorf("commenter of a failed post: err = %v, want ENOTFOUND", err)
	}
}

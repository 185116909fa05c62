package service_test

import (
	"context"
	"testing"

	"parley"
	"parley/internal/markup"
	"parley/internal/realtime"
	"parley/internal/service"
)

// TestLiveShowsOnlyWhatReadersMaySee: the live stream must not carry a
// comment awaiting moderation, and a rejected one only as removed.
func TestLiveShowsOnlyWhatReadersMaySee(t *testing.T) {
	ctx := context.Background()
	store := testStore(t)
	svc := service.New(store, markup.New(), realtime.NewBus(), quietLog())
	if err := svc.CreateSite(ctx, &parley.Site{ID: "s", AllowAnonymous: true}); err != nil {
		t.Fatal(err)
	}
	posted, err := svc.Post(ctx, service.NewComment{SiteID: "s", StoryID: "a", Body: "sichtbar", AuthorName: "A"})
	if err != nil {
		t.Fatal(err)
	}
	now := parley.Now()
	pending := &parley.Comment{ID: parley.NewID(now), SiteID: "s", StoryID: "a", AuthorID: posted.Comment.AuthorID,
		AuthorName: "A", Body: "geheim", HTML: "<p>geheim</p>", Status: parley.StatusPending, CreatedAt: now}
	pending.RootID = pending.ID
	if err := store.CreateComment(ctx, pending); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		ev        parley.StoredEvent
		wantOK    bool
		wantGone  bool
		beforeRun func()
	}{
		{name: "approved comment", ev: event(parley.EventCommentCreated, posted.Comment.ID), wantOK: true},
		{name: "pending comment", ev: event(parley.EventCommentCreated, pending.ID), wantOK: false},
		{name: "rejected comment", ev: event(parley.EventCommentDeleted, posted.Comment.ID), wantOK: true, wantGone: true,
			beforeRun: func() {
				if err := store.SetCommentStatus(ctx, posted.Comment.ID, parley.StatusRejected, parley.Now()); err != nil {
					t.Fatal(err)
				}
			}},
		{name: "story change", ev: event(parley.EventStoryChanged, ""), wantOK: true},
	}
	for _, tt := range tests {
		if tt.beforeRun != nil {
			tt.beforeRun()
		}
		l, ok, err := svc.Live(ctx, tt.ev)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if ok != tt.wantOK || (ok && l.Removed != tt.wantGone) {
			t.Errorf("%s: ok %t removed %t, want %t %t", tt.name, ok, ok && l.Removed, tt.wantOK, tt.wantGone)
		}
	}
}

func event(typ, commentID string) parley.StoredEvent {
	return parley.StoredEvent{ID: 1, SiteID: "s", StoryID: "a", Type: typ, CommentID: commentID}
}

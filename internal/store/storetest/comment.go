package storetest

import (
	"testing"

	"parley"
)

func testComments(t *testing.T, open Opener) {
	t.Run("RoundTrip", func(t *testing.T) {
		f := newFixture(t, open)
		top := f.mustComment(nil, parley.StatusApproved)
		reply := f.mustComment(top, parley.StatusApproved)
		nested := f.newComment(f.story, reply, parley.StatusPending)
		nested.AuthorName, nested.Body, nested.HTML = "Zoë 🦊", "Grüße\n\n> quote", "<p>Grüße</p>\n<blockquote>quote</blockquote>"
		if err := f.s.CreateComment(f.ctx, nested); err != nil {
			t.Fatal(err)
		}
		wantTop, wantReply := *top, *reply
		wantTop.ReplyCount, wantReply.ReplyCount = 1, 0 // the nested reply is pending
		for _, want := range []*parley.Comment{&wantTop, &wantReply, nested} {
			got := f.get(want.ID)
			if d := diff(want, got); d != "" {
				t.Errorf("Comment(%s) depth %d (-want +got):\n%s", want.ID, want.Depth, d)
			}
			if !got.EditedAt.IsZero() || !got.DeletedAt.IsZero() {
				t.Errorf("EditedAt, DeletedAt = %v, %v; want zero times", got.EditedAt, got.DeletedAt)
			}
		}
		if got := f.storyCount(); got != 2 {
			t.Errorf("story CommentCount = %d, want 2", got)
		}
	})
	t.Run("CreateErrors", func(t *testing.T) { testCreateErrors(t, open) })
	t.Run("NotFound", func(t *testing.T) {
		f := newFixture(t, open)
		_, err := f.s.Comment(f.ctx, "missing")
		wantCode(t, "Comment(missing)", err, parley.ENOTFOUND)
		wantCode(t, "EditComment(missing)", f.s.EditComment(f.ctx, "missing", "b", "<p>b</p>", f.tick()), parley.ENOTFOUND)
		wantCode(t, "SetCommentStatus(missing)", f.s.SetCommentStatus(f.ctx, "missing", parley.StatusApproved, f.tick()), parley.ENOTFOUND)
	})
	t.Run("Edit", func(t *testing.T) {
		f := newFixture(t, open)
		c := f.mustComment(nil, parley.StatusApproved)
		other := f.mustComment(nil, parley.StatusApproved)
		at := f.tick()
		if err := f.s.EditComment(f.ctx, c.ID, "new **body**", "<p>new <strong>body</strong></p>", at); err != nil {
			t.Fatal(err)
		}
		want := *c
		want.Body, want.HTML, want.EditedAt = "new **body**", "<p>new <strong>body</strong></p>", at
		if d := diff(&want, f.get(c.ID)); d != "" {
			t.Errorf("after EditComment (-want +got):\n%s", d)
		}
		if d := diff(other, f.get(other.ID)); d != "" {
			t.Errorf("EditComment changed another comment (-want +got):\n%s", d)
		}
	})
}

// testCreateErrors checks that a failed CreateComment reports the right code
// and leaves no trace: no row, no count raised.
func testCreateErrors(t *testing.T, open Opener) {
	f := newFixture(t, open)
	other := f.mustStory("other")
	parent := f.mustComment(nil, parley.StatusApproved)
	elsewhere := f.newComment(other, nil, parley.StatusApproved)
	if err := f.s.CreateComment(f.ctx, elsewhere); err != nil {
		t.Fatal(err)
	}
	unknownStory := f.newComment(f.story, nil, parley.StatusApproved)
	unknownStory.StoryID = "missing"
	unknownSite := f.newComment(f.story, nil, parley.StatusApproved)
	unknownSite.SiteID = "missing"
	unknownParent := f.newComment(f.story, parent, parley.StatusApproved)
	unknownParent.ParentID = "missing"
	crossStory := f.newComment(f.story, elsewhere, parley.StatusApproved)
	duplicate := f.newComment(f.story, parent, parley.StatusApproved)
	duplicate.ID = parent.ID
	tests := []struct {
		name string
		c    *parley.Comment
		code string
	}{
		{"unknown story", unknownStory, parley.ENOTFOUND},
		{"unknown site", unknownSite, parley.ENOTFOUND},
		{"unknown parent", unknownParent, parley.ENOTFOUND},
		{"parent in another story", crossStory, parley.ENOTFOUND},
		{"duplicate ID", duplicate, parley.ECONFLICT},
	}
	for _, tt := range tests {
		wantCode(t, "CreateComment("+tt.name+")", f.s.CreateComment(f.ctx, tt.c), tt.code)
	}
	if got := f.storyCount(); got != 1 {
		t.Errorf("story CommentCount after failed creates = %d, want 1", got)
	}
	if d := diff(parent, f.get(parent.ID)); d != "" {
		t.Errorf("parent changed by failed creates (-want +got):\n%s", d)
	}
	if got := f.get(elsewhere.ID).ReplyCount; got != 0 {
		t.Errorf("ReplyCount of the other story's comment = %d, want 0", got)
	}
	for _, c := range []*parley.Comment{unknownStory, unknownSite, unknownParent, crossStory} {
		if _, err := f.s.Comment(f.ctx, c.ID); parley.ErrorCode(err) != parley.ENOTFOUND {
			t.Errorf("a failed CreateComment stored %s: err = %v", c.ID, err)
		}
	}
}

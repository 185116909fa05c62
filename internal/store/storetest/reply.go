package storetest

import (
	"testing"

	"parley"
)

func testReplies(t *testing.T, open Opener) {
	f := newFixture(t, open)
	p1 := f.mustComment(nil, parley.StatusApproved)
	p2 := f.mustComment(nil, parley.StatusApproved)
	p3 := f.mustComment(nil, parley.StatusApproved)
	p4 := f.mustComment(nil, parley.StatusApproved)
	a1 := f.mustComment(p1, parley.StatusApproved)
	b1 := f.mustComment(p2, parley.StatusApproved)
	c1 := f.mustComment(p3, parley.StatusApproved)
	f.mustComment(p1, parley.StatusPending)
	a3 := f.mustComment(p1, parley.StatusApproved)
	f.mustComment(a3, parley.StatusApproved) // a grandchild: never a direct reply
	c2 := f.mustComment(p3, parley.StatusApproved)
	f.mustComment(c1, parley.StatusApproved)
	f.mustComment(p1, parley.StatusRejected)
	a5 := f.mustComment(p1, parley.StatusApproved)
	c3 := f.mustComment(p3, parley.StatusApproved)
	f.mustComment(p1, parley.StatusApproved)
	f.mustStatus(c1, parley.StatusDeleted) // a placeholder: it has a reply
	f.mustStatus(c2, parley.StatusDeleted) // hidden
	parents := []string{p1.ID, p2.ID, p3.ID, p4.ID, "unknown"}
	tests := []struct {
		name      string
		parents   []string
		perParent int
		want      []string
	}{
		{"three each", parents, 3, []string{a1.ID, a3.ID, a5.ID, b1.ID, c1.ID, c3.ID}},
		{"one each", parents, 1, []string{a1.ID, b1.ID, c1.ID}},
		{"one parent", []string{p3.ID}, 10, []string{c1.ID, c3.ID}},
		{"no parents", nil, 3, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := f.s.Replies(f.ctx, tt.parents, tt.perParent)
			if err != nil {
				t.Fatal(err)
			}
			if d := diff(tt.want, ids(got)); d != "" {
				t.Errorf("Replies (-want +got):\n%s", d)
			}
		})
	}
	t.Run("Fields", func(t *testing.T) {
		got, err := f.s.Replies(f.ctx, []string{p2.ID}, 1)
		if err != nil || len(got) != 1 {
			t.Fatalf("Replies = %v, %v; want one", got, err)
		}
		if d := diff(b1, got[0]); d != "" {
			t.Errorf("reply (-want +got):\n%s", d)
		}
	})
}

func testUserComments(t *testing.T, open Opener) {
	f := newFixture(t, open)
	other := f.mustStory("other")
	bo := f.mustUser("Bo")
	u1 := f.mustComment(nil, parley.StatusApproved)
	u2 := f.mustComment(u1, parley.StatusPending)
	byBo := f.newComment(f.story, nil, parley.StatusApproved)
	byBo.AuthorID, byBo.AuthorName = bo.ID, bo.Name
	if err := f.s.CreateComment(f.ctx, byBo); err != nil {
		t.Fatal(err)
	}
	u3 := f.mustComment(nil, parley.StatusRejected)
	u4 := f.mustComment(nil, parley.StatusApproved)
	f.create(other, nil, parley.StatusApproved)
	u5 := f.mustComment(byBo, parley.StatusApproved)
	f.mustStatus(u4, parley.StatusDeleted)
	tests := []struct {
		name  string
		user  string
		limit int
		want  []string
	}{
		{"all", f.user.ID, 10, []string{u1.ID, u2.ID, u3.ID, u5.ID}},
		{"limit", f.user.ID, 2, []string{u1.ID, u2.ID}},
		{"other author", bo.ID, 10, []string{byBo.ID}},
		{"no comments", "nobody", 10, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := f.s.UserComments(f.ctx, f.site.ID, f.story.ID, tt.user, tt.limit)
			if err != nil {
				t.Fatal(err)
			}
			if d := diff(tt.want, ids(got)); d != "" {
				t.Errorf("UserComments (-want +got):\n%s", d)
			}
		})
	}
	got, err := f.s.UserComments(f.ctx, f.site.ID, f.story.ID, f.user.ID, 2)
	if err != nil || len(got) != 2 {
		t.Fatalf("UserComments = %v, %v", got, err)
	}
	if d := diff(u2, got[1]); d != "" {
		t.Errorf("pending comment of its author (-want +got):\n%s", d)
	}
}

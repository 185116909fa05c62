package storetest

import (
	"slices"
	"testing"

	"parley"
)

func testReactions(t *testing.T, open Opener) {
	t.Run("AddRemove", func(t *testing.T) {
		f := newFixture(t, open)
		bo := f.mustUser("Bo")
		c := f.mustComment(nil, parley.StatusApproved)
		steps := []struct {
			name   string
			add    bool
			user   *parley.User
			want   bool
			counts int
		}{
			{"add", true, f.user, true, 1},
			{"add again", true, f.user, false, 1},
			{"add other user", true, bo, true, 2},
			{"remove", false, f.user, true, 1},
			{"remove again", false, f.user, false, 1},
			{"remove other user", false, bo, true, 0},
			{"add back", true, f.user, true, 1},
		}
		for _, st := range steps {
			var got bool
			var err error
			if st.add {
				got, err = f.s.AddReaction(f.ctx, c.ID, st.user.ID, f.tick())
			} else {
				got, err = f.s.RemoveReaction(f.ctx, c.ID, st.user.ID)
			}
			if err != nil || got != st.want {
				t.Errorf("%s: got %v, %v; want %v, nil", st.name, got, err, st.want)
			}
			if n := f.get(c.ID).ReactionCount; n != st.counts {
				t.Errorf("%s: ReactionCount = %d, want %d", st.name, n, st.counts)
			}
		}
	})
	t.Run("UnknownComment", func(t *testing.T) {
		f := newFixture(t, open)
		_, err := f.s.AddReaction(f.ctx, "missing", f.user.ID, f.tick())
		wantCode(t, "AddReaction(missing)", err, parley.ENOTFOUND)
		ok, err := f.s.RemoveReaction(f.ctx, "missing", f.user.ID)
		if ok || err != nil {
			t.Errorf("RemoveReaction(missing) = %v, %v; want false, nil", ok, err)
		}
	})
	t.Run("UserReactions", func(t *testing.T) {
		f := newFixture(t, open)
		bo := f.mustUser("Bo")
		other := f.mustStory("other")
		c := f.mustComment(nil, parley.StatusApproved)
		d := f.mustComment(c, parley.StatusApproved)
		e := f.create(other, nil, parley.StatusApproved)
		plain := f.mustComment(nil, parley.StatusApproved)
		for _, x := range []*parley.Comment{c, d, e} {
			f.mustReact(x, f.user)
		}
		f.mustReact(plain, bo)
		f.wantReactions(f.story, f.user, c.ID, d.ID)
		f.wantReactions(other, f.user, e.ID)
		f.wantReactions(f.story, bo, plain.ID)
		if _, err := f.s.RemoveReaction(f.ctx, c.ID, f.user.ID); err != nil {
			t.Fatal(err)
		}
		f.wantReactions(f.story, f.user, d.ID)
		f.wantReactions(other, bo)
	})
}

// wantReactions checks UserReactions, in any order.
func (f *fixture) wantReactions(st *parley.Story, u *parley.User, want ...string) {
	f.t.Helper()
	got, err := f.s.UserReactions(f.ctx, st.SiteID, st.ID, u.ID)
	if err != nil {
		f.t.Fatalf("UserReactions: %v", err)
	}
	slices.Sort(got)
	slices.Sort(want)
	if d := diff(want, got); d != "" {
		f.t.Errorf("UserReactions(%s, %s) (-want +got):\n%s", st.ID, u.Name, d)
	}
}

func testReports(t *testing.T, open Opener) {
	f := newFixture(t, open)
	bo := f.mustUser("Bo")
	c := f.mustComment(nil, parley.StatusApproved)
	report := func(commentID string, u *parley.User) *parley.Report {
		at := f.tick()
		return &parley.Report{ID: parley.NewID(at), CommentID: commentID, UserID: u.ID, Reason: parley.ReasonSpam, Note: "buy now", CreatedAt: at}
	}
	steps := []struct {
		name  string
		r     *parley.Report
		code  string
		count int
	}{
		{"first", report(c.ID, f.user), "", 1},
		{"same user again", report(c.ID, f.user), parley.ECONFLICT, 1},
		{"other user", report(c.ID, bo), "", 2},
		{"unknown comment", report("missing", bo), parley.ENOTFOUND, 2},
	}
	for _, st := range steps {
		wantCode(t, "CreateReport("+st.name+")", f.s.CreateReport(f.ctx, st.r), st.code)
		if n := f.get(c.ID).ReportCount; n != st.count {
			t.Errorf("%s: ReportCount = %d, want %d", st.name, n, st.count)
		}
	}
}

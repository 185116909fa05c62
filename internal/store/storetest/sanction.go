package storetest

import (
	"errors"
	"testing"
	"time"

	"parley"
)

func testSanctions(t *testing.T, open Opener) {
	t.Run("Counts", func(t *testing.T) {
		f := newFixture(t, open)
		bo := f.mustUser("Bo")
		a := f.mustComment(nil, parley.StatusApproved)
		p := f.mustComment(nil, parley.StatusPending)
		f.mustComment(a, parley.StatusApproved)
		f.queued(f.story, bo, parley.StatusApproved, func(*parley.Comment) {})
		want := parley.UserCounts{Approved: 2, Pending: 1}
		if got := f.userNow(f.user.ID).Counts; got != want {
			t.Errorf("after posting: %+v, want %+v", got, want)
		}
		for _, step := range []struct {
			c      *parley.Comment
			status string
			want   parley.UserCounts
		}{
			{p, parley.StatusApproved, parley.UserCounts{Approved: 3}},
			{p, parley.StatusApproved, parley.UserCounts{Approved: 3}}, // no change, no count
			{a, parley.StatusRejected, parley.UserCounts{Approved: 2, Rejected: 1}},
			{p, parley.StatusPending, parley.UserCounts{Approved: 1, Pending: 1, Rejected: 1}},
			{a, parley.StatusDeleted, parley.UserCounts{Approved: 1, Pending: 1}},
		} {
			f.mustStatus(step.c, step.status)
			if got := f.userNow(f.user.ID).Counts; got != step.want {
				t.Errorf("%s to %s: %+v, want %+v", step.c.ID, step.status, got, step.want)
			}
		}
		if got := f.userNow(bo.ID).Counts; got != (parley.UserCounts{Approved: 1}) {
			t.Errorf("another author's counts moved: %+v", got)
		}
		if err := f.s.CountNote(f.ctx, bo.ID); err != nil {
			t.Fatal(err)
		}
		if err := f.s.CountNote(f.ctx, bo.ID); err != nil {
			t.Fatal(err)
		}
		if got := f.userNow(bo.ID).Counts.Notes; got != 2 {
			t.Errorf("Counts.Notes = %d, want 2", got)
		}
		wantCode(t, "CountNote(missing)", f.s.CountNote(f.ctx, "missing"), parley.ENOTFOUND)
	})
	t.Run("SetSanctions", func(t *testing.T) {
		f := newFixture(t, open)
		now := f.tick()
		sn := parley.Sanctions{WarnedAt: now.Add(-time.Hour), SuspendedUntil: now.Add(72 * time.Hour), BannedAt: now}
		if err := f.s.SetSanctions(f.ctx, f.user.ID, sn); err != nil {
			t.Fatal(err)
		}
		if got := f.userNow(f.user.ID).Sanctions; got != sn {
			t.Errorf("User: %+v, want %+v", got, sn)
		}
		u, err := f.s.UserByTokenHash(f.ctx, f.user.TokenHash)
		if err != nil || u.Sanctions != sn {
			t.Errorf("UserByTokenHash: %+v, %v; want %+v", u, err, sn)
		}
		us, err := f.s.UsersByID(f.ctx, []string{f.user.ID})
		if err != nil || us[f.user.ID].Sanctions != sn {
			t.Errorf("UsersByID: %v, %v", us, err)
		}
		if err := f.s.SetSanctions(f.ctx, f.user.ID, parley.Sanctions{}); err != nil {
			t.Fatal(err)
		}
		if got := f.userNow(f.user.ID).Sanctions; got != (parley.Sanctions{}) {
			t.Errorf("after lifting: %+v, want none", got)
		}
		wantCode(t, "SetSanctions(missing)", f.s.SetSanctions(f.ctx, "missing", sn), parley.ENOTFOUND)
	})
	t.Run("InUnit", func(t *testing.T) {
		f := newFixture(t, open)
		c := f.mustComment(nil, parley.StatusApproved)
		boom := errors.New("boom")
		err := f.s.Update(f.ctx, func(tx parley.Tx) error {
			if err := tx.SetSanctions(f.ctx, f.user.ID, parley.Sanctions{BannedAt: f.tick()}); err != nil {
				return err
			}
			if err := tx.CountNote(f.ctx, f.user.ID); err != nil {
				return err
			}
			if err := tx.SetFeatured(f.ctx, c.ID, true); err != nil {
				return err
			}
			if err := tx.ReviewComment(f.ctx, c.ID, f.tick()); err != nil {
				return err
			}
			if u, err := tx.User(f.ctx, f.user.ID); err != nil || !u.Sanctions.Banned() || u.Counts.Notes != 1 {
				t.Errorf("the unit does not read its own writes: %+v, %v", u, err)
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("Update = %v, want boom", err)
		}
		if u := f.userNow(f.user.ID); u.Sanctions != (parley.Sanctions{}) || u.Counts.Notes != 0 {
			t.Errorf("a rolled back unit left %+v, %+v", u.Sanctions, u.Counts)
		}
		if got := f.get(c.ID); got.Featured {
			t.Error("a rolled back unit left the comment featured")
		}
	})
}

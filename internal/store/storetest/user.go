package storetest

import (
	"testing"

	"parley"
)

func testUsers(t *testing.T, open Opener) {
	t.Run("RoundTrip", func(t *testing.T) {
		f := newFixture(t, open)
		got, err := f.s.User(f.ctx, f.user.ID)
		if err != nil {
			t.Fatal(err)
		}
		if d := diff(f.user, got); d != "" {
			t.Errorf("User (-want +got):\n%s", d)
		}
		got, err = f.s.UserByTokenHash(f.ctx, f.user.TokenHash)
		if err != nil {
			t.Fatal(err)
		}
		if d := diff(f.user, got); d != "" {
			t.Errorf("UserByTokenHash (-want +got):\n%s", d)
		}
	})
	t.Run("Conflict", func(t *testing.T) {
		f := newFixture(t, open)
		sameID := *f.user
		sameID.TokenHash = "another-hash"
		wantCode(t, "CreateUser(same ID)", f.s.CreateUser(f.ctx, &sameID), parley.ECONFLICT)
		sameHash := *f.user
		sameHash.ID = parley.NewID(f.tick())
		wantCode(t, "CreateUser(same token hash)", f.s.CreateUser(f.ctx, &sameHash), parley.ECONFLICT)
		if _, err := f.s.User(f.ctx, sameHash.ID); parley.ErrorCode(err) != parley.ENOTFOUND {
			t.Errorf("user with a conflicting token hash was stored: err = %v", err)
		}
	})
	t.Run("NotFound", func(t *testing.T) {
		f := newFixture(t, open)
		_, err := f.s.User(f.ctx, "missing")
		wantCode(t, "User(missing)", err, parley.ENOTFOUND)
		_, err = f.s.UserByTokenHash(f.ctx, "missing")
		wantCode(t, "UserByTokenHash(missing)", err, parley.ENOTFOUND)
	})
}

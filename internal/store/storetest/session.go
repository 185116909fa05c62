package storetest

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"parley"
)

// testSessions checks sessions, identities, token IDs and the profile
// fields of users, which signing in relies on.
func testSessions(t *testing.T, open Opener) {
	t.Run("SessionLifecycle", func(t *testing.T) {
		f := newFixture(t, open)
		_, hash := parley.NewSessionToken()
		at := f.tick()
		se := &parley.Session{Hash: hash, UserID: f.user.ID, SiteID: f.site.ID, Method: "sso", CreatedAt: at, ExpiresAt: at.Add(time.Hour)}
		if err := f.s.CreateSession(f.ctx, se); err != nil {
			t.Fatal(err)
		}
		if err := f.s.CreateSession(f.ctx, se); parley.ErrorCode(err) != parley.ECONFLICT {
			t.Fatalf("CreateSession again = %v, want conflict", err)
		}
		got, u, err := f.s.Session(f.ctx, hash)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(se, got); diff != "" {
			t.Errorf("Session (-want +got):\n%s", diff)
		}
		if u.ID != f.user.ID || u.Name != f.user.Name {
			t.Errorf("Session user = %+v, want %+v", u, f.user)
		}
		later := at.Add(48 * time.Hour)
		if err := f.s.ExtendSession(f.ctx, hash, later); err != nil {
			t.Fatal(err)
		}
		if got, _, _ := f.s.Session(f.ctx, hash); !got.ExpiresAt.Equal(later) {
			t.Errorf("ExpiresAt after ExtendSession = %v, want %v", got.ExpiresAt, later)
		}
		if err := f.s.ExtendSession(f.ctx, "nope", later); parley.ErrorCode(err) != parley.ENOTFOUND {
			t.Errorf("ExtendSession(unknown) = %v, want not_found", err)
		}
		if err := f.s.DeleteSession(f.ctx, hash); err != nil {
			t.Fatal(err)
		}
		if err := f.s.DeleteSession(f.ctx, hash); err != nil {
			t.Fatalf("DeleteSession twice = %v, want nil", err)
		}
		if _, _, err := f.s.Session(f.ctx, hash); parley.ErrorCode(err) != parley.ENOTFOUND {
			t.Fatalf("Session after delete = %v, want not_found", err)
		}
		if err := f.s.CreateSession(f.ctx, &parley.Session{Hash: "x", UserID: "ghost", SiteID: f.site.ID, Method: "sso", CreatedAt: at, ExpiresAt: at}); parley.ErrorCode(err) != parley.ENOTFOUND {
			t.Errorf("CreateSession(unknown user) = %v, want not_found", err)
		}
	})
	t.Run("DeleteUserSessions", func(t *testing.T) {
		f := newFixture(t, open)
		other := f.mustUser("Grace")
		at := f.tick()
		var hashes []string
		for _, u := range []*parley.User{f.user, f.user, other} {
			_, h := parley.NewSessionToken()
			hashes = append(hashes, h)
			if err := f.s.CreateSession(f.ctx, &parley.Session{Hash: h, UserID: u.ID, SiteID: f.site.ID, Method: "sso", CreatedAt: at, ExpiresAt: at.Add(time.Hour)}); err != nil {
				t.Fatal(err)
			}
		}
		if n, err := f.s.DeleteUserSessions(f.ctx, f.user.ID); n != 2 || err != nil {
			t.Fatalf("DeleteUserSessions = %d, %v; want 2", n, err)
		}
		if _, _, err := f.s.Session(f.ctx, hashes[2]); err != nil {
			t.Errorf("another user's session after DeleteUserSessions: %v", err)
		}
	})
	t.Run("Identity", func(t *testing.T) {
		f := newFixture(t, open)
		at := f.tick()
		if _, err := f.s.IdentityUser(f.ctx, f.site.ID, "sso:42"); parley.ErrorCode(err) != parley.ENOTFOUND {
			t.Fatalf("IdentityUser before = %v, want not_found", err)
		}
		if err := f.s.CreateIdentity(f.ctx, f.site.ID, "sso:42", f.user.ID, at); err != nil {
			t.Fatal(err)
		}
		if err := f.s.CreateIdentity(f.ctx, f.site.ID, "sso:42", f.mustUser("Eve").ID, at); parley.ErrorCode(err) != parley.ECONFLICT {
			t.Fatalf("CreateIdentity of a taken subject = %v, want conflict", err)
		}
		u, err := f.s.IdentityUser(f.ctx, f.site.ID, "sso:42")
		if err != nil || u.ID != f.user.ID {
			t.Fatalf("IdentityUser = %+v, %v; want %s", u, err, f.user.ID)
		}
		other := f.mustSite("other")
		if _, err := f.s.IdentityUser(f.ctx, other.ID, "sso:42"); parley.ErrorCode(err) != parley.ENOTFOUND {
			t.Errorf("IdentityUser on another site = %v, want not_found", err)
		}
	})
	t.Run("UserProfile", func(t *testing.T) {
		f := newFixture(t, open)
		u := *f.user
		u.Name, u.Email, u.Badges, u.Role = "Ada L.", "ada@example.org", []string{"subscriber"}, parley.RoleModerator
		if err := f.s.UpdateUser(f.ctx, &u); err != nil {
			t.Fatal(err)
		}
		got, err := f.s.User(f.ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(&u, got); diff != "" {
			t.Errorf("User after UpdateUser (-want +got):\n%s", diff)
		}
		if err := f.s.UpdateUser(f.ctx, &parley.User{ID: "ghost"}); parley.ErrorCode(err) != parley.ENOTFOUND {
			t.Errorf("UpdateUser(unknown) = %v, want not_found", err)
		}
		if f.user.UserRole() != parley.RoleCommenter {
			t.Errorf("a new user's role = %v, want commenter", f.user.UserRole())
		}
	})
	t.Run("TokenID", func(t *testing.T) {
		f := newFixture(t, open)
		now := f.tick()
		if err := f.s.UseTokenID(f.ctx, f.site.ID, "j1", now.Add(time.Minute), now); err != nil {
			t.Fatal(err)
		}
		if err := f.s.UseTokenID(f.ctx, f.site.ID, "j1", now.Add(time.Minute), now.Add(time.Second)); parley.ErrorCode(err) != parley.ECONFLICT {
			t.Fatalf("UseTokenID replayed = %v, want conflict", err)
		}
		if err := f.s.UseTokenID(f.ctx, f.mustSite("other").ID, "j1", now.Add(time.Minute), now); err != nil {
			t.Fatalf("UseTokenID on another site = %v, want nil", err)
		}
		if err := f.s.UseTokenID(f.ctx, f.site.ID, "j1", now.Add(time.Hour), now.Add(time.Minute)); err != nil {
			t.Fatalf("UseTokenID after the record expired = %v, want nil", err)
		}
	})
	t.Run("TokenIDConcurrent", func(t *testing.T) {
		f := newFixture(t, open)
		now := f.tick()
		var wg sync.WaitGroup
		errs := make([]error, 8)
		for i := range errs {
			wg.Go(func() { errs[i] = f.s.UseTokenID(f.ctx, f.site.ID, "race", now.Add(time.Minute), now) })
		}
		wg.Wait()
		won := 0
		for _, err := range errs {
			switch parley.ErrorCode(err) {
			case "":
				won++
			case parley.ECONFLICT:
			default:
				t.Errorf("UseTokenID = %v", err)
			}
		}
		if won != 1 {
			t.Errorf("%d of 8 concurrent uses of one jti succeeded, want 1", won)
		}
	})
	t.Run("PurgeExpired", func(t *testing.T) {
		f := newFixture(t, open)
		now := f.tick()
		for i, end := range []time.Time{now.Add(-time.Second), now.Add(time.Hour)} {
			_, h := parley.NewSessionToken()
			if err := f.s.CreateSession(f.ctx, &parley.Session{Hash: h, UserID: f.user.ID, SiteID: f.site.ID, Method: "sso", CreatedAt: now, ExpiresAt: end}); err != nil {
				t.Fatal(err)
			}
			if err := f.s.UseTokenID(f.ctx, f.site.ID, fmt.Sprint("j", i), end, now.Add(-time.Hour)); err != nil {
				t.Fatal(err)
			}
		}
		if n, err := f.s.PurgeExpired(f.ctx, now); n != 2 || err != nil {
			t.Fatalf("PurgeExpired = %d, %v; want 2 (one session, one token ID)", n, err)
		}
		if n, err := f.s.DeleteUserSessions(f.ctx, f.user.ID); n != 1 || err != nil {
			t.Errorf("sessions left after the purge = %d, %v; want the live one", n, err)
		}
		if err := f.s.UseTokenID(f.ctx, f.site.ID, "j1", now.Add(time.Hour), now); parley.ErrorCode(err) != parley.ECONFLICT {
			t.Errorf("the live token ID after the purge: UseTokenID = %v, want conflict", err)
		}
	})
	t.Run("SiteSettings", func(t *testing.T) {
		f := newFixture(t, open)
		s := *f.site
		s.SessionTTL = 7 * 24 * time.Hour
		s.SSO = parley.SSO{Secrets: []parley.SSOSecret{{KID: "a", Secret: "0123456789abcdef0123456789abcdef"}}, JWKSURL: "https://pub.example/jwks.json", Issuer: "pub", Roles: true}
		if err := f.s.UpdateSite(f.ctx, &s); err != nil {
			t.Fatal(err)
		}
		got, err := f.s.Site(f.ctx, s.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(&s, got, equateEmpty); diff != "" {
			t.Errorf("Site after UpdateSite (-want +got):\n%s", diff)
		}
	})
}

package storetest

import (
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"parley"
)

// testSignIns checks sign-in links and codes, which must be single use on
// every backend and under concurrency, the count the rate limit per
// address relies on, and the site setting and role lookup beside them.
func testSignIns(t *testing.T, open Opener) {
	t.Run("Link", func(t *testing.T) {
		f := newFixture(t, open)
		l := f.mustLink("ada@example.org", f.tick())
		got, err := f.s.SignInLink(f.ctx, l.Hash)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(l, got); diff != "" {
			t.Errorf("SignInLink (-want +got):\n%s", diff)
		}
		if err := f.s.CreateSignInLink(f.ctx, l); parley.ErrorCode(err) != parley.ECONFLICT {
			t.Errorf("CreateSignInLink again = %v, want conflict", err)
		}
		at := l.CreatedAt.Add(time.Minute)
		used, err := f.s.UseSignInLink(f.ctx, l.Hash, at)
		if err != nil {
			t.Fatal(err)
		}
		want := *l
		want.UsedAt = at
		if diff := cmp.Diff(&want, used); diff != "" {
			t.Errorf("UseSignInLink (-want +got):\n%s", diff)
		}
		if _, err := f.s.UseSignInLink(f.ctx, l.Hash, at); parley.ErrorCode(err) != parley.ENOTFOUND {
			t.Errorf("UseSignInLink twice = %v, want not_found", err)
		}
		if got, err := f.s.SignInLink(f.ctx, l.Hash); err != nil || !got.UsedAt.Equal(at) {
			t.Errorf("SignInLink after use = %+v, %v; want UsedAt %v", got, err, at)
		}
		if _, err := f.s.SignInLink(f.ctx, "nope"); parley.ErrorCode(err) != parley.ENOTFOUND {
			t.Errorf("SignInLink(unknown) = %v, want not_found", err)
		}
		late := f.mustLink("ada@example.org", f.tick())
		if _, err := f.s.UseSignInLink(f.ctx, late.Hash, late.ExpiresAt); parley.ErrorCode(err) != parley.ENOTFOUND {
			t.Errorf("UseSignInLink at its expiry = %v, want not_found", err)
		}
	})
	t.Run("LinkConcurrent", func(t *testing.T) {
		f := newFixture(t, open)
		l := f.mustLink("race@example.org", f.tick())
		won := race(t, func() error {
			return f.s.Update(f.ctx, func(tx parley.Tx) error {
				_, err := tx.UseSignInLink(f.ctx, l.Hash, l.CreatedAt.Add(time.Second))
				return err
			})
		})
		if won != 1 {
			t.Errorf("%d of 8 concurrent uses of one link succeeded, want 1", won)
		}
	})
	t.Run("Count", func(t *testing.T) {
		f := newFixture(t, open)
		first := f.tick()
		f.mustLink("ada@example.org", first)
		f.mustLink("ada@example.org", f.tick())
		f.mustLink("grace@example.org", f.tick())
		n, oldest, err := f.s.CountSignInLinks(f.ctx, addressKey("ada@example.org"), first.Add(-time.Millisecond))
		if n != 2 || !oldest.Equal(first) || err != nil {
			t.Errorf("CountSignInLinks = %d, %v, %v; want 2, %v", n, oldest, err, first)
		}
		n, oldest, err = f.s.CountSignInLinks(f.ctx, addressKey("ada@example.org"), first)
		if n != 1 || err != nil {
			t.Errorf("CountSignInLinks after the first = %d, %v; want 1 (made after since)", n, err)
		}
		n, oldest, err = f.s.CountSignInLinks(f.ctx, addressKey("ada@example.org"), f.tick())
		if n != 0 || !oldest.IsZero() || err != nil {
			t.Errorf("CountSignInLinks after the window = %d, %v, %v; want 0, zero", n, oldest, err)
		}
	})
	t.Run("Code", func(t *testing.T) {
		f := newFixture(t, open)
		at := f.tick()
		_, hash := parley.NewSignInCode()
		c := &parley.SignInCode{Hash: hash, SiteID: f.site.ID, UserID: f.user.ID, Method: parley.MethodEmail, CreatedAt: at, ExpiresAt: at.Add(parley.SignInCodeTTL)}
		if err := f.s.CreateSignInCode(f.ctx, c); err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.UseSignInCode(f.ctx, f.mustSite("other").ID, hash, at); parley.ErrorCode(err) != parley.ENOTFOUND {
			t.Errorf("UseSignInCode on another site = %v, want not_found", err)
		}
		got, err := f.s.UseSignInCode(f.ctx, f.site.ID, hash, at)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(c, got); diff != "" {
			t.Errorf("UseSignInCode (-want +got):\n%s", diff)
		}
		if _, err := f.s.UseSignInCode(f.ctx, f.site.ID, hash, at); parley.ErrorCode(err) != parley.ENOTFOUND {
			t.Errorf("UseSignInCode twice = %v, want not_found", err)
		}
		_, late := parley.NewSignInCode()
		if err := f.s.CreateSignInCode(f.ctx, &parley.SignInCode{Hash: late, SiteID: f.site.ID, UserID: f.user.ID, Method: "email", CreatedAt: at, ExpiresAt: at.Add(time.Minute)}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.UseSignInCode(f.ctx, f.site.ID, late, at.Add(time.Minute)); parley.ErrorCode(err) != parley.ENOTFOUND {
			t.Errorf("UseSignInCode at its expiry = %v, want not_found", err)
		}
		if err := f.s.CreateSignInCode(f.ctx, &parley.SignInCode{Hash: "x", SiteID: f.site.ID, UserID: "ghost", Method: "email", CreatedAt: at, ExpiresAt: at}); parley.ErrorCode(err) != parley.ENOTFOUND {
			t.Errorf("CreateSignInCode(unknown user) = %v, want not_found", err)
		}
	})
	t.Run("CodeConcurrent", func(t *testing.T) {
		f := newFixture(t, open)
		at := f.tick()
		_, hash := parley.NewSignInCode()
		if err := f.s.CreateSignInCode(f.ctx, &parley.SignInCode{Hash: hash, SiteID: f.site.ID, UserID: f.user.ID, Method: "email", CreatedAt: at, ExpiresAt: at.Add(time.Minute)}); err != nil {
			t.Fatal(err)
		}
		won := race(t, func() error {
			_, err := f.s.UseSignInCode(f.ctx, f.site.ID, hash, at)
			return err
		})
		if won != 1 {
			t.Errorf("%d of 8 concurrent uses of one code succeeded, want 1", won)
		}
	})
	t.Run("Purge", func(t *testing.T) {
		f := newFixture(t, open)
		old := f.mustLink("ada@example.org", f.tick())
		now := old.ExpiresAt.Add(time.Second)
		live := f.mustLink("ada@example.org", now)
		_, hash := parley.NewSignInCode()
		if err := f.s.CreateSignInCode(f.ctx, &parley.SignInCode{Hash: hash, SiteID: f.site.ID, UserID: f.user.ID, Method: "email", CreatedAt: old.CreatedAt, ExpiresAt: old.CreatedAt.Add(time.Minute)}); err != nil {
			t.Fatal(err)
		}
		if n, err := f.s.PurgeSignIns(f.ctx, now); n != 2 || err != nil {
			t.Fatalf("PurgeSignIns = %d, %v; want 2 (a link and a code)", n, err)
		}
		if _, err := f.s.SignInLink(f.ctx, live.Hash); err != nil {
			t.Errorf("the live link after the purge: %v", err)
		}
	})
	t.Run("UsersByRole", func(t *testing.T) {
		f := newFixture(t, open)
		a, b := *f.mustUser("Admin A"), *f.mustUser("Admin B")
		for _, u := range []*parley.User{&a, &b} {
			u.Role = parley.RoleAdmin
			if err := f.s.UpdateUser(f.ctx, u); err != nil {
				t.Fatal(err)
			}
		}
		got, err := f.s.UsersByRole(f.ctx, f.site.ID, parley.RoleAdmin, 10)
		if err != nil || len(got) != 2 || got[0].ID != a.ID || got[1].ID != b.ID {
			t.Fatalf("UsersByRole(admin) = %v, %v; want %s, %s", got, err, a.ID, b.ID)
		}
		if got, err := f.s.UsersByRole(f.ctx, f.site.ID, parley.RoleAdmin, 1); err != nil || len(got) != 1 {
			t.Errorf("UsersByRole(admin, 1) = %v, %v; want one", got, err)
		}
		if got, err := f.s.UsersByRole(f.ctx, f.mustSite("other").ID, parley.RoleAdmin, 10); err != nil || len(got) != 0 {
			t.Errorf("UsersByRole on another site = %v, %v; want none", got, err)
		}
	})
	t.Run("SiteSetting", func(t *testing.T) {
		f := newFixture(t, open)
		if f.site.EmailSignIn.Off {
			t.Fatal("a new site has e-mail sign-in off")
		}
		s := *f.site
		s.EmailSignIn.Off = true
		if err := f.s.UpdateSite(f.ctx, &s); err != nil {
			t.Fatal(err)
		}
		if got, err := f.s.Site(f.ctx, s.ID); err != nil || !got.EmailSignIn.Off {
			t.Errorf("Site after turning e-mail sign-in off = %+v, %v", got, err)
		}
	})
}

// mustLink stores a link for address made at.
func (f *fixture) mustLink(address string, at time.Time) *parley.SignInLink {
	f.t.Helper()
	_, hash := parley.NewSignInLinkToken()
	l := &parley.SignInLink{Hash: hash, SiteID: f.site.ID, Email: address, AddressKey: addressKey(address),
		Return: "https://news.example/a?b=1", Lang: "de", CreatedAt: at, ExpiresAt: at.Add(parley.SignInLinkTTL)}
	if err := f.s.CreateSignInLink(f.ctx, l); err != nil {
		f.t.Fatalf("CreateSignInLink: %v", err)
	}
	return l
}

// addressKey stands in for the service's keyed hash.
func addressKey(address string) string { return "key:" + address }

// race runs use 8 times at once and returns how many succeeded; every
// failure must be not_found.
func race(t *testing.T, use func() error) int {
	t.Helper()
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Go(func() { errs[i] = use() })
	}
	wg.Wait()
	won := 0
	for _, err := range errs {
		switch parley.ErrorCode(err) {
		case "":
			won++
		case parley.ENOTFOUND:
		default:
			t.Errorf("concurrent use = %v", err)
		}
	}
	return won
}

package storetest

import (
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"parley"
)

// testPasskeys checks passkeys, their ceremonies and the site's passkey
// settings, which WebAuthn sign-in relies on.
func testPasskeys(t *testing.T, open Opener) {
	t.Run("Lifecycle", func(t *testing.T) {
		f := newFixture(t, open)
		p := f.mustPasskey(f.user, "cred-1")
		got, err := f.s.PasskeyByCredential(f.ctx, f.site.ID, []byte("cred-1"))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(p, got); diff != "" {
			t.Errorf("PasskeyByCredential (-want +got):\n%s", diff)
		}
		if err := f.s.CreatePasskey(f.ctx, &parley.Passkey{ID: "other", UserID: f.user.ID, SiteID: f.site.ID,
			CredentialID: []byte("cred-1"), PublicKey: []byte("k"), Name: "again", CreatedAt: f.tick()}); parley.ErrorCode(err) != parley.ECONFLICT {
			t.Errorf("CreatePasskey(same credential) = %v, want conflict", err)
		}
		if err := f.s.CreatePasskey(f.ctx, &parley.Passkey{ID: "ghostly", UserID: "ghost", SiteID: f.site.ID,
			CredentialID: []byte("cred-g"), PublicKey: []byte("k"), Name: "ghost", CreatedAt: f.tick()}); parley.ErrorCode(err) != parley.ENOTFOUND {
			t.Errorf("CreatePasskey(unknown user) = %v, want not_found", err)
		}
		if _, err := f.s.PasskeyByCredential(f.ctx, "elsewhere", []byte("cred-1")); parley.ErrorCode(err) != parley.ENOTFOUND {
			t.Errorf("PasskeyByCredential(other site) = %v, want not_found", err)
		}
		used := f.tick()
		if err := f.s.UsePasskey(f.ctx, p.ID, 42, 0x1d, used); err != nil {
			t.Fatal(err)
		}
		got, _ = f.s.PasskeyByCredential(f.ctx, f.site.ID, []byte("cred-1"))
		if got.SignCount != 42 || got.Flags != 0x1d || !got.LastUsedAt.Equal(used) {
			t.Errorf("after UsePasskey: count %d, flags %#x, last used %v; want 42, 0x1d, %v", got.SignCount, got.Flags, got.LastUsedAt, used)
		}
		if err := f.s.UsePasskey(f.ctx, "nope", 1, 0, used); parley.ErrorCode(err) != parley.ENOTFOUND {
			t.Errorf("UsePasskey(unknown) = %v, want not_found", err)
		}
	})
	t.Run("ListAndDelete", func(t *testing.T) {
		f := newFixture(t, open)
		other := f.mustUser("Grace")
		a := f.mustPasskey(f.user, "cred-a")
		b := f.mustPasskey(f.user, "cred-b")
		f.mustPasskey(other, "cred-c")
		list, err := f.s.Passkeys(f.ctx, f.user.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]*parley.Passkey{a, b}, list); diff != "" {
			t.Errorf("Passkeys (-want +got):\n%s", diff)
		}
		if err := f.s.DeletePasskey(f.ctx, other.ID, a.ID); parley.ErrorCode(err) != parley.ENOTFOUND {
			t.Errorf("DeletePasskey(another user's) = %v, want not_found", err)
		}
		if err := f.s.DeletePasskey(f.ctx, f.user.ID, a.ID); err != nil {
			t.Fatal(err)
		}
		if err := f.s.DeletePasskey(f.ctx, f.user.ID, a.ID); parley.ErrorCode(err) != parley.ENOTFOUND {
			t.Errorf("DeletePasskey twice = %v, want not_found", err)
		}
		f.mustPasskey(f.user, "cred-d")
		if n, err := f.s.DeleteUserPasskeys(f.ctx, f.user.ID); n != 2 || err != nil {
			t.Errorf("DeleteUserPasskeys = %d, %v; want 2", n, err)
		}
		if list, _ := f.s.Passkeys(f.ctx, f.user.ID); len(list) != 0 {
			t.Errorf("passkeys left after DeleteUserPasskeys: %v", list)
		}
		if list, _ := f.s.Passkeys(f.ctx, other.ID); len(list) != 1 {
			t.Errorf("another user's passkeys after DeleteUserPasskeys: %d, want 1", len(list))
		}
	})
	t.Run("DeleteInUnit", func(t *testing.T) {
		f := newFixture(t, open)
		f.mustPasskey(f.user, "cred-u")
		err := f.s.Update(f.ctx, func(tx parley.Tx) error {
			if n, err := tx.DeleteUserPasskeys(f.ctx, f.user.ID); n != 1 || err != nil {
				t.Errorf("DeleteUserPasskeys in a unit = %d, %v; want 1", n, err)
			}
			return parley.Errorf(parley.ECONFLICT, "undo")
		})
		if parley.ErrorCode(err) != parley.ECONFLICT {
			t.Fatalf("Update = %v", err)
		}
		if list, _ := f.s.Passkeys(f.ctx, f.user.ID); len(list) != 1 {
			t.Errorf("an undone unit deleted passkeys: %d left, want 1", len(list))
		}
	})
	t.Run("Ceremony", func(t *testing.T) {
		f := newFixture(t, open)
		now := f.tick()
		_, hash := parley.NewCeremonyToken()
		c := &parley.Ceremony{Hash: hash, SiteID: f.site.ID, UserID: f.user.ID, Kind: parley.CeremonyRegister,
			Data: []byte(`{"challenge":"x"}`), ExpiresAt: now.Add(parley.CeremonyTTL)}
		if err := f.s.CreateCeremony(f.ctx, c, now); err != nil {
			t.Fatal(err)
		}
		if err := f.s.CreateCeremony(f.ctx, c, now); parley.ErrorCode(err) != parley.ECONFLICT {
			t.Errorf("CreateCeremony again = %v, want conflict", err)
		}
		got, err := f.s.TakeCeremony(f.ctx, hash)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(c, got); diff != "" {
			t.Errorf("TakeCeremony (-want +got):\n%s", diff)
		}
		if _, err := f.s.TakeCeremony(f.ctx, hash); parley.ErrorCode(err) != parley.ENOTFOUND {
			t.Errorf("TakeCeremony twice = %v, want not_found", err)
		}
	})
	t.Run("CeremonyTakenOnce", func(t *testing.T) {
		// Two instances finishing one ceremony at once: one gets it.
		f := newFixture(t, open)
		now := f.tick()
		_, hash := parley.NewCeremonyToken()
		if err := f.s.CreateCeremony(f.ctx, &parley.Ceremony{Hash: hash, SiteID: f.site.ID, Kind: parley.CeremonySignIn,
			Data: []byte(`{}`), ExpiresAt: now.Add(parley.CeremonyTTL)}, now); err != nil {
			t.Fatal(err)
		}
		const takers = 8
		errs := make(chan error, takers)
		var wg sync.WaitGroup
		for range takers {
			wg.Go(func() {
				_, err := f.s.TakeCeremony(f.ctx, hash)
				errs <- err
			})
		}
		wg.Wait()
		close(errs)
		won := 0
		for err := range errs {
			switch parley.ErrorCode(err) {
			case "":
				won++
			case parley.ENOTFOUND:
			default:
				t.Errorf("TakeCeremony: %v", err)
			}
		}
		if won != 1 {
			t.Errorf("%d of %d concurrent takers got the ceremony, want 1", won, takers)
		}
	})
	t.Run("CeremonyPurge", func(t *testing.T) {
		f := newFixture(t, open)
		now := f.tick()
		_, old := parley.NewCeremonyToken()
		if err := f.s.CreateCeremony(f.ctx, &parley.Ceremony{Hash: old, SiteID: f.site.ID, Kind: parley.CeremonySignIn,
			Data: []byte(`{}`), ExpiresAt: now.Add(time.Minute)}, now); err != nil {
			t.Fatal(err)
		}
		_, young := parley.NewCeremonyToken()
		later := now.Add(2 * time.Minute)
		if err := f.s.CreateCeremony(f.ctx, &parley.Ceremony{Hash: young, SiteID: f.site.ID, Kind: parley.CeremonySignIn,
			Data: []byte(`{}`), ExpiresAt: later.Add(time.Minute)}, later); err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.TakeCeremony(f.ctx, old); parley.ErrorCode(err) != parley.ENOTFOUND {
			t.Errorf("an expired ceremony outlived the next CreateCeremony: %v", err)
		}
		if _, err := f.s.TakeCeremony(f.ctx, young); err != nil {
			t.Errorf("the live ceremony: %v", err)
		}
	})
	t.Run("SiteSettings", func(t *testing.T) {
		f := newFixture(t, open)
		f.site.Passkeys = parley.Passkeys{RPID: "example", Staff: true}
		if err := f.s.UpdateSite(f.ctx, f.site); err != nil {
			t.Fatal(err)
		}
		got, err := f.s.Site(f.ctx, f.site.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Passkeys != f.site.Passkeys {
			t.Errorf("Passkeys = %+v, want %+v", got.Passkeys, f.site.Passkeys)
		}
	})
}

// mustPasskey stores a passkey of u with the given credential ID.
func (f *fixture) mustPasskey(u *parley.User, credentialID string) *parley.Passkey {
	f.t.Helper()
	at := f.tick()
	p := &parley.Passkey{ID: parley.NewID(at), UserID: u.ID, SiteID: u.SiteID, CredentialID: []byte(credentialID),
		PublicKey: []byte("cose-key-" + credentialID), SignCount: 7, Transports: []string{"internal", "hybrid"},
		AAGUID: []byte("0123456789abcdef"), Flags: 0x05, Name: "Phone " + credentialID, CreatedAt: at}
	if err := f.s.CreatePasskey(f.ctx, p); err != nil {
		f.t.Fatalf("CreatePasskey(%q): %v", credentialID, err)
	}
	return p
}

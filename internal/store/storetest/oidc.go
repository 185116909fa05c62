package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"parley"
)

// testOIDC checks the OIDC settings of a site and the sign-in flows, which
// must be single use on every backend.
func testOIDC(t *testing.T, open Opener) {
	t.Run("SiteSettings", func(t *testing.T) {
		f := newFixture(t, open)
		want := *f.site
		want.OIDC = parley.OIDC{Issuer: "https://login.example", ClientID: "parley", Secret: "s3cret", Name: "Example Login"}
		if err := f.s.UpdateSite(f.ctx, &want); err != nil {
			t.Fatal(err)
		}
		got, err := f.s.Site(f.ctx, want.ID)
		if err != nil {
			t.Fatal(err)
		}
		if d := diff(&want, got); d != "" {
			t.Errorf("after UpdateSite (-want +got):\n%s", d)
		}
		other := parley.Site{ID: "with-oidc", MaxBodyLength: 10, CreatedAt: f.tick(), OIDC: want.OIDC}
		if err := f.s.CreateSite(f.ctx, &other); err != nil {
			t.Fatal(err)
		}
		if got, err := f.s.Site(f.ctx, other.ID); err != nil || got.OIDC != other.OIDC {
			t.Errorf("Site(created with OIDC).OIDC = %+v, %v; want %+v", got.OIDC, err, other.OIDC)
		}
	})
	t.Run("FlowSingleUse", func(t *testing.T) {
		f := newFixture(t, open)
		fl := f.flow(f.tick())
		if err := f.s.CreateOIDCFlow(f.ctx, fl); err != nil {
			t.Fatal(err)
		}
		wantCode(t, "CreateOIDCFlow(same state)", f.s.CreateOIDCFlow(f.ctx, fl), parley.ECONFLICT)
		got, err := f.s.TakeOIDCFlow(f.ctx, fl.StateHash, f.tick())
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(fl, got); d != "" {
			t.Errorf("TakeOIDCFlow (-want +got):\n%s", d)
		}
		_, err = f.s.TakeOIDCFlow(f.ctx, fl.StateHash, f.tick())
		wantCode(t, "TakeOIDCFlow(taken)", err, parley.ENOTFOUND)
		_, err = f.s.TakeOIDCFlow(f.ctx, "unknown", f.tick())
		wantCode(t, "TakeOIDCFlow(unknown)", err, parley.ENOTFOUND)
	})
	t.Run("FlowExpires", func(t *testing.T) {
		f := newFixture(t, open)
		fl := f.flow(f.tick())
		if err := f.s.CreateOIDCFlow(f.ctx, fl); err != nil {
			t.Fatal(err)
		}
		_, err := f.s.TakeOIDCFlow(f.ctx, fl.StateHash, fl.ExpiresAt)
		wantCode(t, "TakeOIDCFlow(at its expiry)", err, parley.ENOTFOUND)
		_, err = f.s.TakeOIDCFlow(f.ctx, fl.StateHash, fl.CreatedAt)
		wantCode(t, "TakeOIDCFlow(expired, asked again)", err, parley.ENOTFOUND)
	})
	t.Run("CreatePurgesExpired", func(t *testing.T) {
		f := newFixture(t, open)
		old := f.flow(f.tick())
		if err := f.s.CreateOIDCFlow(f.ctx, old); err != nil {
			t.Fatal(err)
		}
		live := f.flow(f.tick())
		if err := f.s.CreateOIDCFlow(f.ctx, live); err != nil {
			t.Fatal(err)
		}
		later := f.flow(old.ExpiresAt.Add(time.Millisecond))
		if err := f.s.CreateOIDCFlow(f.ctx, later); err != nil {
			t.Fatal(err)
		}
		// Asked with a clock before its end, the old flow would be live:
		// only the purge can have removed it.
		_, err := f.s.TakeOIDCFlow(f.ctx, old.StateHash, old.CreatedAt)
		wantCode(t, "TakeOIDCFlow(purged)", err, parley.ENOTFOUND)
		if _, err := f.s.TakeOIDCFlow(f.ctx, live.StateHash, live.CreatedAt); err != nil {
			t.Errorf("TakeOIDCFlow(not yet expired at the purge) = %v", err)
		}
	})
	t.Run("TakeUndoneWithUnit", func(t *testing.T) {
		f := newFixture(t, open)
		fl := f.flow(f.tick())
		if err := f.s.CreateOIDCFlow(f.ctx, fl); err != nil {
			t.Fatal(err)
		}
		boom := errors.New("boom")
		err := f.s.Update(f.ctx, func(tx parley.Tx) error {
			if _, err := tx.TakeOIDCFlow(f.ctx, fl.StateHash, fl.CreatedAt); err != nil {
				return err
			}
			_, err := tx.TakeOIDCFlow(f.ctx, fl.StateHash, fl.CreatedAt)
			wantCode(t, "TakeOIDCFlow(taken in the unit)", err, parley.ENOTFOUND)
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("Update = %v, want boom", err)
		}
		if _, err := f.s.TakeOIDCFlow(f.ctx, fl.StateHash, fl.CreatedAt); err != nil {
			t.Errorf("TakeOIDCFlow after the unit was undone = %v, want the flow", err)
		}
	})
}

// flow returns a new flow on the fixture's site, created at.
func (f *fixture) flow(at time.Time) *parley.OIDCFlow {
	_, hash := parley.NewOIDCState()
	return &parley.OIDCFlow{StateHash: hash, SiteID: f.site.ID, Nonce: "n-" + hash[:8], Verifier: "v-" + hash[:16],
		Origin: "https://news.example", Lang: "de", CreatedAt: at, ExpiresAt: at.Add(parley.OIDCFlowTTL)}
}

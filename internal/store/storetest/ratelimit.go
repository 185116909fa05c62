package storetest

import (
	"testing"
	"time"

	"parley"
)

// testRateLimits checks that a site's posting limit round-trips: a site
// stored without one reads back as the default (the zero value), and one
// set, or turned off, reads back as it was set, from Site and Sites alike.
func testRateLimits(t *testing.T, open Opener) {
	f := newFixture(t, open)
	got, err := f.s.Site(f.ctx, f.site.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.RateLimit != (parley.RateLimit{}) {
		t.Errorf("RateLimit of a new site = %+v, want the zero value (the default)", got.RateLimit)
	}
	for _, want := range []parley.RateLimit{{Posts: 20, Per: 90 * time.Second}, {Off: true}} {
		f.site.RateLimit = want
		if err := f.s.UpdateSite(f.ctx, f.site); err != nil {
			t.Fatal(err)
		}
		got, err := f.s.Site(f.ctx, f.site.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.RateLimit != want {
			t.Errorf("Site: RateLimit = %+v, want %+v", got.RateLimit, want)
		}
		all, err := f.s.Sites(f.ctx)
		if err != nil || len(all) != 1 || all[0].RateLimit != want {
			t.Errorf("Sites = %v, %v; want one site with RateLimit %+v", all, err, want)
		}
	}
}

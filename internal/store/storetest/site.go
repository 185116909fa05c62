package storetest

import (
	"testing"
	"time"

	"parley"
)

func testSites(t *testing.T, open Opener) {
	t.Run("RoundTrip", func(t *testing.T) {
		f := newFixture(t, open)
		at := f.tick()
		tests := []parley.Site{
			{ID: "no-origins", Name: "", MaxBodyLength: 1, CreatedAt: at},
			{ID: "one", Name: "One", Origins: []string{"https://one.example"}, EditWindow: 90*time.Second + 250*time.Millisecond, MaxBodyLength: 500, CreatedAt: at},
			{ID: "many.origins", Name: "Zeitung für Ärzte", Origins: []string{"https://a.example", "http://localhost:8080"}, AllowAnonymous: true, EditWindow: 7 * 24 * time.Hour, MaxBodyLength: 100000, CreatedAt: at},
		}
		for _, want := range tests {
			if err := f.s.CreateSite(f.ctx, &want); err != nil {
				t.Fatalf("CreateSite(%s): %v", want.ID, err)
			}
			got, err := f.s.Site(f.ctx, want.ID)
			if err != nil {
				t.Fatalf("Site(%s): %v", want.ID, err)
			}
			if d := diff(&want, got); d != "" {
				t.Errorf("Site(%s) mismatch (-want +got):\n%s", want.ID, d)
			}
		}
	})
	t.Run("Conflict", func(t *testing.T) {
		f := newFixture(t, open)
		dup := *f.site
		dup.Name = "Other"
		wantCode(t, "CreateSite(duplicate)", f.s.CreateSite(f.ctx, &dup), parley.ECONFLICT)
		got, err := f.s.Site(f.ctx, f.site.ID)
		if err != nil {
			t.Fatal(err)
		}
		if d := diff(f.site, got); d != "" {
			t.Errorf("site changed by a conflicting create (-want +got):\n%s", d)
		}
	})
	t.Run("Update", func(t *testing.T) {
		f := newFixture(t, open)
		want := *f.site
		want.Name, want.Origins, want.AllowAnonymous = "Renamed", []string{"https://x.example", "https://y.example"}, true
		want.EditWindow, want.MaxBodyLength = 1500*time.Millisecond, 42
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
		want.Origins = nil
		if err := f.s.UpdateSite(f.ctx, &want); err != nil {
			t.Fatal(err)
		}
		if got, _ = f.s.Site(f.ctx, want.ID); got == nil || len(got.Origins) != 0 {
			t.Errorf("origins after clearing = %v, want none", got)
		}
	})
	t.Run("NotFound", func(t *testing.T) {
		f := newFixture(t, open)
		_, err := f.s.Site(f.ctx, "missing")
		wantCode(t, "Site(missing)", err, parley.ENOTFOUND)
		missing := *f.site
		missing.ID = "missing"
		wantCode(t, "UpdateSite(missing)", f.s.UpdateSite(f.ctx, &missing), parley.ENOTFOUND)
	})
	t.Run("List", func(t *testing.T) {
		s := open(t)
		got, err := s.Sites(t.Context())
		if err != nil || len(got) != 0 {
			t.Fatalf("Sites on an empty store = %v, %v; want none", got, err)
		}
		at := parley.Now()
		var want []*parley.Site
		for _, id := range []string{"b", "c", "a", "a2"} {
			site := &parley.Site{ID: id, Name: id, MaxBodyLength: 10, CreatedAt: at}
			if err := s.CreateSite(t.Context(), site); err != nil {
				t.Fatal(err)
			}
			want = append(want, site)
		}
		want = []*parley.Site{want[2], want[3], want[0], want[1]}
		got, err = s.Sites(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if d := diff(want, got); d != "" {
			t.Errorf("Sites (-want +got):\n%s", d)
		}
	})
}

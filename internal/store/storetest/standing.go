package storetest

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"parley"
)

// testStandings: only staff roles and badges come back, for the named
// users of the site alone, and a change of role or badges is read at once.
func testStandings(t *testing.T, open Opener) {
	f := newFixture(t, open)
	commenter := f.user
	staff, mod, badged := f.mustUser("Sam"), f.mustUser("Mo"), f.mustUser("Bea")
	staff.Role, mod.Role, badged.Badges = parley.RoleStaff, parley.RoleModerator, []string{"subscriber", "<b>founder</b>"}
	for _, u := range []*parley.User{staff, mod, badged} {
		if err := f.s.UpdateUser(f.ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	other := f.mustSite("other")
	foreign := &parley.User{ID: parley.NewID(f.tick()), SiteID: other.ID, Name: "Fox", Role: parley.RoleAdmin, CreatedAt: f.now}
	if err := f.s.CreateUser(f.ctx, foreign); err != nil {
		t.Fatal(err)
	}
	ids := []string{commenter.ID, staff.ID, mod.ID, badged.ID, foreign.ID, "nobody", staff.ID}
	got, err := f.s.Standings(f.ctx, f.site.ID, ids)
	if err != nil {
		t.Fatalf("Standings: %v", err)
	}
	want := map[string]parley.Standing{
		staff.ID:  {Role: parley.RoleStaff},
		mod.ID:    {Role: parley.RoleModerator},
		badged.ID: {Badges: []string{"subscriber", "<b>founder</b>"}},
	}
	if diff := cmp.Diff(want, got, equateEmpty); diff != "" {
		t.Errorf("Standings (-want +got):\n%s", diff)
	}

	staff.Role, badged.Badges = parley.RoleCommenter, nil
	for _, u := range []*parley.User{staff, badged} {
		if err := f.s.UpdateUser(f.ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	got, err = f.s.Standings(f.ctx, f.site.ID, ids)
	if err != nil {
		t.Fatalf("Standings after the change: %v", err)
	}
	if diff := cmp.Diff(map[string]parley.Standing{mod.ID: {Role: parley.RoleModerator}}, got, equateEmpty); diff != "" {
		t.Errorf("Standings after the change (-want +got):\n%s", diff)
	}

	if got, err := f.s.Standings(f.ctx, f.site.ID, nil); err != nil || len(got) != 0 {
		t.Errorf("Standings(none) = %v, %v; want an empty map", got, err)
	}
	if _, err := f.s.Standings(f.ctx, f.site.ID, make([]string, parley.MaxStandings+1)); parley.ErrorCode(err) != parley.EINVALID {
		t.Errorf("Standings(%d IDs): %v, want EINVALID", parley.MaxStandings+1, err)
	}
}

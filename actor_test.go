package parley_test

import (
	"strings"
	"testing"

	"parley"
)

// TestRoles: roles are ordered as documented, each name parses back to its
// role, and nobody can be given "none" or a name of our own invention.
func TestRoles(t *testing.T) {
	order := []parley.Role{parley.RoleNone, parley.RoleCommenter, parley.RoleStaff, parley.RoleModerator, parley.RoleAdmin}
	for i := 1; i < len(order); i++ {
		if order[i-1] >= order[i] {
			t.Errorf("%s is not below %s", order[i-1], order[i])
		}
		got, err := parley.ParseRole(order[i].String())
		if err != nil || got != order[i] {
			t.Errorf("ParseRole(%q) = %v, %v", order[i].String(), got, err)
		}
	}
	for _, s := range []string{"none", "", "Admin", "root", "moderator "} {
		if r, err := parley.ParseRole(s); parley.ErrorCode(err) != parley.EINVALID {
			t.Errorf("ParseRole(%q) = %v, %v; want invalid", s, r, err)
		}
	}
	if s := parley.Role(99).String(); s != "Role(99)" {
		t.Errorf("an unknown role prints as %q", s)
	}
}

// TestRoleOn: a role holds on its own site only, and an anonymous caller
// has none anywhere.
func TestRoleOn(t *testing.T) {
	mod := &parley.Actor{User: &parley.User{ID: "u"}, SiteID: "news", Role: parley.RoleModerator}
	if got := mod.RoleOn("news"); got != parley.RoleModerator {
		t.Errorf("on their site: %s", got)
	}
	if got := mod.RoleOn("other"); got != parley.RoleNone {
		t.Errorf("a moderator of news on another site: %s, want none", got)
	}
	var anonymous *parley.Actor
	if got := anonymous.RoleOn("news"); got != parley.RoleNone {
		t.Errorf("anonymous: %s", got)
	}
}

func TestCommenterTokens(t *testing.T) {
	a, hash := parley.NewCommenterToken()
	b, _ := parley.NewCommenterToken()
	if a == b || !parley.WellFormedCommenterToken(a) || hash != parley.HashCommenterToken(a) || len(hash) != 64 {
		t.Fatalf("NewCommenterToken: %q %q (hash %q)", a, b, hash)
	}
	for _, s := range []string{"", "pct_", a[:len(a)-1], a + "A", strings.Replace(a, "pct_", "pst_", 1), a[:len(a)-1] + "=", a[:len(a)-1] + "\xff", "pct_" + strings.Repeat("é", 21) + "a"} {
		if parley.WellFormedCommenterToken(s) {
			t.Errorf("WellFormedCommenterToken(%q) = true", s)
		}
	}
	if !parley.IsCommenterToken("pct_x") || parley.IsCommenterToken("pss_x") {
		t.Error("IsCommenterToken goes by the prefix")
	}
}

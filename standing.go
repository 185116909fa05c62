package parley

import (
	"context"
	"encoding/json"
)

// Standing is what the public thread shows of a comment's author beside
// their name: a staff role and the badges their publisher gave them. It is
// read from the user when a page is made, never copied into the comment,
// so that a role granted or taken away shows on every old comment as soon
// as the page is made again.
type Standing struct {
	// Role is RoleStaff, RoleModerator or RoleAdmin; RoleNone for a
	// commenter, whose role the thread does not show.
	Role   Role
	Badges []string
}

// MaxStandings bounds the users of one Standings call: a page's authors.
const MaxStandings = 1000

// Standings reads what the public thread shows of authors.
type Standings interface {
	// Standings returns the Standing of each user of siteID named in
	// userIDs who has a staff role (staff, moderator, admin) or badges;
	// every other user, and every unknown ID, is left out, so that a page
	// of commenters costs a map of nothing. EINVALID for more than
	// MaxStandings IDs.
	Standings(ctx context.Context, siteID string, userIDs []string) (map[string]Standing, error)
}

// Staff reports whether r is shown beside a name: staff and above.
func (r Role) Staff() bool { return r >= RoleStaff }

// ParseStanding reads a standing as both stores keep its parts: the role's
// name and the badges as a JSON array. A commenter's role reads as
// RoleNone, which the thread does not show.
func ParseStanding(role, badges string) (Standing, error) {
	var st Standing
	if err := json.Unmarshal([]byte(badges), &st.Badges); err != nil {
		return Standing{}, Errorf(EINTERNAL, "The badges are not a JSON array of strings.")
	}
	if len(st.Badges) == 0 {
		st.Badges = nil
	}
	if r, err := ParseRole(role); err == nil && r.Staff() {
		st.Role = r
	}
	return st, nil
}

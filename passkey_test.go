package parley

import "testing"

func TestSitePasskeyRPID(t *testing.T) {
	tests := []struct {
		origins []string
		rpID    string
		want    string
		valid   bool
	}{
		{[]string{"https://www.news.example"}, "", "www.news.example", true},
		{[]string{"https://www.news.example"}, "news.example", "news.example", true},
		{[]string{"https://www.news.example"}, "www.news.example", "www.news.example", true},
		{[]string{"http://localhost:8080"}, "localhost", "localhost", true},
		{[]string{"https://www.news.example"}, "example", "example", false},
		{[]string{"https://www.news.example"}, "ews.example", "ews.example", false},
		{[]string{"https://www.news.example"}, "other.example", "other.example", false},
		{[]string{"https://www.news.example"}, "News.example", "News.example", false},
		{nil, "", "", true},
		{nil, "news.example", "news.example", false},
	}
	for _, tt := range tests {
		s := &Site{Origins: tt.origins, Passkeys: Passkeys{RPID: tt.rpID}}
		if got := s.PasskeyRPID(); got != tt.want {
			t.Errorf("%v %q: PasskeyRPID = %q, want %q", tt.origins, tt.rpID, got, tt.want)
		}
		if got := s.validRPID(); got != tt.valid {
			t.Errorf("%v %q: validRPID = %t, want %t", tt.origins, tt.rpID, got, tt.valid)
		}
	}
}

func TestActingRole(t *testing.T) {
	mod := &User{Role: RoleModerator}
	reader := &User{}
	strict := &Site{Passkeys: Passkeys{Staff: true}}
	lax := &Site{}
	for _, tt := range []struct {
		site   *Site
		user   *User
		method string
		want   Role
	}{
		{strict, mod, "email", RoleCommenter},
		{strict, mod, "sso", RoleCommenter},
		{strict, mod, MethodPasskey, RoleModerator},
		{strict, reader, "email", RoleCommenter},
		{lax, mod, "email", RoleModerator},
		{lax, &User{Role: RoleStaff}, "sso", RoleStaff},
		{strict, &User{Role: RoleAdmin}, "oidc", RoleCommenter},
	} {
		if got := tt.site.ActingRole(tt.user, tt.method); got != tt.want {
			t.Errorf("staff-passkey %t, %v by %s: ActingRole = %v, want %v", tt.site.Passkeys.Staff, tt.user.Role, tt.method, got, tt.want)
		}
	}
}

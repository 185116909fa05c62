package service

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"parley"
)

// TestAuthorize checks every action, readers' and moderators', against
// every kind of caller (sanctioned readers included), on a site that takes
// anonymous posts and on one that does not. A cell is what authorize
// answers: "ok" (the caller acts as themselves), "guest"
// (let in without an identity), or the name of a refusal, which refusals
// ties to the code and key clients see.
func TestAuthorize(t *testing.T) {
	open := &parley.Site{ID: "news", AllowAnonymous: true, Origins: []string{"https://news.example"}}
	closed := &parley.Site{ID: "members", Origins: []string{"https://members.example"}}
	commenter := func(id, site string, role parley.Role) *parley.Actor {
		return &parley.Actor{User: &parley.User{ID: id, SiteID: site}, SiteID: site, Role: role, Method: parley.MethodToken}
	}
	callers := []struct {
		name   string
		actor  func(site string) *parley.Actor
		origin string
	}{
		{"anonymous", func(string) *parley.Actor { return nil }, ""},
		{"commenter of the site", func(site string) *parley.Actor { return commenter("bob", site, parley.RoleCommenter) }, ""},
		{"commenter of another site", func(string) *parley.Actor { return commenter("eve", "elsewhere", parley.RoleCommenter) }, ""},
		{"moderator of another site", func(string) *parley.Actor { return commenter("max", "elsewhere", parley.RoleModerator) }, ""},
		{"author", func(site string) *parley.Actor { return commenter("alice", site, parley.RoleCommenter) }, ""},
		{"author on an allowed origin", func(site string) *parley.Actor { return commenter("alice", site, parley.RoleCommenter) }, "allowed"},
		{"author on a foreign origin", func(site string) *parley.Actor { return commenter("alice", site, parley.RoleCommenter) }, "https://evil.example"},
		{"anonymous on a foreign origin", func(string) *parley.Actor { return nil }, "null"},
		{"without a role on the site", func(site string) *parley.Actor { return commenter("nil", site, parley.RoleNone) }, ""},
		{"moderator of the site", func(site string) *parley.Actor { return commenter("mod", site, parley.RoleModerator) }, ""},
		{"admin of the site", func(site string) *parley.Actor { return commenter("adm", site, parley.RoleAdmin) }, ""},
		{"banned commenter", func(site string) *parley.Actor {
			a := commenter("ban", site, parley.RoleCommenter)
			a.User.Sanctions.BannedAt = parley.Now().Add(-time.Hour)
			return a
		}, ""},
		{"suspended commenter", func(site string) *parley.Actor {
			a := commenter("sus", site, parley.RoleCommenter)
			a.User.Sanctions.SuspendedUntil = parley.Now().Add(time.Hour)
			return a
		}, ""},
		{"commenter whose suspension ended", func(site string) *parley.Actor {
			a := commenter("was", site, parley.RoleCommenter)
			a.User.Sanctions.SuspendedUntil = parley.Now().Add(-time.Second)
			return a
		}, ""},
		{"suspended author", func(site string) *parley.Actor {
			a := commenter("alice", site, parley.RoleCommenter)
			a.User.Sanctions.SuspendedUntil = parley.Now().Add(time.Hour)
			return a
		}, ""},
	}
	const ok, guest, account, inbox = "ok", "guest", "account", "inbox"
	const signIn, token, identity, other, notOwn, own, origin, role = "signIn", "token", "identity", "otherSite", "notAuthor", "ownComment", "origin", "role"
	const banned, suspended = "banned", "suspended"
	modRow := []string{signIn, role, other, other, role, role, origin, origin, role, ok, ok, role, role, role, role}
	modCells := map[*parley.Site][]string{open: modRow, closed: modRow}
	// want[action][site] lists one cell per caller, in the order above.
	want := map[action]map[*parley.Site][]string{
		actPost: {
			open:   {guest, ok, other, other, ok, ok, origin, origin, role, ok, ok, banned, suspended, ok, suspended},
			closed: {signIn, ok, other, other, ok, ok, origin, origin, role, ok, ok, banned, suspended, ok, suspended},
		},
		actEditOwn: {
			open:   {token, notOwn, other, other, ok, ok, origin, origin, role, notOwn, notOwn, notOwn, notOwn, notOwn, suspended},
			closed: {token, notOwn, other, other, ok, ok, origin, origin, role, notOwn, notOwn, notOwn, notOwn, notOwn, suspended},
		},
		actDeleteOwn: {
			open:   {token, notOwn, other, other, ok, ok, origin, origin, role, notOwn, notOwn, notOwn, notOwn, notOwn, ok},
			closed: {token, notOwn, other, other, ok, ok, origin, origin, role, notOwn, notOwn, notOwn, notOwn, notOwn, ok},
		},
		actReact: {
			open:   {identity, ok, other, other, own, own, origin, origin, role, ok, ok, banned, suspended, ok, own},
			closed: {identity, ok, other, other, own, own, origin, origin, role, ok, ok, banned, suspended, ok, own},
		},
		actUnreact: {
			open:   {identity, ok, other, other, ok, ok, origin, origin, role, ok, ok, ok, ok, ok, ok},
			closed: {identity, ok, other, other, ok, ok, origin, origin, role, ok, ok, ok, ok, ok, ok},
		},
		actReport: {
			open:   {identity, ok, other, other, own, own, origin, origin, role, ok, ok, banned, suspended, ok, own},
			closed: {identity, ok, other, other, own, own, origin, origin, role, ok, ok, banned, suspended, ok, own},
		},
		// reading one's state with a credential of another site reads
		// nothing, as for a reader without one
		actReadOwn: {
			open:   {guest, ok, guest, guest, ok, ok, origin, origin, role, ok, ok, ok, ok, ok, ok},
			closed: {guest, ok, guest, guest, ok, ok, origin, origin, role, ok, ok, ok, ok, ok, ok},
		},
		// one's own account (mails, my comments, my data, erasure) needs an
		// identity on the site, whatever the site allows guests
		actAccount: {
			open:   {account, ok, other, other, ok, ok, origin, origin, role, ok, ok, ok, ok, ok, ok},
			closed: {account, ok, other, other, ok, ok, origin, origin, role, ok, ok, ok, ok, ok, ok},
		},
		// the moderators' actions: moderators and admins of the site only,
		// whatever sanctions a commenter is under
		actReadQueue: modCells,
		actModerate:  modCells,
		actSanction:  modCells,
		actAudit:     modCells,
		// notice and action (dsa): anyone may send a notice, signed in or
		// not, sanctioned or not, from any site but not through a foreign
		// origin; a sanctioned reader may still contest the sanction
		actNotice: {
			open:   {guest, ok, guest, guest, ok, ok, origin, origin, ok, ok, ok, ok, ok, ok, ok},
			closed: {guest, ok, guest, guest, ok, ok, origin, origin, ok, ok, ok, ok, ok, ok, ok},
		},
		actComplain: {
			open:   {token, ok, other, other, ok, ok, origin, origin, role, ok, ok, ok, ok, ok, ok},
			closed: {token, ok, other, other, ok, ok, origin, origin, role, ok, ok, ok, ok, ok, ok},
		},
		actDecideNotice:   modCells,
		actDecideComplain: modCells,
		// one's own inbox: signed in or with the commenter token, banned
		// and suspended readers too, who read there why (inbox)
		actInbox: {
			open:   {inbox, ok, other, other, ok, ok, origin, origin, role, ok, ok, ok, ok, ok, ok},
			closed: {inbox, ok, other, other, ok, ok, origin, origin, role, ok, ok, ok, ok, ok, ok},
		},
		// a site's webhooks: its admins alone (the operator is tested in
		// TestWebhookAdmin)
		actWebhooks: {
			open:   {signIn, role, other, other, role, role, origin, origin, role, role, ok, role, role, role, role},
			closed: {signIn, role, other, other, role, role, origin, origin, role, role, ok, role, role, role, role},
		},
		// the word lists are the moderators' (pipeline)
		actManageWords: modCells,
		// the pre-moderation rules (desksettings): a site's are its admins'
		// to change and its moderators' to read; a story's, its moderators'
		actReadRules: modCells,
		actSetRules: {
			open:   {signIn, role, other, other, role, role, origin, origin, role, role, ok, role, role, role, role},
			closed: {signIn, role, other, other, role, role, origin, origin, role, role, ok, role, role, role, role},
		},
		actStoryRule: modCells,
	}
	if len(want) != len(policies) {
		t.Errorf("the table covers %d actions, policies has %d", len(want), len(policies))
	}
	for act, sites := range want {
		for site, cells := range sites {
			if len(cells) != len(callers) {
				t.Fatalf("%s on %s: %d cells for %d callers", act, site.ID, len(cells), len(callers))
			}
			c := &parley.Comment{ID: "c1", SiteID: site.ID, StoryID: "s1", AuthorID: "alice"}
			for i, caller := range callers {
				ctx := context.Background()
				a := caller.actor(site.ID)
				if a != nil {
					ctx = parley.WithActor(ctx, a)
				}
				switch caller.origin {
				case "allowed":
					ctx = parley.WithOrigin(ctx, site.Origins[0])
				case "":
				default:
					ctx = parley.WithOrigin(ctx, caller.origin)
				}
				got, err := authorize(ctx, site, act, c)
				if cell := outcome(got, a, err); cell != cells[i] {
					t.Errorf("%s on %s by %s: %q, want %q (%v)", act, site.ID, caller.name, cell, cells[i], err)
				}
			}
		}
	}
}

// refusals are authorize's refusals by the name TestAuthorize's cells give
// them, with the code and key each must carry: clients and catalogs key
// their messages on these.
var refusals = []struct {
	name, code, key string
	err             *parley.Error // nil: built per call
}{
	{"signIn", parley.EUNAUTHORIZED, "signInRequired", errSignIn},
	{"token", parley.EUNAUTHORIZED, "authorRequired", errOwnToken},
	{"identity", parley.EUNAUTHORIZED, "identityRequired", errIdentity},
	{"otherSite", parley.EFORBIDDEN, "otherSite", errOtherSite},
	{"notAuthor", parley.EFORBIDDEN, "notAuthor", errNotAuthor},
	{"ownComment", parley.EFORBIDDEN, "ownComment", errOwnComment},
	{"role", parley.EFORBIDDEN, "roleTooLow", errRole},
	{"origin", parley.EFORBIDDEN, "originNotAllowed", nil},
	{"account", parley.EUNAUTHORIZED, "signInRequired", errAccount},
	{"banned", parley.EFORBIDDEN, "banned", errBanned},
	{"suspended", parley.EFORBIDDEN, "suspended", nil},
	{"inbox", parley.EUNAUTHORIZED, "identityRequired", errInbox},
}

// outcome names authorize's answer as TestAuthorize's cells do, and checks
// that a refusal carries its code and key.
func outcome(got, asked *parley.Actor, err error) string {
	switch {
	case err == nil && got == nil:
		return "guest"
	case err == nil && got == asked:
		return "ok"
	case err == nil:
		return fmt.Sprintf("another actor %+v", got)
	}
	for _, r := range refusals {
		e, _ := errors.AsType[*parley.Error](err)
		if e == r.err || r.err == nil && e.Key == r.key {
			if e.Code != r.code || e.Key != r.key {
				return fmt.Sprintf("%s with code %q and key %q", r.name, e.Code, e.Key)
			}
			return r.name
		}
	}
	return "unknown refusal " + err.Error()
}

// TestAuthorizeNeedsTheComment: an action on a comment without one is a
// programming error, refused rather than let through or a panic.
func TestAuthorizeNeedsTheComment(t *testing.T) {
	site := &parley.Site{ID: "news"}
	ctx := parley.WithActor(context.Background(), &parley.Actor{User: &parley.User{ID: "bob"}, SiteID: "news", Role: parley.RoleCommenter})
	for _, act := range []action{actEditOwn, actDeleteOwn, actReact, actReport, "unknown"} {
		if _, err := authorize(ctx, site, act, nil); parley.ErrorCode(err) != parley.EINTERNAL {
			t.Errorf("%s without a comment: %v, want internal", act, err)
		}
	}
}

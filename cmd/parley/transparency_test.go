package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"parley"
	"parley/internal/markup"
	"parley/internal/realtime"
	"parley/internal/service"
)

// TestTransparency builds a day of notice and action on a site and checks
// every figure of `parley transparency`, as CSV and as JSON: what happened
// the day before and the day after is left out.
func TestTransparency(t *testing.T) {
	dsn := "sqlite:" + filepath.Join(t.TempDir(), "parley.db")
	transparencyFixture(t, dsn)
	getenv := func(k string) string { return map[string]string{"PARLEY_DATABASE": dsn}[k] }
	var out, errs bytes.Buffer
	if err := run(t.Context(), []string{"transparency", "--site", "s", "--from", "2026-03-05", "--to", "2026-03-05"}, getenv, &out, &errs); err != nil {
		t.Fatalf("transparency: %v\n%s", err, errs.String())
	}
	want := `section,key,value
period,site,s
period,from,2026-03-05
period,to,2026-03-05
notices,total,3
notices_by_kind,child_sexual_abuse,0
notices_by_kind,defamation,0
notices_by_kind,fraud,1
notices_by_kind,illegal_hate_speech,2
notices_by_kind,intellectual_property,0
notices_by_kind,other,0
notices_by_kind,privacy,0
notices_by_kind,terrorist_content,0
notice_outcomes,no_action,1
notice_outcomes,remove,1
notices,median_hours_to_decision,3.00
actions,comment.rejected,2
actions_by_ground,law,1
actions_by_ground,terms:spam,1
decisions,automated,1
decisions,human,1
complaints,received,1
complaints,upheld,0
complaints,reversed,1
complaints,median_hours_to_decision,1.00
`
	if diff := cmp.Diff(want, out.String()); diff != "" {
		t.Errorf("CSV (-want +got):\n%s", diff)
	}

	out.Reset()
	if err := run(t.Context(), []string{"transparency", "--site", "s", "--from", "2026-03-05", "--to", "2026-03-05", "--format", "json"}, getenv, &out, &errs); err != nil {
		t.Fatalf("transparency --format json: %v", err)
	}
	var got service.Transparency
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("JSON: %v\n%s", err, out.String())
	}
	if got.Notices != 3 || got.NoticesByKind[parley.NoticeHate] != 2 || got.Automated != 1 || got.Human != 1 || got.Reversed != 1 ||
		got.MedianNoticeHours != 3 || got.ActionsByGround["law"] != 1 {
		t.Errorf("JSON figures = %+v", got)
	}

	for _, args := range [][]string{
		{"--site", "s", "--from", "2026-03-06", "--to", "2026-03-05"},
		{"--site", "s", "--from", "5.3.2026", "--to", "2026-03-05"},
		{"--site", "s", "--from", "2026-03-05", "--to", "2026-03-05", "--format", "xml"},
		{"--site", "nope", "--from", "2026-03-05", "--to", "2026-03-05"},
	} {
		if err := run(t.Context(), append([]string{"transparency"}, args...), getenv, &out, &errs); err == nil {
			t.Errorf("transparency %s: no error", strings.Join(args, " "))
		}
	}
}

// transparencyFixture: on 2026-03-05, three notices (two of hate speech,
// one of fraud); one removed on a legal ground two hours after it came,
// one decided without action four hours after; one comment rejected by
// the pipeline as spam; the removal contested and reversed an hour after
// the complaint. A notice the day before and one the day after.
func transparencyFixture(t *testing.T, dsn string) {
	ctx := t.Context()
	store, err := openStore(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	now := time.Date(2026, 3, 4, 23, 0, 0, 0, time.UTC)
	at := func(when time.Time) { now = when }
	svc := service.New(store, markup.New(), realtime.NewBus(), slog.New(slog.NewTextHandler(io.Discard, nil)), service.WithClock(func() time.Time { return now }))
	if err := svc.CreateSite(ctx, &parley.Site{ID: "s", AllowAnonymous: true, RateLimit: parley.RateLimit{Off: true}}); err != nil {
		t.Fatal(err)
	}
	comment := func() *parley.Comment {
		p, err := svc.Post(ctx, service.NewComment{SiteID: "s", StoryID: "a", Body: "Text " + now.String(), AuthorName: "Ada"})
		if err != nil {
			t.Fatal(err)
		}
		return p.Comment
	}
	notice := func(c *parley.Comment, kind string) *parley.Notice {
		n, err := svc.FileNotice(ctx, service.NewNotice{CommentID: c.ID, Kind: kind, Explanation: "x", Name: "N", Email: "n@example.org", GoodFaith: true})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	day := time.Date(2026, 3, 5, 0, 0, 0, 0, time.UTC)
	notice(comment(), parley.NoticeFraud) // the day before
	at(day.Add(8 * time.Hour))
	c1, c2 := comment(), comment()
	n1, n2 := notice(c1, parley.NoticeHate), notice(c2, parley.NoticeHate)
	notice(c2, parley.NoticeFraud)
	mod := dsaUser(t, store, "mod", parley.RoleModerator)
	mod2 := dsaUser(t, store, "mod2", parley.RoleModerator)
	as := func(u *parley.User) context.Context {
		return parley.WithActor(ctx, &parley.Actor{User: u, SiteID: "s", Role: u.Role, Method: parley.MethodSession})
	}
	at(day.Add(10 * time.Hour))
	out, err := svc.DecideNotice(as(mod), service.NoticeDecision{SiteID: "s", Reference: n1.Reference, Action: parley.ActionRemove, Ground: parley.GroundLaw, Basis: "§ 130 StGB"})
	if err != nil {
		t.Fatal(err)
	}
	at(day.Add(12 * time.Hour))
	if _, err := svc.DecideNotice(as(mod), service.NoticeDecision{SiteID: "s", Reference: n2.Reference, Action: parley.ActionNone}); err != nil {
		t.Fatal(err)
	}
	spam := comment()
	if err := store.AppendAudit(ctx, &parley.AuditEntry{SiteID: "s", Action: parley.AuditRejected, CommentID: spam.ID, UserID: spam.AuthorID,
		Automated: true, Reason: parley.ReasonSpam, CreatedAt: now}); err != nil {
		t.Fatal(err)
	}
	author, err := store.User(ctx, c1.AuthorID)
	if err != nil {
		t.Fatal(err)
	}
	author.Role = parley.RoleCommenter
	at(day.Add(13 * time.Hour))
	c, err := svc.Complain(as(author), out.Entries[0].ID, "Satire.", "")
	if err != nil {
		t.Fatal(err)
	}
	at(day.Add(14 * time.Hour))
	if _, err := svc.DecideComplaint(as(mod2), service.ComplaintDecision{SiteID: "s", Reference: c.Reference, Outcome: parley.OutcomeReversed}); err != nil {
		t.Fatal(err)
	}
	at(day.Add(25 * time.Hour))
	notice(comment(), parley.NoticeHate) // the day after
}

func dsaUser(t *testing.T, store parley.Store, name string, role parley.Role) *parley.User {
	t.Helper()
	u := &parley.User{ID: parley.NewID(time.Now()), SiteID: "s", Name: name, Role: role, CreatedAt: time.Now()}
	if err := store.CreateUser(t.Context(), u); err != nil {
		t.Fatal(err)
	}
	return u
}

package service_test

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"parley"
	"parley/internal/markup"
	"parley/internal/moderation"
	"parley/internal/realtime"
	"parley/internal/service"
	"parley/internal/store/postgres"
	"parley/internal/store/postgres/pgtest"
	"parley/internal/store/sqlite"
)

// pipelineStores opens a fresh store of each backend: the pipeline's
// writes (comment, revision, audit entry in one unit) must hold on both.
func pipelineStores(t *testing.T) map[string]func(t *testing.T) parley.Store {
	return map[string]func(t *testing.T) parley.Store{
		"sqlite": func(t *testing.T) parley.Store {
			s, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "parley.db"))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			return s
		},
		"postgres": func(t *testing.T) parley.Store {
			s, err := postgres.Open(t.Context(), pgtest.URL(t))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			return s
		},
	}
}

// pipe is one service over one store with a site, a clock and helpers.
type pipe struct {
	t     *testing.T
	ctx   context.Context
	store parley.Store
	svc   *service.Service
	now   time.Time
	site  *parley.Site
}

func newPipe(t *testing.T, store parley.Store, m parley.Moderation) *pipe {
	p := &pipe{t: t, ctx: t.Context(), store: store, now: time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)}
	p.svc = service.New(store, markup.New(), realtime.NewBus(), quietLog(), service.WithClock(func() time.Time { return p.now }))
	p.site = &parley.Site{ID: "news", AllowAnonymous: true, RateLimit: parley.RateLimit{Off: true}, Moderation: m}
	if err := p.svc.CreateSite(p.ctx, p.site); err != nil {
		t.Fatal(err)
	}
	return p
}

// as returns a context acting as u with role on the site.
func (p *pipe) as(u *parley.User, role parley.Role) context.Context {
	return parley.WithActor(p.ctx, &parley.Actor{User: u, SiteID: p.site.ID, Role: role, Method: parley.MethodToken})
}

// moderator is a context of a moderator of the site.
func (p *pipe) moderator() context.Context {
	return p.as(&parley.User{ID: "mod", SiteID: p.site.ID, Name: "Mo"}, parley.RoleModerator)
}

func (p *pipe) post(ctx context.Context, body string, confirm bool) (*service.Posted, error) {
	return p.svc.Post(ctx, service.NewComment{SiteID: p.site.ID, StoryID: "story", Body: body, AuthorName: "Gast",
		Story: service.StoryInfo{Lang: "en", URL: "https://news.example/story"}, Confirm: confirm})
}

// verdictOf returns the comment's newest revision and its audit entries.
func (p *pipe) verdictOf(id string) (*parley.Revision, []*parley.AuditEntry) {
	p.t.Helper()
	revs, err := p.store.CommentRevisions(p.ctx, id)
	if err != nil || len(revs) == 0 {
		p.t.Fatalf("CommentRevisions(%s) = %v, %v; want at least one", id, revs, err)
	}
	log, err := p.store.Audit(p.ctx, parley.AuditQuery{SiteID: p.site.ID, CommentID: id, Limit: 10})
	if err != nil {
		p.t.Fatal(err)
	}
	return revs[len(revs)-1], log
}

func reasonKeys(rs []parley.Reason) string {
	var keys []string
	for _, r := range rs {
		keys = append(keys, r.Check+"/"+r.Key)
	}
	return strings.Join(keys, ",")
}

// TestPipelineVerdicts posts one comment per case and checks the status
// it got, the reasons its revision keeps, the audit entry beside it (none
// for an approved one; automated, with the reject reason for a rejected
// one) and the nudge the first attempt met.
func TestPipelineVerdicts(t *testing.T) {
	bannedDefault := func() string { w, _ := moderation.Defaults("en"); return strings.TrimSuffix(w.Banned[0], "*") }()
	localScorer := json.RawMessage(`[{"name":"local","enabled":true,"threshold":0.5}]`)
	deadScorer := json.RawMessage(`[{"name":"openai","enabled":true,"threshold":0.5,"timeout":"100ms","endpoint":"http://127.0.0.1:1/v1","model":"m"}]`)
	cases := []struct {
		name    string
		m       parley.Moderation
		story   string // the story's own pre-moderation
		words   []string
		role    parley.Role // 0: an anonymous reader
		body    string
		nudged  bool
		status  string
		reasons string
		audit   string
	}{
		{name: "clean", body: "A fine article, thank you.", status: parley.StatusApproved},
		{name: "default banned word", body: "You " + bannedDefault + "!", status: parley.StatusRejected, reasons: "words/banned", audit: parley.AuditRejected},
		{name: "site's banned word", words: []string{"zonk"}, body: "What a Z0NK idea", status: parley.StatusRejected, reasons: "words/banned", audit: parley.AuditRejected},
		{name: "defaults off", m: parley.Moderation{NoDefaultWords: true}, body: "You " + bannedDefault + "!", status: parley.StatusApproved},
		{name: "Scunthorpe", body: "Greetings from Scunthorpe, and a classic assessment.", status: parley.StatusApproved},
		{name: "suspect word nudges", body: "The minister is an idiot.", nudged: true, status: parley.StatusPending, reasons: "words/suspect", audit: parley.AuditHeld},
		{name: "all", m: parley.Moderation{Premoderation: parley.PremoderateAll}, body: "Hello", status: parley.StatusPending, reasons: "rule/all", audit: parley.AuditHeld},
		{name: "story override", story: parley.PremoderateAll, body: "Hello", status: parley.StatusPending, reasons: "rule/all", audit: parley.AuditHeld},
		{name: "story lifts the site's rule", m: parley.Moderation{Premoderation: parley.PremoderateAll}, story: parley.PremoderateOff, body: "Hello", status: parley.StatusApproved},
		{name: "allowed link", m: parley.Moderation{Premoderation: parley.PremoderateLinks, LinkAllowlist: []string{"news.example"}},
			body: "See https://www.news.example/a and mail <a@b.example>", status: parley.StatusApproved},
		{name: "foreign link", m: parley.Moderation{Premoderation: parley.PremoderateLinks, LinkAllowlist: []string{"news.example"}},
			body: "See https://news.example.evil/a", status: parley.StatusPending, reasons: "rule/links", audit: parley.AuditHeld},
		{name: "new commenter", m: parley.Moderation{Premoderation: parley.PremoderateNew}, role: parley.RoleCommenter, body: "Hello", status: parley.StatusPending, reasons: "rule/new", audit: parley.AuditHeld},
		{name: "staff are never pre-moderated", m: parley.Moderation{Premoderation: parley.PremoderateAll}, role: parley.RoleStaff, body: "Hello", status: parley.StatusApproved},
		{name: "scorer over its threshold nudges", m: parley.Moderation{Scorers: localScorer},
			body: "Buy now at https://a.example https://b.example https://c.example https://d.example", nudged: true,
			status: parley.StatusPending, reasons: "scorer/", audit: parley.AuditHeld},
		{name: "scorer under its threshold", m: parley.Moderation{Scorers: localScorer}, body: "A calm remark.", status: parley.StatusApproved},
		{name: "failing scorer holds without a nudge", m: parley.Moderation{Scorers: deadScorer}, body: "A calm remark.",
			status: parley.StatusPending, reasons: "scorer/unavailable", audit: parley.AuditHeld},
	}
	for backend, open := range pipelineStores(t) {
		t.Run(backend, func(t *testing.T) {
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					p := newPipe(t, open(t), tc.m)
					if tc.words != nil {
						if _, err := p.svc.AddWords(p.moderator(), p.site.ID, parley.WordsBanned, "en", tc.words); err != nil {
							t.Fatal(err)
						}
					}
					if tc.story != "" {
						if _, err := p.svc.SetStoryPremoderation(p.ctx, p.site.ID, "story", tc.story); err != nil {
							t.Fatal(err)
						}
					}
					ctx := p.ctx
					if tc.role != 0 {
						u := &parley.User{ID: parley.NewID(p.now), SiteID: p.site.ID, Name: "Ulla", Role: tc.role, CreatedAt: p.now.Add(-48 * time.Hour)}
						if err := p.store.CreateUser(p.ctx, u); err != nil {
							t.Fatal(err)
						}
						ctx = p.as(u, tc.role)
					}
					posted, err := p.post(ctx, tc.body, false)
					var nudge *service.Nudge
					if errors.As(err, &nudge) != tc.nudged {
						t.Fatalf("first post: %v, nudged: want %v", err, tc.nudged)
					}
					if tc.nudged {
						if parley.ErrorCode(err) != parley.EUNPROCESSABLE || parley.ErrorKey(err) != "nudge" || len(nudge.Reasons) == 0 {
							t.Errorf("nudge = %v (%+v), want EUNPROCESSABLE nudge with reasons", err, nudge.Reasons)
						}
						if posted, err = p.post(ctx, tc.body, true); err != nil {
							t.Fatalf("post anyway: %v", err)
						}
					} else if err != nil {
						t.Fatal(err)
					}
					if posted.Comment.Status != tc.status {
						t.Errorf("status = %s, want %s", posted.Comment.Status, tc.status)
					}
					rev, log := p.verdictOf(posted.Comment.ID)
					if got := reasonKeys(rev.Reasons); !strings.HasPrefix(got, tc.reasons) || (tc.reasons == "") != (got == "") {
						t.Errorf("reasons = %q, want %q…", got, tc.reasons)
					}
					if rev.N != 1 || rev.Status != tc.status || rev.Body != posted.Comment.Body {
						t.Errorf("revision = %+v, want revision 1 with the body and status %s", rev, tc.status)
					}
					switch {
					case tc.audit == "" && len(log) != 0:
						t.Errorf("audit = %+v, want none", log[0])
					case tc.audit != "" && (len(log) != 1 || log[0].Action != tc.audit || !log[0].Automated || log[0].After != tc.status):
						t.Errorf("audit = %+v, want one automated %s", log, tc.audit)
					case tc.audit == parley.AuditRejected && log[0].Reason != parley.ReasonAbuse:
						t.Errorf("audit reason = %q, want %q", log[0].Reason, parley.ReasonAbuse)
					}
					st, err := p.store.Story(p.ctx, p.site.ID, "story")
					wantCount := 0
					if tc.status == parley.StatusApproved {
						wantCount = 1
					}
					if err != nil || st.CommentCount != wantCount {
						t.Errorf("story = %+v, %v; want %d counted", st, err, wantCount)
					}
				})
			}
		})
	}
}

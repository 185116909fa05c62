package embed_test

import (
	"bytes"
	"context"
	"flag"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"parley"
	"parley/internal/auth"
	"parley/internal/embed"
	"parley/internal/markup"
	"parley/internal/realtime"
	"parley/internal/service"
	"parley/internal/store/sqlite"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// world is the block over a real SQLite store, with a fixed clock so that
// rendered times are stable.
type world struct {
	store  parley.Store
	svc    *service.Service
	tokens *auth.CommenterTokens
	block  *embed.Block
	srv    *httptest.Server
	now    time.Time
}

func newWorld(t *testing.T) *world {
	t.Helper()
	store, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "p.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	w := &world{store: store, now: time.Date(2026, 3, 5, 14, 7, 0, 0, time.UTC)}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	w.svc = service.New(store, markup.New(), realtime.NewBus(), log, service.WithClock(func() time.Time { return w.now }))
	w.tokens = auth.NewCommenterTokens(store, func() time.Time { return w.now })
	w.srv = httptest.NewUnstartedServer(nil)
	w.srv.Config.Handler, w.block = w.handler(log, func() time.Time { return w.now })
	w.srv.Start()
	t.Cleanup(w.srv.Close)
	ctx := context.Background()
	if err := w.svc.CreateSite(ctx, &parley.Site{ID: embed.DemoSite, AllowAnonymous: true, Origins: []string{"https://news.example"}}); err != nil {
		t.Fatal(err)
	}
	return w
}

// testKey is the form key of every test block.
var testKey = bytes.Repeat([]byte("k"), 32)

// handler returns the block's routes and the demo page at the world's
// server address, with form tokens on the clock now.
func (w *world) handler(log *slog.Logger, now func() time.Time) (http.Handler, *embed.Block) {
	public := "http://" + w.srv.Listener.Addr().String()
	authn := auth.New(public, w.tokens)
	block := embed.New(w.svc, log, embed.Config{Auth: authn, PublicURL: public, FormKey: testKey, Now: now})
	mux := http.NewServeMux()
	block.Register(mux)
	mux.Handle("GET /{$}", block.DemoPage())
	return mux, block
}

// tokenRE finds the form token in a rendered fragment.
var tokenRE = regexp.MustCompile(`name="token" value="([^"]*)"`)

// formToken fetches the demo story's fragment and returns its form token.
func (w *world) formToken(t *testing.T) string {
	t.Helper()
	m := tokenRE.FindStringSubmatch(get(t, w.srv.URL+"/embed/demo/stories/demo-article"))
	if m == nil {
		t.Fatal("the fragment's form has no token")
	}
	return m[1]
}

// post adds a comment through the service and returns its ID.
func (w *world) post(t *testing.T, parent, name, body string) string {
	t.Helper()
	w.now = w.now.Add(time.Minute)
	p, err := w.svc.Post(context.Background(), service.NewComment{SiteID: embed.DemoSite, StoryID: embed.DemoStory,
		ParentID: parent, Body: body, AuthorName: name, Story: service.StoryInfo{Lang: "de"}})
	if err != nil {
		t.Fatal(err)
	}
	return p.Comment.ID
}

// grant gives the author of comment id a role and badges.
func (w *world) grant(t *testing.T, id string, role parley.Role, badges ...string) {
	t.Helper()
	c, err := w.store.Comment(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	u, err := w.store.User(context.Background(), c.AuthorID)
	if err != nil {
		t.Fatal(err)
	}
	u.Role, u.Badges = role, badges
	if err := w.store.UpdateUser(context.Background(), u); err != nil {
		t.Fatal(err)
	}
}

// ids makes generated comment IDs stable for golden comparison.
var ids = regexp.MustCompile(`[0-9a-hjkmnp-tv-z]{26}`)

// publicURLs makes the test server's public URL (its port is the
// system's pick) stable for golden comparison.
var publicURLs = regexp.MustCompile(`http://127\.0\.0\.1:[0-9]+`)

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	got = ids.ReplaceAll(got, []byte("ID"))
	got = publicURLs.ReplaceAll(got, []byte("PUBLIC"))
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from %s; run with -update if the change is intended\n%s", name, path, got)
	}
}

func (w *world) render(t *testing.T, lang string) []byte {
	t.Helper()
	var buf bytes.Buffer
	err := w.block.Render(context.Background(), &buf, embed.Request{SiteID: embed.DemoSite, StoryID: embed.DemoStory, Lang: lang, PostURL: "/post"})
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestFragmentGolden(t *testing.T) {
	w := newWorld(t)
	golden(t, "empty-de", w.render(t, "de"))
	c := w.post(t, "", "Anna <b>", "Ein **guter** Punkt.\n\n> Zitat <script>alert(1)</script>")
	r := w.post(t, c, "Ben", "Sehe ich anders: https://example.org")
	w.grant(t, r, parley.RoleStaff, "Abonnent", "<i>Gründer</i>")
	for _, lang := range []string{"de", "en", "es", "fr"} {
		golden(t, "thread-"+lang, w.render(t, lang))
	}
}

func TestFragmentLanguageFollowsStory(t *testing.T) {
	w := newWorld(t)
	w.post(t, "", "Anna", "Hallo")
	got := string(w.render(t, ""))
	for _, want := range []string{`lang="de"`, "Diskussion", "1 Kommentar", "Diskutieren Sie mit"} {
		if !strings.Contains(got, want) {
			t.Errorf("fragment without lang lacks %q", want)
		}
	}
	for _, english := range []string{"Discussion", "Join the conversation", "Be the first", "Reply<"} {
		if strings.Contains(got, english) {
			t.Errorf("German fragment contains English %q", english)
		}
	}
}

func TestFormPost(t *testing.T) {
	w := newWorld(t)
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	form := url.Values{"body": {"Ohne JavaScript geschrieben."}, "name": {"Clara"}, "lang": {"de"}, "return": {"/?sort=oldest"}, "token": {w.formToken(t)}}
	resp, err := client.PostForm(w.srv.URL+"/embed/demo/stories/demo-article/comments", form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, w.srv.URL+"/?sort=oldest#comment-") {
		t.Fatalf("post: %d %q", resp.StatusCode, loc)
	}
	page := get(t, w.srv.URL+"/")
	if !strings.Contains(page, "Ohne JavaScript geschrieben.") || !strings.Contains(page, `<html lang="de">`) {
		t.Errorf("demo page lacks the posted comment")
	}
}

func TestFormErrorsKeepTheText(t *testing.T) {
	w := newWorld(t)
	token := w.formToken(t)
	tests := []struct {
		name   string
		form   url.Values
		status int
		want   []string
	}{
		{"empty comment", url.Values{"body": {"   "}, "name": {"Clara"}, "lang": {"de"}}, 400,
			[]string{`<html lang="de">`, "konnte nicht veröffentlicht werden", "Bitte schreiben Sie zuerst etwas."}},
		{"no name", url.Values{"body": {"Mein Text bleibt"}, "lang": {"es"}}, 400,
			[]string{`<html lang="es">`, "Mein Text bleibt", "No se ha podido publicar"}},
		{"foreign return", url.Values{"body": {"x"}, "lang": {"fr"}, "return": {"https://evil.example/"}}, 400,
			[]string{"/embed/demo/stories/demo-article#parley-composer"}},
		{"backslash return", url.Values{"body": {"x"}, "lang": {"fr"}, "return": {"/\\evil.example/x"}}, 400,
			[]string{"/embed/demo/stories/demo-article#parley-composer"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.form.Set("token", token)
			resp, err := http.PostForm(w.srv.URL+"/embed/demo/stories/demo-article/comments", tt.form)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tt.status, body)
			}
			for _, want := range tt.want {
				if !strings.Contains(string(body), want) {
					t.Errorf("error page lacks %q:\n%s", want, body)
				}
			}
			if strings.Contains(string(body), "evil.example") {
				t.Error("error page links to a foreign return URL")
			}
		})
	}
}

func TestFragmentEndpoint(t *testing.T) {
	w := newWorld(t)
	w.post(t, "", "Anna", "Hallo")
	got := get(t, w.srv.URL+"/embed/demo/stories/demo-article?lang=fr&page=https://news.example/a")
	for _, want := range []string{"Participez à la discussion", `action="` + w.srv.URL + `/embed/demo/stories/demo-article/comments"`,
		`value="https://news.example/a"`, `itemtype="https://schema.org/Comment"`} {
		if !strings.Contains(got, want) {
			t.Errorf("fragment lacks %q", want)
		}
	}
	resp, err := http.Get(w.srv.URL + "/embed/nope/stories/x")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown site: %d", resp.StatusCode)
	}
}

func get(t *testing.T, u string) string {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %s", u, resp.StatusCode, b)
	}
	return string(b)
}

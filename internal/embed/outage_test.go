package embed_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
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

// TestOutagePages: with the database gone, the block's pages answer 503
// with Retry-After, say so in the reader's language, keep what the reader
// typed, and may not be framed (not even the demo page's error).
func TestOutagePages(t *testing.T) {
	store, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "p.db"))
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc := service.New(store, markup.New(), realtime.NewBus(), log)
	if err := svc.CreateSite(context.Background(), &parley.Site{ID: embed.DemoSite, AllowAnonymous: true}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(nil)
	public := "http://" + srv.Listener.Addr().String()
	authn := auth.New(public, auth.NewCommenterTokens(store, nil))
	block := embed.New(svc, log, embed.Config{Auth: authn, PublicURL: public, FormKey: testKey, Now: time.Now})
	mux := http.NewServeMux()
	block.Register(mux)
	mux.Handle("GET /{$}", block.DemoPage())
	srv.Config.Handler = mux
	srv.Start()
	defer srv.Close()
	store.Close()

	form := url.Values{"body": {"Mein Text, der nicht verloren gehen darf."}, "name": {"Ida"}, "lang": {"de"}}
	for _, tt := range []struct {
		name string
		do   func() (*http.Response, error)
		want []string
	}{
		{"fragment", func() (*http.Response, error) {
			return http.Get(srv.URL + "/embed/demo/stories/never-read?lang=fr")
		}, []string{"momentanément indisponible"}},
		{"demo page", func() (*http.Response, error) { return http.Get(srv.URL + "/?lang=es") }, []string{"no está disponible"}},
		{"form post", func() (*http.Response, error) {
			return http.PostForm(srv.URL+"/embed/demo/stories/demo-article/comments", form)
		}, []string{"kurzzeitig nicht erreichbar", "Mein Text, der nicht verloren gehen darf."}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := tt.do()
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			raw, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != http.StatusServiceUnavailable {
				t.Fatalf("status %d, want 503: %s", resp.StatusCode, raw)
			}
			if got := resp.Header.Get("Retry-After"); got != "5" {
				t.Errorf("Retry-After %q, want 5", got)
			}
			for _, w := range tt.want {
				if !strings.Contains(string(raw), w) {
					t.Errorf("page lacks %q:\n%s", w, raw)
				}
			}
			if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") {
				t.Errorf("error page may be framed: CSP %q", csp)
			}
		})
	}
}

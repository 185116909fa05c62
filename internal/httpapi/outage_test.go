package httpapi_test

import (
	"context"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"parley"
	"parley/internal/store/postgres"
	"parley/internal/store/postgres/pgtest"
	"parley/internal/store/sqlite"
)

// TestOutage stops the database under a running stack and expects every
// write and every uncached read to answer 503 unavailable with
// Retry-After, in the reader's language, never 500; and, where the
// database can come back (PostgreSQL behind a proxy the test cuts), the
// stack to serve again without a restart.
func TestOutage(t *testing.T) {
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		p := pgtest.NewProxy(t, pgtest.URL(t))
		u, _ := url.Parse(p.URL)
		q := u.Query()
		q.Set("pool_max_conns", "4")
		u.RawQuery = q.Encode()
		store, err := postgres.Open(context.Background(), u.String())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { store.Close() })
		s := newStackOn(t, store)
		checkOutage(t, s, p.Cut)
		p.Restore()
		checkRecovered(t, s)
	})
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		store, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "parley.db"))
		if err != nil {
			t.Fatal(err)
		}
		s := newStackOn(t, store)
		checkOutage(t, s, func() { store.Close() }) // a closed file does not come back
	})
}

// checkOutage posts and reads once while the database answers, calls stop,
// then expects 503s.
func checkOutage(t *testing.T, s *stack, stop func()) {
	t.Helper()
	s.MustSite(&parley.Site{ID: "news", Name: "News", AllowAnonymous: true})
	s.MustPost("c1", "Alice", "news", "s1", "", "Vor dem Ausfall.")
	stop()
	post := `{"body":"Während des Ausfalls.","author":{"name":"Bob"}}`
	for _, tt := range []struct {
		name, method, path, body, lang, want string
	}{
		{"write", "POST", "/api/v1/sites/news/stories/s1/comments", post, "", "The database"}, // English keeps the service's words
		{"write in German", "POST", "/api/v1/sites/news/stories/s1/comments?lang=de", post, "", "kurzzeitig nicht erreichbar"},
		{"write in French", "POST", "/api/v1/sites/news/stories/s2/comments", post, "fr", "momentanément indisponible"},
		{"uncached thread", "GET", "/api/v1/sites/news/stories/never-read/comments?lang=es", "", "", "no está disponible"},
		{"replies", "GET", "/api/v1/comments/" + s.ids["c1"] + "/replies", "", "", "unavailable"},
		{"reaction", "PUT", "/api/v1/comments/" + s.ids["c1"] + "/reaction", "", "", "unavailable"},
		{"counts", "GET", "/api/v1/sites/news/counts?story=s1&story=s9", "", "", "unavailable"},
		{"readiness", "GET", "/readyz", "", "", "unavailable"},
	} {
		var headers []string
		if tt.lang != "" {
			headers = append(headers, "Accept-Language: "+tt.lang)
		}
		as := ""
		if tt.name == "reaction" {
			as = "Alice"
		}
		r := s.do(tt.method, tt.path, tt.body, as, headers...)
		if r.status != http.StatusServiceUnavailable || !strings.Contains(r.body, `"code":"unavailable"`) {
			t.Errorf("%s during the outage: %d %s, want 503 unavailable", tt.name, r.status, r.body)
		}
		if got := r.header.Get("Retry-After"); got != "5" {
			t.Errorf("%s during the outage: Retry-After %q, want 5", tt.name, got)
		}
		if !strings.Contains(r.body, tt.want) {
			t.Errorf("%s during the outage: body %s lacks %q", tt.name, r.body, tt.want)
		}
	}
}

// checkRecovered expects posts to succeed again. A pool may still hold a
// connection that died with the outage; each such connection fails one
// request (with a 503, never a 500) and is dropped, so a few tries suffice.
func checkRecovered(t *testing.T, s *stack) {
	t.Helper()
	post := `{"body":"Nach dem Ausfall.","author":{"name":"Carol"}}`
	for range 20 {
		r := s.do("POST", "/api/v1/sites/news/stories/s1/comments", post, "")
		switch r.status {
		case http.StatusCreated:
			if th := s.do("GET", "/api/v1/sites/news/stories/s3/comments", "", ""); th.status != http.StatusOK {
				t.Errorf("read after recovery: %d %s", th.status, th.body)
			}
			return
		case http.StatusServiceUnavailable:
			continue
		default:
			t.Fatalf("post while recovering: %d %s", r.status, r.body)
		}
	}
	t.Fatal("the stack did not recover after the database came back")
}

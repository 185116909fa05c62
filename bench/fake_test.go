package main

import (
	"compress/gzip"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"github.com/golang-jwt/jwt/v5"
)

// fakeParley is a small in-memory stand-in for the Parley API, strict enough
// that the benchmark's tests fail when it posts malformed comments, replies
// to unknown parents or nests deeper than maxDepth.
type fakeParley struct {
	mu       sync.Mutex
	next     int
	comments map[string]fakeComment       // by ID
	stories  map[string][]string          // story -> comment IDs in order
	infos    map[string]map[string]string // story -> story info fields seen
	sessions map[string]string            // session -> SSO sub
	// signedPosts counts the posts made with a session.
	signedPosts int
}

type fakeComment struct {
	story, parent string
	depth         int
}

func newFakeParley() *fakeParley {
	return &fakeParley{comments: map[string]fakeComment{}, stories: map[string][]string{}, infos: map[string]map[string]string{}, sessions: map[string]string{}}
}

func (f *fakeParley) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {})
	mux.HandleFunc("POST /api/v1/sites/demo/stories/{story}/comments", f.post)
	mux.HandleFunc("POST /api/v1/sites/moderated/stories/{story}/comments", f.post) // -moderated-site
	mux.HandleFunc("GET /api/v1/sites/demo/stories/{story}/comments", f.page)
	mux.HandleFunc("GET /api/v1/sites/demo/counts", f.counts)
	mux.HandleFunc("POST /api/v1/sites/demo/auth/sso", f.sso)
	return mux
}

// fakeSSOSecret is the fake's HS256 secret for the site demo, kid "bench".
const fakeSSOSecret = "fake-secret-0123456789abcdef0123456789"

// sso exchanges a token signed with fakeSSOSecret for a session, which
// the fake then accepts on posts instead of a name.
func (f *fakeParley) sso(w http.ResponseWriter, r *http.Request) {
	var req struct{ Token string }
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		http.Error(w, `{"error":{"code":"invalid","message":"bad body"}}`, http.StatusBadRequest)
		return
	}
	tok, err := jwt.Parse(req.Token, func(t *jwt.Token) (any, error) {
		if t.Header["kid"] != "bench" {
			return nil, fmt.Errorf("kid %v", t.Header["kid"])
		}
		return []byte(fakeSSOSecret), nil
	}, jwt.WithValidMethods([]string{"HS256"}), jwt.WithAudience("demo"), jwt.WithExpirationRequired())
	if err != nil {
		http.Error(w, `{"error":{"code":"unauthorized","message":"bad token"}}`, http.StatusUnauthorized)
		return
	}
	sub, _ := tok.Claims.GetSubject()
	f.mu.Lock()
	f.next++
	session := fmt.Sprintf("pss_fake%06d", f.next)
	f.sessions[session] = sub
	f.mu.Unlock()
	fmt.Fprintf(w, `{"session":%q,"expiresAt":"2026-12-31T00:00:00Z","user":{"id":%q,"name":"x","role":"commenter","badges":[]}}`, session, sub)
}

// signedIn reports whether the request carries a session of the fake's.
func (f *fakeParley) signedIn(r *http.Request) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	_, ok := f.sessions[strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")]
	return ok
}

func (f *fakeParley) post(w http.ResponseWriter, r *http.Request) {
	var req postRequest
	signedIn := f.signedIn(r)
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req.Body == "" || len(req.Body) > 10000 ||
		(req.Author == nil || req.Author.Name == "") != signedIn {
		http.Error(w, `{"error":{"code":"invalid","message":"bad body"}}`, http.StatusBadRequest)
		return
	}
	story := r.PathValue("story")
	f.mu.Lock()
	defer f.mu.Unlock()
	c := fakeComment{story: story, parent: req.ParentID}
	if req.ParentID != "" {
		p, ok := f.comments[req.ParentID]
		if !ok || p.story != story || p.depth+1 > maxDepth {
			http.Error(w, `{"error":{"code":"invalid","message":"bad parent"}}`, http.StatusBadRequest)
			return
		}
		c.depth = p.depth + 1
	}
	if signedIn {
		f.signedPosts++
	}
	if req.Story != nil {
		f.infos[story] = map[string]string{"url": req.Story.URL, "lang": req.Story.Lang}
	}
	f.next++
	id := fmt.Sprintf("c%06d", f.next)
	f.comments[id] = c
	f.stories[story] = append(f.stories[story], id)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	fmt.Fprintf(w, `{"comment":{"id":%q,"depth":%d,"html":"<p>x</p>"},"commenterToken":"t"}`, id, c.depth)
}

func (f *fakeParley) counts(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := map[string]int{}
	for _, s := range r.URL.Query()["story"] {
		out[s] = len(f.stories[s])
	}
	_ = json.NewEncoder(w).Encode(map[string]any{"counts": out})
}

// page serves page 1 with the headers Parley promises, gzip when asked.
func (f *fakeParley) page(w http.ResponseWriter, r *http.Request) {
	story := r.PathValue("story")
	f.mu.Lock()
	n := len(f.stories[story])
	f.mu.Unlock()
	var list []string
	for i := range min(n, 20) {
		list = append(list, fmt.Sprintf(`{"id":"c%d","depth":0,"html":"<p>%s</p>"}`, i, strings.Repeat("Grüße ", 40)))
	}
	doc := fmt.Sprintf(`{"story":{"id":%q,"commentCount":%d},"comments":[%s]}`, story, n, strings.Join(list, ","))
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("ETag", fmt.Sprintf(`"%d"`, n))
	h.Set("Cache-Control", "public, max-age=5")
	h.Set("Vary", "Accept-Encoding")
	if !strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
		_, _ = w.Write([]byte(doc))
		return
	}
	h.Set("Content-Encoding", "gzip")
	zw := gzip.NewWriter(w)
	_, _ = zw.Write([]byte(doc))
	_ = zw.Close()
}

// stats returns the number of comments, replies and the deepest depth of a story.
func (f *fakeParley) stats(story string) (total, replies, deepest int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, id := range f.stories[story] {
		c := f.comments[id]
		total++
		if c.parent != "" {
			replies++
		}
		deepest = max(deepest, c.depth)
	}
	return total, replies, deepest
}

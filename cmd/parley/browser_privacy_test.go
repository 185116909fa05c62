package main

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"parley"
	"parley/internal/embed"
)

// anonymizingDemo serves the demo on a fresh SQLite file whose demo site
// anonymizes erased accounts from the start (a running server learns of a
// changed site only when its cache expires), and returns its URL.
func anonymizingDemo(t *testing.T) string {
	t.Helper()
	ctx := t.Context()
	store, err := openStore(ctx, "sqlite:"+filepath.Join(t.TempDir(), "parley.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	demo := &parley.Site{ID: embed.DemoSite, Name: "Parley-Demo", AllowAnonymous: true, EditWindow: parley.DefaultEditWindow,
		MaxBodyLength: parley.DefaultMaxBodyLength, Privacy: parley.Privacy{ErasePolicy: parley.EraseAnonymize}, CreatedAt: parley.Now()}
	if err := store.CreateSite(ctx, demo); err != nil {
		t.Fatal(err)
	}
	mustEmptyDemoStory(t, store)
	srv := httptest.NewUnstartedServer(nil)
	public := "http://" + srv.Listener.Addr().String()
	h, closeLive, err := newHandler(ctx, store, slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn})), handlerConfig{PublicURL: public, Demo: true})
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = h
	srv.Start()
	t.Cleanup(func() { closeLive(); srv.Close() })
	return public
}

// TestBrowserDeletedUser: on a site that anonymizes, a reader erases their
// account; the widget then shows their kept comment as by a deleted user
// in the page's language, without their name.
func TestBrowserDeletedUser(t *testing.T) {
	url := anonymizingDemo(t)
	text := "Mia möchte vergessen werden, ihr Text bleibt"
	in, _ := json.Marshal(map[string]any{"body": text, "author": map[string]string{"name": "Mia"}})
	resp, err := http.Post(url+"/api/v1/sites/demo/stories/demo-article/comments", "application/json", bytes.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	var posted struct {
		Token string `json:"commenterToken"`
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err := json.Unmarshal(raw, &posted); err != nil || posted.Token == "" {
		t.Fatalf("post: %s %s", resp.Status, raw)
	}
	req, _ := http.NewRequest("DELETE", url+"/api/v1/sites/demo/me", bytes.NewReader([]byte(`{"confirm":"delete"}`)))
	req.Header.Set("Authorization", "Bearer "+posted.Token)
	req.Header.Set("Content-Type", "application/json")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("erase: %s", resp.Status)
	}

	b := newTab(t, "reader")
	b.open(url + "/")
	b.waitFor("the kept comment", commentJS(text))
	author := evalJS[string](b, "named("+commentJS(text)+".querySelector('header b'))")
	if want := german.T("comment.deletedUser"); author != want {
		t.Errorf("author shown as %q, want %q%s", author, want, b.diagnose())
	}
}

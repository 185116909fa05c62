package main

// Helpers for the browser tests of the moderator UI: moderators with
// sessions in the desk's cookie, and comments for the queue.

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"parley"
)

// moderator makes a moderator of the demo site and returns their session.
func (a *testApp) moderator(t *testing.T, name string) string {
	t.Helper()
	ctx, now := t.Context(), parley.Now()
	u := &parley.User{ID: parley.NewID(now), SiteID: "demo", Name: name, Role: parley.RoleModerator, CreatedAt: now}
	if err := a.store.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	token, hash := parley.NewSessionToken()
	if err := a.store.CreateSession(ctx, &parley.Session{Hash: hash, UserID: u.ID, SiteID: "demo", Method: "email", CreatedAt: now, ExpiresAt: now.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	return token
}

// deskCookie puts the session of the demo site in the tab's desk cookie,
// as signing in at /admin does.
func (b *tab) deskCookie(appURL, token string) {
	b.t.Helper()
	value := base64.RawURLEncoding.EncodeToString([]byte(url.Values{"demo": {token}}.Encode()))
	b.do("set the desk cookie", chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		httpOnly := true
		_, err := chromedp.Call(ctx, network.SetCookie, network.SetCookieParams{Name: "parley-admin", Value: value, URL: appURL,
			HTTPOnly: &httpOnly, SameSite: network.CookieSameSiteStrict})
		return err
	}))
}

// hold posts a comment through the API and puts it in the pending queue,
// as a moderator's "back to the queue" would; it returns its ID.
func (a *testApp) hold(t *testing.T, story, author, body string) string {
	t.Helper()
	id := a.postAnyway(t, story, author, body).ID
	ctx := t.Context()
	err := a.store.Update(ctx, func(tx parley.Tx) error { return tx.SetCommentStatus(ctx, id, parley.StatusPending, parley.Now()) })
	if err != nil {
		t.Fatalf("hold %q: %v", body, err)
	}
	return id
}

// posted is what posting through the API gave.
type posted struct {
	ID, Status, Token string
}

// call sends JSON to the API as token (none for "") and decodes the answer.
func (a *testApp) call(t *testing.T, method, path, token string, in any, want int) map[string]any {
	t.Helper()
	body, _ := json.Marshal(in)
	req, _ := http.NewRequest(method, a.URL+"/api/v1"+path, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out map[string]any
	raw, _ := io.ReadAll(res.Body)
	if res.StatusCode != want || json.Unmarshal(raw, &out) != nil && want != http.StatusNoContent {
		t.Fatalf("%s %s: %s %s, want %d", method, path, res.Status, raw, want)
	}
	return out
}

// postAnyway posts a comment as a new commenter, confirming past a nudge,
// so that the pipeline decides it as it would a reader's.
func (a *testApp) postAnyway(t *testing.T, story, name, body string) posted {
	t.Helper()
	out := a.call(t, "POST", "/sites/demo/stories/"+url.PathEscape(story)+"/comments", "",
		map[string]any{"body": body, "author": map[string]string{"name": name}, "confirm": true}, http.StatusCreated)
	c, _ := out["comment"].(map[string]any)
	p := posted{Token: fmt.Sprint(out["commenterToken"])}
	p.ID, _ = c["id"].(string)
	p.Status, _ = c["status"].(string)
	return p
}

// commentStatus reads a comment's status from the store.
func (a *testApp) commentStatus(t *testing.T, id string) string {
	t.Helper()
	c, err := a.store.Comment(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	return c.Status
}

// inQueue is the JavaScript test of whether a tab's queue lists a comment.
func inQueue(id string) string { return "!!document.getElementById(" + jsString("c-"+id) + ")" }

// key presses one key in the tab, as a moderator at the keyboard would.
func (b *tab) key(k string) {
	b.t.Helper()
	b.do("press "+k, chromedp.KeyEvent(k))
}

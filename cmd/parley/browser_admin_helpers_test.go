package main

// Helpers for the browser tests of the moderator UI: moderators with
// sessions in the desk's cookie, and held comments with the pipeline's
// reasons and readers' reports, written straight to the store.

import (
	"context"
	"encoding/base64"
	"fmt"
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

// heldComment is one comment for the queue: what it says, who wrote it,
// why the pipeline held it and what readers reported.
type heldComment struct {
	Story, Author, Body string
	Reasons             []parley.Reason
	Reports             []string
	Edited              string // an earlier text, for an edited comment
}

// hold posts c through the API and puts it in the pending queue with its
// revisions and reports, as the pipeline and readers would; it returns the
// comment's ID.
func (a *testApp) hold(t *testing.T, c heldComment) string {
	t.Helper()
	id := a.apiPost(t, c.Story, "", c.Author, c.Body)
	ctx, now := t.Context(), parley.Now()
	err := a.store.Update(ctx, func(tx parley.Tx) error {
		if err := tx.SetCommentStatus(ctx, id, parley.StatusPending, now); err != nil {
			return err
		}
		texts := []string{c.Body}
		if c.Edited != "" {
			texts = []string{c.Edited, c.Body}
		}
		for i, body := range texts {
			r := &parley.Revision{CommentID: id, N: i + 1, Body: body, Status: parley.StatusPending, Reasons: c.Reasons, CreatedAt: now}
			if err := tx.AddRevision(ctx, r); err != nil && parley.ErrorCode(err) != parley.ECONFLICT {
				return err
			}
		}
		for i, reason := range c.Reports {
			u := &parley.User{ID: parley.NewID(now), SiteID: "demo", Name: fmt.Sprintf("Reader %d", i), CreatedAt: now}
			if err := tx.CreateUser(ctx, u); err != nil {
				return err
			}
			r := &parley.Report{ID: parley.NewID(now), CommentID: id, UserID: u.ID, Reason: reason, Note: "Bitte prüfen.", CreatedAt: now}
			if err := tx.CreateReport(ctx, r); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("hold %q: %v", c.Body, err)
	}
	return id
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

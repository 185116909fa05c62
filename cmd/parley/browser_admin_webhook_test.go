package main

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"parley"
)

// TestBrowserAdminWebhooks: in Chromium an admin adds an endpoint with
// the desk's plain form and is shown its secret, the one the store keeps;
// axe-core finds no WCAG 2.1 A/AA violation on the list (with the secret
// showing, and in German), the delivery log or the removal step.
func TestBrowserAdminWebhooks(t *testing.T) {
	axe := axeSource(t)
	b := newTab(t, "webhooks")
	app := startTestApp(t)
	b.deskCookie(app.URL, deskAdmin(t, app, "Ada Admin"))
	b.do("open the webhooks", chromedp.Navigate(app.URL+"/admin/sites/demo/webhooks"))
	b.waitFor("the add form", "!!document.querySelector('#hook-url')")
	b.fill("the endpoint URL", "document.querySelector('#hook-url')", "https://hooks.demo.example/parley")
	b.click("comment.created", "document.getElementById('ev-comment.created')")
	b.click("comment.rejected", "document.getElementById('ev-comment.rejected')")
	b.do("add it", chromedp.Submit(chromedp.CSS("#hook-url")))
	b.waitAcrossNavigation("the new secret", "!!document.querySelector('#secret')")
	shown := evalJS[string](b, "document.querySelector('#secret').value")
	hooks, err := app.store.SiteWebhooks(t.Context(), "demo")
	if err != nil || len(hooks) != 1 || hooks[0].Secrets[0].Value != shown || !strings.HasPrefix(shown, "whsec_") {
		t.Fatalf("the page shows %q, the store holds %+v (%v)", shown, hooks, err)
	}
	b.checkAxe("webhooks with the new secret, en", axe)
	now := parley.Now()
	d := &parley.WebhookDelivery{ID: parley.NewID(now), WebhookID: hooks[0].ID, SiteID: "demo", Event: parley.HookCommentCreated, Key: "k",
		Payload: []byte(`{}`), State: parley.DeliveryPending, NextAt: now.Add(time.Hour), CreatedAt: now}
	if ok, err := app.store.EnqueueDelivery(t.Context(), d); !ok || err != nil {
		t.Fatalf("enqueue: %v %v", ok, err)
	}
	path := "/admin/sites/demo/webhooks/" + hooks[0].ID
	b.do("the delivery log", chromedp.Navigate(app.URL+path))
	b.waitFor("the delivery log", "!!document.querySelector('button[type=submit] .visually-hidden')")
	b.checkAxe("delivery log, en", axe)
	b.do("switch to German", chromedp.Navigate(app.URL+"/admin/lang?to=de&back=/admin/sites/demo/webhooks"))
	b.waitFor("the German list", "document.documentElement.lang === 'de' && !!document.querySelector('table')")
	if evalJS[bool](b, "document.body.innerHTML.includes("+jsString(shown)+")") {
		t.Error("the list shows the secret again")
	}
	b.checkAxe("webhooks, de", axe)
	b.do("the removal step", chromedp.Navigate(app.URL+path+"/remove"))
	b.waitFor("the removal step", "!!document.querySelector('form.actions')")
	b.checkAxe("remove a webhook, de", axe)
}

// deskAdmin makes an admin of the demo site and returns a session token
// of theirs.
func deskAdmin(t *testing.T, app *testApp, name string) string {
	t.Helper()
	ctx, now := t.Context(), parley.Now()
	u := &parley.User{ID: parley.NewID(now), SiteID: "demo", Name: name, Role: parley.RoleAdmin, CreatedAt: now}
	if err := app.store.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	token, hash := parley.NewSessionToken()
	if err := app.store.CreateSession(ctx, &parley.Session{Hash: hash, UserID: u.ID, SiteID: "demo", Method: "email", CreatedAt: now, ExpiresAt: now.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	return token
}

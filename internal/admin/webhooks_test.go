package admin

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"parley"
	"parley/internal/realtime"
	"parley/internal/service"
)

// hookSessions adds the admin to the test's staff.
type hookSessions struct{ fakeSessions }

func (s hookSessions) Actor(ctx context.Context, token string) (*parley.Actor, error) {
	if token == tokAdmin {
		return &parley.Actor{User: &parley.User{ID: "adm", SiteID: "news", Name: "Ada"}, SiteID: "news", Role: parley.RoleAdmin, Method: parley.MethodSession}, nil
	}
	return s.fakeSessions.Actor(ctx, token)
}

const (
	hookID     = "01jdn9xq6w0000000000000h01"
	deliveryID = "01jdn9xq6w0000000000000d01"
	hookSecret = "whsec_" + "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
)

// fakeHooks is a webhook service over one site's endpoints that refuses
// anyone below admin, as authorize does, and records what changes.
type fakeHooks struct {
	hooks []*parley.Webhook
	calls []string
	n     int // secrets made, to make each one different
}

func newFakeHooks() *fakeHooks {
	return &fakeHooks{hooks: []*parley.Webhook{{ID: hookID, SiteID: "news", URL: "https://hooks.news.example/parley",
		Events: []string{parley.HookCommentCreated, parley.HookCommentRejected}, CreatedAt: testNow,
		Secrets: []parley.WebhookSecret{{ID: "s1", Value: hookSecret, CreatedAt: testNow}}}}}
}

func adminOnly(ctx context.Context, siteID string) error {
	if err := staff(ctx, siteID); err != nil {
		return err
	}
	if parley.ActorFrom(ctx).Role < parley.RoleAdmin {
		return parley.Errorf(parley.EFORBIDDEN, "role").Keyed("roleTooLow")
	}
	return nil
}

func (f *fakeHooks) Webhooks(ctx context.Context, siteID string) ([]*parley.Webhook, error) {
	if err := adminOnly(ctx, siteID); err != nil {
		return nil, err
	}
	return f.hooks, nil
}

func (f *fakeHooks) Webhook(ctx context.Context, siteID, id string) (*parley.Webhook, error) {
	if err := adminOnly(ctx, siteID); err != nil {
		return nil, err
	}
	for _, h := range f.hooks {
		if h.ID == id {
			return h, nil
		}
	}
	return nil, parley.Errorf(parley.ENOTFOUND, "No such webhook.")
}

func (f *fakeHooks) secret() parley.WebhookSecret {
	f.n++
	return parley.WebhookSecret{ID: "new", Value: "whsec_" + strings.Repeat("f", 63) + string(rune('0'+f.n)), CreatedAt: testNow}
}

func (f *fakeHooks) AddWebhook(ctx context.Context, siteID, target string, events []string) (*parley.Webhook, error) {
	if err := adminOnly(ctx, siteID); err != nil {
		return nil, err
	}
	if !strings.HasPrefix(target, "https://") {
		return nil, parley.Errorf(parley.EINVALID, "url").Keyed("webhookURL")
	}
	if len(events) == 0 || !parley.ValidWebhookEvent(events[0]) {
		return nil, parley.Errorf(parley.EINVALID, "events").Keyed("webhookEvents")
	}
	f.calls = append(f.calls, "add "+target+" "+strings.Join(events, ","))
	w := &parley.Webhook{ID: "01jdn9xq6w0000000000000h02", SiteID: siteID, URL: target, Events: events, CreatedAt: testNow, Secrets: []parley.WebhookSecret{f.secret()}}
	f.hooks = append(f.hooks, w)
	return w, nil
}

func (f *fakeHooks) RemoveWebhook(ctx context.Context, siteID, id string) error {
	if _, err := f.Webhook(ctx, siteID, id); err != nil {
		return err
	}
	f.calls = append(f.calls, "remove "+id)
	return nil
}

func (f *fakeHooks) RotateWebhook(ctx context.Context, siteID, id string, finish bool) (*parley.Webhook, error) {
	w, err := f.Webhook(ctx, siteID, id)
	if err != nil {
		return nil, err
	}
	if finish {
		f.calls = append(f.calls, "finish "+id)
		w.Secrets = w.Secrets[len(w.Secrets)-1:]
	} else {
		f.calls = append(f.calls, "rotate "+id)
		w.Secrets = append(w.Secrets, f.secret())
	}
	return w, nil
}

func (f *fakeHooks) Deliveries(ctx context.Context, siteID, id, cursor string, limit int) ([]service.DeliveryLog, string, error) {
	if _, err := f.Webhook(ctx, siteID, id); err != nil {
		return nil, "", err
	}
	if cursor != "" && !parley.ValidCommentID(cursor) {
		return nil, "", parley.Errorf(parley.EINVALID, "cursor").Keyed("badCursor")
	}
	d := &parley.WebhookDelivery{ID: deliveryID, WebhookID: id, SiteID: siteID, Event: parley.HookCommentRejected, State: parley.DeliveryFailed,
		Attempts: 3, CreatedAt: testNow, LastStatus: 502, LastError: "bad gateway <script>alert(1)</script>"}
	as := []*parley.WebhookAttempt{{DeliveryID: deliveryID, Attempt: 3, At: testNow, Status: 502, Latency: 1234 * time.Millisecond}}
	return []service.DeliveryLog{{Delivery: d, Attempts: as}}, deliveryID, nil
}

func (f *fakeHooks) Redeliver(ctx context.Context, siteID, id string) error {
	if err := adminOnly(ctx, siteID); err != nil {
		return err
	}
	if id != deliveryID {
		return parley.Errorf(parley.ENOTFOUND, "No such delivery.")
	}
	f.calls = append(f.calls, "redeliver "+id)
	return nil
}

// newHooksUI is the UI over the stand-ins with the webhook pages, signed
// in with token; logs are what it wrote to its log.
func newHooksUI(t *testing.T, token string) (u *testUI, hooks *fakeHooks, logs *bytes.Buffer) {
	t.Helper()
	hooks, logs = newFakeHooks(), &bytes.Buffer{}
	ui := New(&fakeService{}, slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})), Config{PublicURL: testURL, Sessions: hookSessions{},
		Key: []byte(strings.Repeat("k", 32)), Bus: realtime.NewBus(), Webhooks: hooks, Now: func() time.Time { return testNow }})
	mux := http.NewServeMux()
	ui.Register(mux)
	t.Cleanup(ui.Close)
	u = &testUI{t: t, svc: &fakeService{}, h: mux, ui: ui}
	u.signIn("news", token)
	return u, hooks, logs
}

const (
	hooksPath  = "/admin/sites/news/webhooks"
	hookPath   = hooksPath + "/" + hookID
	removePath = hookPath + "/remove"
)

// TestWebhookPagesRenderInEveryLanguage: the list, an endpoint's log and
// the removal step render in en, de, es and fr with no key left
// untranslated, nothing cached, the nav link to them, the log's columns
// as table headers and a receiver's error escaped.
func TestWebhookPagesRenderInEveryLanguage(t *testing.T) {
	words := map[string]string{"en": "Redeliver", "de": "Erneut senden", "es": "Reenviar", "fr": "Renvoyer"}
	for lang, word := range words {
		u, _, _ := newHooksUI(t, tokAdmin)
		for _, p := range []string{hooksPath, hookPath, removePath, "/admin/sites/news/audit"} {
			res := u.get(p, "Accept-Language", lang)
			body := res.Body.String()
			switch {
			case res.Code != http.StatusOK:
				t.Errorf("%s %s: %d\n%s", lang, p, res.Code, body)
			case !strings.Contains(body, `<html lang="`+lang+`">`):
				t.Errorf("%s %s: not in %s", lang, p, lang)
			case untranslated.MatchString(body):
				t.Errorf("%s %s: untranslated %q", lang, p, untranslated.FindString(body))
			case res.Header().Get("Cache-Control") != "no-store":
				t.Errorf("%s %s: Cache-Control %q", lang, p, res.Header().Get("Cache-Control"))
			case !strings.Contains(body, `href="`+hooksPath+`"`):
				t.Errorf("%s %s: no link to the webhooks", lang, p)
			case strings.Contains(body, "<script>"):
				t.Errorf("%s %s: a receiver's error reached the page unescaped", lang, p)
			case strings.Contains(body, hookSecret):
				t.Errorf("%s %s: shows a secret it made earlier", lang, p)
			}
		}
		body := u.get(hookPath, "Accept-Language", lang).Body.String()
		for _, want := range []string{word, `<th scope="col">`, "502", "1234 ms", "comment.rejected", `name="delivery" value="` + deliveryID + `"`, "?after=" + deliveryID} {
			if !strings.Contains(body, want) {
				t.Errorf("%s: the delivery log lacks %q", lang, want)
			}
		}
		list := u.get(hooksPath, "Accept-Language", lang).Body.String()
		for _, want := range []string{"https://hooks.news.example/parley", `<th scope="row" class="body">`, `<legend>`, `for="ev-comment.created"`, `href="` + removePath + `"`} {
			if !strings.Contains(list, want) {
				t.Errorf("%s: the list lacks %q", lang, want)
			}
		}
	}
}

// TestEveryWebhookEventNamed: each event the form offers has its words in
// the catalog (the template builds the key, so the literal scan misses
// it), as does each delivery state.
func TestEveryWebhookEventNamed(t *testing.T) {
	keys := []string{"admin.hooks.state." + parley.DeliveryPending, "admin.hooks.state." + parley.DeliveryDelivered, "admin.hooks.state." + parley.DeliveryFailed}
	for _, e := range parley.WebhookEvents() {
		keys = append(keys, "admin.hooks.event."+e)
	}
	for _, k := range keys {
		if _, ok := en[k]; !ok {
			t.Errorf("%q is not in the catalog", k)
		}
	}
}

// TestWebhookSecretShownOnce: adding an endpoint answers with its secret
// on the page, in no header and no log line; the list shows it no more,
// nor does any other page. A rotation's new secret is shown the same way.
func TestWebhookSecretShownOnce(t *testing.T) {
	u, hooks, logs := newHooksUI(t, tokAdmin)
	res := u.post(hooksPath, u.form("url", "https://crm.news.example/in", "event", parley.HookCommentCreated, "event", parley.HookUserBanned))
	if res.Code != http.StatusOK || !slices.Contains(hooks.calls, "add https://crm.news.example/in comment.created,user.banned") {
		t.Fatalf("add: %d, calls %q\n%s", res.Code, hooks.calls, res.Body)
	}
	secret := hooks.hooks[1].Secrets[0].Value
	body := res.Body.String()
	if !strings.Contains(body, `value="`+secret+`"`) || !strings.Contains(body, "https://crm.news.example/in") {
		t.Fatalf("the answer to the add does not show the new secret\n%s", body)
	}
	for k, vs := range res.Header() {
		if strings.Contains(strings.Join(vs, " "), secret) {
			t.Errorf("the secret is in the header %s", k)
		}
	}
	for _, p := range []string{hooksPath, hooksPath + "/01jdn9xq6w0000000000000h02", "/admin/sites/news"} {
		if strings.Contains(u.get(p).Body.String(), secret) {
			t.Errorf("%s shows the secret again", p)
		}
	}

	res = u.post(hookPath+"/rotate", u.form())
	rotated := hooks.hooks[0].Secrets[1].Value
	if res.Code != http.StatusOK || !strings.Contains(res.Body.String(), `value="`+rotated+`"`) || strings.Contains(res.Body.String(), hookSecret) {
		t.Fatalf("rotate: %d, the answer does not show the new secret alone\n%s", res.Code, res.Body)
	}
	if !strings.Contains(u.get(hooksPath).Body.String(), "Finish rotation") {
		t.Error("an endpoint with two secrets offers no way to finish the rotation")
	}
	res = u.post(hookPath+"/rotate", u.form("finish", "1"))
	if res.Code != http.StatusSeeOther || res.Header().Get("Location") != testURL+hooksPath+"?done=finished" || len(hooks.hooks[0].Secrets) != 1 {
		t.Errorf("finish: %d to %q", res.Code, res.Header().Get("Location"))
	}
	for _, s := range []string{secret, rotated, hookSecret} {
		if strings.Contains(logs.String(), s) {
			t.Errorf("a secret reached the log:\n%s", logs)
		}
	}
}

// TestWebhookAddRefused: a URL or events the service refuses come back
// in the form, said in words, with what was typed still there.
func TestWebhookAddRefused(t *testing.T) {
	u, hooks, _ := newHooksUI(t, tokAdmin)
	res := u.post(hooksPath, u.form("url", "http://10.0.0.1/x", "event", parley.HookCommentCreated), "Accept-Language", "de")
	body := res.Body.String()
	if res.Code != http.StatusBadRequest || !strings.Contains(body, "https-URL") || !strings.Contains(body, `value="http://10.0.0.1/x"`) ||
		!strings.Contains(body, `value="comment.created" checked`) {
		t.Errorf("refused URL: %d\n%s", res.Code, body)
	}
	res = u.post(hooksPath, u.form("url", "https://ok.example/"))
	if res.Code != http.StatusBadRequest || !strings.Contains(res.Body.String(), "Pick at least one event.") {
		t.Errorf("no event: %d", res.Code)
	}
	if len(hooks.calls) > 0 {
		t.Errorf("refused adds were recorded: %q", hooks.calls)
	}
}

// TestWebhookRemoveAndRedeliver: removal asks first on a page of its own
// (a form with the token, no script needed) and then returns to the list;
// redeliver returns to the log saying so.
func TestWebhookRemoveAndRedeliver(t *testing.T) {
	u, hooks, _ := newHooksUI(t, tokAdmin)
	confirm := u.get(removePath).Body.String()
	if !strings.Contains(confirm, `action="`+removePath+`"`) || !strings.Contains(confirm, `name="csrf" value="`+u.csrf+`"`) || len(hooks.calls) > 0 {
		t.Fatalf("the removal step lacks its form, or removed already (%q)\n%s", hooks.calls, confirm)
	}
	res := u.post(removePath, u.form())
	if res.Code != http.StatusSeeOther || res.Header().Get("Location") != testURL+hooksPath+"?done=removed" || !slices.Contains(hooks.calls, "remove "+hookID) {
		t.Errorf("remove: %d to %q, calls %q", res.Code, res.Header().Get("Location"), hooks.calls)
	}
	if !strings.Contains(u.get(hooksPath+"?done=removed").Body.String(), "was removed") {
		t.Error("the list does not say that the webhook was removed")
	}
	res = u.post(hookPath+"/redeliver", u.form("delivery", deliveryID))
	if res.Code != http.StatusSeeOther || res.Header().Get("Location") != testURL+hookPath+"?done=redelivered" || !slices.Contains(hooks.calls, "redeliver "+deliveryID) {
		t.Errorf("redeliver: %d to %q, calls %q", res.Code, res.Header().Get("Location"), hooks.calls)
	}
	if !strings.Contains(u.get(hookPath+"?done=redelivered").Body.String(), "sent again") {
		t.Error("the log does not say that the delivery goes again")
	}
}

// TestWebhookFormsNeedToken: every webhook form is refused (403) without
// the browser's CSRF token or from another origin, and reaches nothing.
func TestWebhookFormsNeedToken(t *testing.T) {
	u, hooks, _ := newHooksUI(t, tokAdmin)
	u.form() // the browser has its token, but sends none or another
	forms := map[string]url.Values{
		hooksPath:               {"url": {"https://evil.example/"}, "event": {parley.HookCommentCreated}},
		hookPath + "/rotate":    {},
		removePath:              {},
		hookPath + "/redeliver": {"delivery": {deliveryID}},
	}
	for p, f := range forms {
		for name, form := range map[string]url.Values{"no token": f, "wrong token": merge(f, "csrf", "x")} {
			if res := u.post(p, form); res.Code != http.StatusForbidden {
				t.Errorf("%s %s: %d, want 403", name, p, res.Code)
			}
		}
		if res := u.post(p, merge(f, "csrf", u.csrf), "Origin", "https://evil.example"); res.Code != http.StatusForbidden {
			t.Errorf("foreign origin %s: %d, want 403", p, res.Code)
		}
	}
	if len(hooks.calls) > 0 {
		t.Fatalf("refused posts reached the service: %q", hooks.calls)
	}
}

func merge(v url.Values, k, val string) url.Values {
	out := url.Values{k: {val}}
	for key, vs := range v {
		out[key] = vs
	}
	return out
}

// TestWebhooksOnlyForAdmins: a moderator, who has the rest of the desk,
// sees no link to the webhooks and is refused (403, in words that say
// why) on each of their pages and forms; so is a commenter.
func TestWebhooksOnlyForAdmins(t *testing.T) {
	pages := []string{hooksPath, hookPath, removePath}
	posts := []string{hooksPath, hookPath + "/rotate", removePath, hookPath + "/redeliver"}
	for _, tok := range []string{tokModerator, tokCommenter} {
		u, hooks, _ := newHooksUI(t, tok)
		for _, p := range pages {
			res := u.get(p)
			if res.Code != http.StatusForbidden || strings.Contains(res.Body.String(), "hooks.news.example") {
				t.Errorf("%s GET %s: %d", tok[:5], p, res.Code)
			}
			if tok == tokModerator && !strings.Contains(res.Body.String(), "Only admins of this site can manage its webhooks.") {
				t.Errorf("moderator GET %s: the refusal does not say why\n%s", p, res.Body)
			}
		}
		for _, p := range posts {
			if res := u.post(p, u.form("url", "https://x.example/", "event", parley.HookCommentCreated, "delivery", deliveryID)); res.Code != http.StatusForbidden {
				t.Errorf("%s POST %s: %d", tok[:5], p, res.Code)
			}
		}
		if len(hooks.calls) > 0 {
			t.Errorf("refused posts reached the service: %q", hooks.calls)
		}
	}
	u, _, _ := newHooksUI(t, tokModerator)
	if body := u.get("/admin/sites/news").Body.String(); strings.Contains(body, `href="`+hooksPath+`"`) {
		t.Error("a moderator's desk links to the webhooks")
	}
}

// TestWebhookHostileInput: nothing in a path, query or form makes a
// webhook page answer 500, and no answer leads off the desk.
func TestWebhookHostileInput(t *testing.T) {
	u, _, _ := newHooksUI(t, tokAdmin)
	for _, p := range []string{hooksPath + "/%00", hooksPath + "/..%2f..", hookPath + "?after=%27%20OR%201=1", hookPath + "?after=" + strings.Repeat("x", 5000),
		hooksPath + "/nope/remove", hooksPath + "?done=%3Cscript%3E"} {
		if res := u.get(p); res.Code >= 500 {
			t.Errorf("GET %s: %d", p, res.Code)
		}
	}
	for p, f := range map[string]url.Values{
		hooksPath:                       u.form("url", "javascript:alert(1)", "event", "<script>"),
		hooksPath + "/nope/rotate":      u.form(),
		hooksPath + "/nope/remove":      u.form(),
		hookPath + "/redeliver":         u.form("delivery", "../../x"),
		hooksPath + "/%2e%2e/redeliver": u.form("delivery", deliveryID),
	} {
		res := u.post(p, f)
		if res.Code >= 500 {
			t.Errorf("POST %s: %d", p, res.Code)
		}
		if loc := res.Header().Get("Location"); loc != "" && !strings.HasPrefix(loc, testURL+hooksPath) {
			t.Errorf("POST %s leads to %q", p, loc)
		}
	}
}

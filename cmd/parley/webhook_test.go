package main

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"parley"
	"parley/internal/follow"
	"parley/internal/outbox"
	"parley/internal/store/postgres/pgtest"
)

// hookReceiver is a publisher's server: it keeps what it was sent.
type hookReceiver struct {
	mu    sync.Mutex
	got   []receivedHook
	codes []int // the statuses to answer, in turn; then 204
}

type receivedHook struct {
	event, signature string
	body             []byte
}

func (h *hookReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	h.mu.Lock()
	defer h.mu.Unlock()
	h.got = append(h.got, receivedHook{event: r.Header.Get("Parley-Event"), signature: r.Header.Get("Parley-Signature"), body: body})
	code := http.StatusNoContent
	if len(h.codes) > 0 {
		code, h.codes = h.codes[0], h.codes[1:]
	}
	w.WriteHeader(code)
}

// signedBy reports whether a signature header holds a v1 of secret.
func signedBy(header, secret string, body []byte) bool {
	fields := strings.Split(header, ",")
	ts, ok := strings.CutPrefix(fields[0], "t=")
	if !ok {
		return false
	}
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(ts + "."))
	m.Write(body)
	want := "v1=" + hex.EncodeToString(m.Sum(nil))
	for _, f := range fields[1:] {
		if hmac.Equal([]byte(f), []byte(want)) {
			return true
		}
	}
	return false
}

var secretPattern = regexp.MustCompile(`secret (whsec_[0-9a-f]{64})`)

// TestWebhooksAndInbox runs the whole way on both backends: an endpoint
// added with `parley webhook add`, comments posted through the API, the
// follower of the logs, the relay to a real receiver (which fails once),
// the delivery log and a redelivery from the command line, a rotation,
// and the reply in the inbox of the parent's author, read and marked
// read through the API.
func TestWebhooksAndInbox(t *testing.T) {
	for name, dsn := range map[string]func(t *testing.T) string{
		"sqlite":   func(t *testing.T) string { return "sqlite:" + filepath.Join(t.TempDir(), "parley.db") },
		"postgres": func(t *testing.T) string { return pgtest.SchemaURL(t, pgtest.URL(t)) },
	} {
		t.Run(name, func(t *testing.T) { testWebhooksAndInbox(t, dsn(t)) })
	}
}

func testWebhooksAndInbox(t *testing.T, dsn string) {
	ctx := t.Context()
	getenv := func(string) string { return "" }
	cmd := func(args ...string) string {
		t.Helper()
		var stdout, stderr bytes.Buffer
		if err := run(ctx, append(args, "--database", dsn), getenv, &stdout, &stderr); err != nil {
			t.Fatalf("parley %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
		}
		return stdout.String()
	}
	cmd("site", "create", "--id", "news", "--name", "News", "--anonymous", "--rate-limit", "off")
	rc := &hookReceiver{codes: []int{http.StatusInternalServerError}}
	receiver := httptest.NewServer(rc)
	t.Cleanup(receiver.Close)

	var stdout, stderr bytes.Buffer
	err := run(ctx, []string{"webhook", "add", "--database", dsn, "--site", "news", "--url", receiver.URL + "/parley", "--event", "comment.created"}, getenv, &stdout, &stderr)
	if err == nil || !strings.Contains(err.Error(), "https") {
		t.Errorf("webhook add of a plain http URL without --webhook-allow-private: %v, want refused", err)
	}
	out := cmd("webhook", "add", "--site", "news", "--url", receiver.URL+"/parley", "--event", "comment.created", "--event", "comment.edited", "--webhook-allow-private")
	m := secretPattern.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("webhook add printed no secret:\n%s", out)
	}
	secret, hookID := m[1], strings.Fields(out)[0]

	store, err := openStore(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	log := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	d := &follow.Deriver{}
	f := follow.New(store, follow.Options{Logger: log}, follow.EventLog(store, d), follow.AuditLog(store, d))
	if err := f.RunOnce(ctx); err != nil { // the first run places the event cursor
		t.Fatal(err)
	}
	hooks, err := outbox.NewHooks(store, outbox.HookOptions{AllowPrivate: true, Logger: log, BaseDelay: 1})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(nil)
	h, closeLive, err := newHandler(ctx, store, log, handlerConfig{PublicURL: "http://" + srv.Listener.Addr().String(), Changed: f.Wake})
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = h
	srv.Start()
	t.Cleanup(func() { closeLive(); srv.Close() })

	post := func(token, parent, body string) (id, newToken string) {
		t.Helper()
		req := map[string]any{"body": body, "author": map[string]string{"name": "Lena"}, "parentId": parent}
		raw, _ := json.Marshal(req)
		r, _ := http.NewRequest("POST", srv.URL+"/api/v1/sites/news/stories/s1/comments", bytes.NewReader(raw))
		r.Header.Set("Content-Type", "application/json")
		if token != "" {
			r.Header.Set("Authorization", "Bearer "+token)
		}
		res, err := http.DefaultClient.Do(r)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var p struct {
			Comment        struct{ ID string }
			CommenterToken string
		}
		if res.StatusCode != http.StatusCreated || json.NewDecoder(res.Body).Decode(&p) != nil {
			t.Fatalf("post: %s", res.Status)
		}
		return p.Comment.ID, p.CommenterToken
	}
	api := func(method, path, token, body string) (int, map[string]any) {
		t.Helper()
		r, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		r.Header.Set("Authorization", "Bearer "+token)
		if body != "" {
			r.Header.Set("Content-Type", "application/json")
		}
		res, err := http.DefaultClient.Do(r)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var v map[string]any
		json.NewDecoder(res.Body).Decode(&v)
		return res.StatusCode, v
	}
	deliver := func() {
		t.Helper()
		if err := f.RunOnce(ctx); err != nil {
			t.Fatal(err)
		}
		for { // until nothing is due: retries are due at once (BaseDelay 1ns)
			n, err := hooks.RunOnce(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if n == 0 {
				return
			}
		}
	}

	top, lena := post("", "", "Endlich ein Bus nach Mitternacht.")
	reply, ben := post("", top, "Das sehe ich anders.")
	deliver()

	rc.mu.Lock()
	got := rc.got
	rc.mu.Unlock()
	if len(got) != 3 {
		t.Fatalf("the receiver got %d calls, want 3 (a 500, then both comments)", len(got))
	}
	ids := map[string]bool{}
	for _, g := range got[1:] {
		if g.event != "comment.created" || !signedBy(g.signature, secret, g.body) {
			t.Errorf("delivery %s with signature %q is not signed by the endpoint's secret", g.event, g.signature)
		}
		var p follow.Payload
		if err := json.Unmarshal(g.body, &p); err != nil {
			t.Fatal(err)
		}
		ids[p.Comment.ID] = true
		if strings.Contains(string(g.body), "ipHash") || strings.Contains(string(g.body), "email") || strings.Contains(string(g.body), "whsec_") {
			t.Errorf("payload holds something personal or secret: %s", g.body)
		}
	}
	if !ids[top] || !ids[reply] {
		t.Errorf("delivered comments %v, want %s and %s", ids, top, reply)
	}

	log2 := cmd("webhook", "deliveries", "--site", "news", "--id", hookID)
	if !strings.Contains(log2, " 500 ") || strings.Count(log2, " 204 ") != 2 || !strings.Contains(log2, "HTTP 500") {
		t.Errorf("webhook deliveries =\n%s\nwant the 500 and two 204s", log2)
	}
	delivery := strings.Fields(strings.Split(strings.TrimSpace(log2), "\n")[1])[0]
	out = cmd("webhook", "rotate", "--site", "news", "--id", hookID)
	newSecret := regexp.MustCompile(`new secret (whsec_[0-9a-f]{64})`).FindStringSubmatch(out)
	if newSecret == nil {
		t.Fatalf("webhook rotate printed no new secret:\n%s", out)
	}
	cmd("webhook", "redeliver", "--site", "news", "--delivery", delivery)
	deliver()
	rc.mu.Lock()
	last := rc.got[len(rc.got)-1]
	rc.mu.Unlock()
	if !signedBy(last.signature, secret, last.body) || !signedBy(last.signature, newSecret[1], last.body) {
		t.Errorf("a delivery during the rotation is not signed with both secrets: %s", last.signature)
	}

	status, inbox := api("GET", "/api/v1/sites/news/inbox", lena, "")
	items, _ := inbox["items"].([]any)
	if status != 200 || len(items) != 1 || inbox["unread"] != 1.0 {
		t.Fatalf("Lena's inbox = %d %v, want the reply, unread", status, inbox)
	}
	item := items[0].(map[string]any)
	if item["kind"] != parley.InboxReply || item["comment"].(map[string]any)["id"] != reply {
		t.Errorf("inbox item = %v, want the reply %s", item, reply)
	}
	if status, v := api("GET", "/api/v1/sites/news/inbox", ben, ""); status != 200 || len(v["items"].([]any)) != 0 {
		t.Errorf("Ben's inbox = %d %v, want empty (his own reply is no news to him)", status, v)
	}
	if status, _ := api("GET", "/api/v1/sites/news/inbox", "", ""); status != 401 {
		t.Errorf("an inbox without a token = %d, want 401", status)
	}
	if status, v := api("POST", "/api/v1/sites/news/inbox/read", lena, `{"ids":["`+item["id"].(string)+`"]}`); status != 200 || v["unread"] != 0.0 {
		t.Errorf("mark read = %d %v, want unread 0", status, v)
	}
	if status, v := api("GET", "/api/v1/sites/news/inbox/unread", lena, ""); status != 200 || v["unread"] != 0.0 {
		t.Errorf("unread = %d %v, want 0", status, v)
	}
	if status, _ := api("POST", "/api/v1/sites/news/inbox/read", lena, `{"ids":["x"],"all":true}`); status != 400 {
		t.Errorf("mark read with ids and all = %d, want 400", status)
	}
	out = cmd("webhook", "remove", "--site", "news", "--id", hookID)
	if out = cmd("webhook", "list", "--site", "news"); out != "" {
		t.Errorf("webhook list after remove = %q, want nothing", out)
	}
}

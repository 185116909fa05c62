package main

// Helpers for the browser tests in browser_test.go: Parley served
// in-process behind a request log, Chromium started through chromedp, and
// small actions on the <parley-discussion> block in its open shadow root.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"parley"
	"parley/internal/embed"
)

// chromiumPath is where Debian's chromium package puts the browser.
const chromiumPath = "/usr/bin/chromium"

// testApp is Parley with the demo site, served in-process, plus minimal
// pages in other languages that carry the block without a fragment.
type testApp struct {
	URL   string
	log   *requestLog
	store parley.Store
}

// startTestApp serves newHandler on a fresh SQLite file until the test
// ends. origins, if any, are the demo site's allowed origins.
func startTestApp(t *testing.T, origins ...string) *testApp {
	t.Helper()
	var demo *parley.Site
	if len(origins) > 0 {
		demo = &parley.Site{ID: embed.DemoSite, Name: "Parley-Demo", AllowAnonymous: true, Origins: origins,
			EditWindow: parley.DefaultEditWindow, MaxBodyLength: parley.DefaultMaxBodyLength}
	}
	return startTestAppWith(t, demo, handlerConfig{}, nil)
}

// startTestAppWith is startTestApp with the demo site demo (nil: made as
// --demo makes it) and the handler configured as hc (its PublicURL and
// Demo are set here), and routes served before Parley's own (stand-ins
// for endpoints other branches build).
func startTestAppWith(t *testing.T, demo *parley.Site, hc handlerConfig, routes map[string]http.Handler) *testApp {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	store, err := openStore(ctx, "sqlite:"+filepath.Join(t.TempDir(), "parley.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	if demo != nil {
		if demo.RateLimit == (parley.RateLimit{}) {
			demo.RateLimit = testRateLimit
		}
		if err := store.CreateSite(ctx, demo); err != nil {
			t.Fatal(err)
		}
	}
	log := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	mustEmptyDemoStory(t, store)
	// The server's address is Parley's public URL, so it must be known
	// before the handler is made.
	srv := httptest.NewUnstartedServer(nil)
	app := &testApp{log: newRequestLog(), store: store, URL: "http://" + srv.Listener.Addr().String()}
	hc.PublicURL, hc.Demo = app.URL, true
	h, closeLive, err := newHandler(ctx, store, log, hc)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/", h)
	for _, lang := range []string{"en", "es", "fr"} {
		mux.Handle("GET /"+lang, langPage(lang))
	}
	mux.Handle("GET /sso", ssoPage)
	for pattern, h := range routes {
		mux.Handle(pattern, h)
	}
	srv.Config.Handler = app.log.wrap(mux)
	srv.Start()
	t.Cleanup(func() { closeLive(); srv.Close() })
	return app
}

// pageTmpl is a publisher's page without a server-rendered fragment.
var pageTmpl = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="{{.Lang}}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Parley test page ({{.Lang}})</title></head>
<body><main><h1>Parley test page</h1>
<parley-discussion site="demo" story="{{.Story}}"></parley-discussion>
<script src="/embed.js" async></script></main></body></html>`))

// langPage serves pageTmpl in lang for the story in ?story= (default
// "page-LANG").
func langPage(lang string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		story := r.URL.Query().Get("story")
		if story == "" {
			story = "page-" + lang
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		pageTmpl.Execute(w, map[string]string{"Lang": lang, "Story": story})
	})
}

// seenRequest is one request the app received.
type seenRequest struct {
	Method, Path, Query, LastEventID, Agent string
}

func (r seenRequest) String() string {
	s := r.Method + " " + r.Path
	if r.Query != "" {
		s += "?" + r.Query
	}
	if r.LastEventID != "" {
		s += " (Last-Event-ID " + r.LastEventID + ")"
	}
	return s
}

// requestLog is a middleware that counts requests and keeps hold of the
// open live streams, so that tests can see and end them.
type requestLog struct {
	mu      sync.Mutex
	reqs    []seenRequest
	streams map[*openStream]bool
}

// openStream is one live event stream; ready once its headers are flushed.
type openStream struct {
	agent  string
	path   string
	ready  bool
	cancel context.CancelFunc
}

func newRequestLog() *requestLog { return &requestLog{streams: map[*openStream]bool{}} }

func (l *requestLog) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		l.mu.Lock()
		l.reqs = append(l.reqs, seenRequest{r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Get("Last-Event-ID"), r.UserAgent()})
		l.mu.Unlock()
		if !strings.HasSuffix(r.URL.Path, "/events") {
			next.ServeHTTP(w, r)
			return
		}
		ctx, cancel := context.WithCancel(r.Context())
		s := &openStream{agent: r.UserAgent(), path: r.URL.Path, cancel: cancel}
		l.mu.Lock()
		l.streams[s] = true
		l.mu.Unlock()
		detached := false
		defer func() {
			l.mu.Lock()
			if !detached {
				delete(l.streams, s)
			}
			l.mu.Unlock()
			cancel()
		}()
		// A stream that takes its connection over (httpapi/events_detach.go)
		// outlives the handler: it stays counted until the connection closes,
		// and dropping it closes the connection.
		hijacked := func(c net.Conn) net.Conn {
			tc := &trackedConn{Conn: c, closed: func() { l.mu.Lock(); delete(l.streams, s); l.mu.Unlock() }}
			l.mu.Lock()
			detached, s.cancel = true, func() { tc.Close() }
			l.mu.Unlock()
			return tc
		}
		next.ServeHTTP(&flushWatcher{ResponseWriter: w, flushed: func() { l.mu.Lock(); s.ready = true; l.mu.Unlock() }, hijacked: hijacked}, r.WithContext(ctx))
	})
}

// trackedConn is a detached stream's connection; closed runs once, when
// it closes.
type trackedConn struct {
	net.Conn
	once   sync.Once
	closed func()
}

func (c *trackedConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.closed)
	return err
}

// flushWatcher tells when a stream has sent its first bytes, and when it
// takes its connection over.
type flushWatcher struct {
	http.ResponseWriter
	flushed  func()
	hijacked func(net.Conn) net.Conn
}

func (w *flushWatcher) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	c, brw, err := http.NewResponseController(w.ResponseWriter).Hijack()
	if err != nil {
		return nil, nil, err
	}
	return w.hijacked(c), brw, nil
}

func (w *flushWatcher) FlushError() error {
	err := http.NewResponseController(w.ResponseWriter).Flush()
	w.flushed()
	return err
}

func (w *flushWatcher) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// mark is a position in the log, for since.
func (l *requestLog) mark() int { l.mu.Lock(); defer l.mu.Unlock(); return len(l.reqs) }

// since returns the requests received after mark from browsers whose
// user agent contains agent.
func (l *requestLog) since(mark int, agent string) []seenRequest {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []seenRequest
	for _, r := range l.reqs[mark:] {
		if strings.Contains(r.Agent, agent) {
			out = append(out, r)
		}
	}
	return out
}

// liveStreams counts agent's ready streams of story.
func (l *requestLog) liveStreams(agent, story string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for s := range l.streams {
		if s.ready && strings.Contains(s.agent, agent) && strings.HasSuffix(s.path, "/stories/"+story+"/events") {
			n++
		}
	}
	return n
}

// dropStreams ends agent's live streams from the server side.
func (l *requestLog) dropStreams(agent string) {
	l.mu.Lock()
	var drop []context.CancelFunc
	for s := range l.streams {
		if strings.Contains(s.agent, agent) {
			drop = append(drop, s.cancel)
		}
	}
	l.mu.Unlock() // a detached stream's cancel takes the lock as its connection closes
	for _, cancel := range drop {
		cancel()
	}
}

// waitStreams waits until agent has exactly n live streams of story.
func (a *testApp) waitStreams(t *testing.T, agent, story string, n int) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for a.log.liveStreams(agent, story) != n {
		if time.Now().After(deadline) {
			t.Fatalf("browser %q has %d live event streams of %s, want %d; its requests: %v",
				agent, a.log.liveStreams(agent, story), story, n, a.log.since(0, agent))
		}
		<-tick.C
	}
}

// apiComment is a comment as the thread JSON sends it.
type apiComment struct {
	ID        string       `json:"id"`
	Status    string       `json:"status"`
	HTML      string       `json:"html"`
	EditedAt  string       `json:"editedAt"`
	Reactions int          `json:"reactions"`
	Author    *struct{}    `json:"author"`
	Replies   []apiComment `json:"replies"`
}

// apiThread is page 1 of a story as the API sends it.
type apiThread struct {
	Story struct {
		CommentCount int `json:"commentCount"`
	} `json:"story"`
	Comments []apiComment `json:"comments"`
}

// apiPost posts a comment as name (a new commenter each time) through the
// JSON API and returns its ID.
func (a *testApp) apiPost(t *testing.T, story, parentID, name, body string) string {
	t.Helper()
	in, _ := json.Marshal(map[string]any{"body": body, "parentId": parentID, "author": map[string]string{"name": name}})
	resp, err := http.Post(a.URL+"/api/v1/sites/demo/stories/"+url.PathEscape(story)+"/comments", "application/json", bytes.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct{ Comment apiComment }
	raw, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(raw, &out); err != nil || resp.StatusCode != http.StatusCreated {
		t.Fatalf("post %q: %s %s", body, resp.Status, raw)
	}
	return out.Comment.ID
}

// apiGetThread fetches page 1 of story, oldest first.
func (a *testApp) apiGetThread(t *testing.T, story string) apiThread {
	t.Helper()
	resp, err := http.Get(a.URL + "/api/v1/sites/demo/stories/" + url.PathEscape(story) + "/comments?sort=oldest")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var th apiThread
	if err := json.NewDecoder(resp.Body).Decode(&th); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("thread %s: %s, %v", story, resp.Status, err)
	}
	return th
}

// skipOrFailCI skips a test whose tool is missing, loudly, and fails it
// under CI=true, where .ci/run installs every tool.
func skipOrFailCI(t *testing.T, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if os.Getenv("CI") == "true" {
		t.Fatal(msg + " (CI=true: .ci/run must install it)")
	}
	t.Skip("SKIPPING BROWSER TEST: " + msg)
}

// tab is one tab in its own Chromium process, so that browsers share no
// storage. Its actions fail the test; failures show the block's text.
type tab struct {
	t     *testing.T
	ctx   context.Context
	agent string

	mu      sync.Mutex
	dialogs []string // JavaScript dialogs opened (and accepted)
	console []string // uncaught exceptions and console errors
}

// newTab starts Chromium for the rest of the test. agent is appended to
// the user agent, so the request log can tell browsers apart.
func newTab(t *testing.T, agent string) *tab {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		skipOrFailCI(t, "no Chromium at %s (apt-get install -y chromium)", chromiumPath)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.NoFirstRun, chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900), chromedp.UserAgent("Mozilla/5.0 (X11; Linux x86_64) HeadlessChrome ParleyTest/"+agent),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	b := &tab{t: t, ctx: ctx, agent: agent}
	b.watch()
	tctx, cancelT := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(cancelT)
	b.ctx = tctx
	b.do("enable the network domain", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := chromedp.Call(ctx, network.Enable, network.EnableParams{})
		return err
	}))
	return b
}

// watch accepts every JavaScript dialog (confirm() before deleting) and
// keeps dialogs and console errors for the assertions and failure messages.
func (b *tab) watch() {
	dialogs := chromedp.Events(b.ctx, page.JavascriptDialogOpening)
	go func() {
		for ev, err := range dialogs {
			if err != nil {
				return
			}
			b.mu.Lock()
			b.dialogs = append(b.dialogs, string(ev.Type)+": "+ev.Message)
			b.mu.Unlock()
			chromedp.Call(b.ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true})
		}
	}()
	messages := chromedp.Console(b.ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.IsException() || m.Type == chromedp.ConsoleError && !strings.HasSuffix(m.URL, "/favicon.ico") {
				b.mu.Lock()
				b.console = append(b.console, m.String())
				b.mu.Unlock()
			}
		}
	}()
}

// openedDialogs returns the JavaScript dialogs seen so far.
func (b *tab) openedDialogs() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.dialogs...)
}

// do runs actions, failing the test with what on error.
func (b *tab) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, actions...); err != nil {
		b.t.Fatalf("%s: %v%s", what, err, b.diagnose())
	}
}

// blockJS is prepended to every script: helpers to find things in the
// block's shadow root by what readers see (labels and button text).
const blockJS = `
const host = document.querySelector('parley-discussion'), root = host && host.shadowRoot;
const shown = (e) => !!e && e.getClientRects().length > 0 && getComputedStyle(e).visibility != 'hidden';
const all = (sel, scope) => (scope || root) ? [...(scope || root).querySelectorAll(sel)].filter(shown) : [];
const named = (e) => (e.getAttribute('aria-label') || e.textContent || '').replace(/\s+/g, ' ').trim();
const button = (label, scope) => all('button, a[href], [role=button]', scope).find((e) => named(e).startsWith(label));
const field = (label, scope) => all('label', scope).filter((l) => named(l).startsWith(label)).map((l) => l.control).find(shown);
const form = (name) => all('form').find((f) => (f.getAttribute('aria-label') || '').startsWith(name));
const comment = (text) => all('article').filter((a) => a.textContent.includes(text)).pop();
const focused = () => { let e = document.activeElement; while (e && e.shadowRoot && e.shadowRoot.activeElement) e = e.shadowRoot.activeElement; return e; };
const blockText = () => root ? [...root.children].filter((e) => !/^(STYLE|SCRIPT|LINK)$/.test(e.tagName)).map((e) => e.innerText).join('\n') : '(no shadow root on <parley-discussion>)';
`

// withBlockJS wraps expr so that it sees blockJS.
func withBlockJS(expr string) string { return "(() => {" + blockJS + "return (" + expr + ");})()" }

// evalJS evaluates expr (with blockJS) in the tab.
func evalJS[T any](b *tab, expr string) T {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](withBlockJS(expr), chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("evaluate %s: %v%s", expr, err, b.diagnose())
	}
	return v
}

// waitFor polls expr (with blockJS) until it is truthy.
func (b *tab) waitFor(what, expr string) {
	b.t.Helper()
	b.poll(what, withBlockJS(expr), expr)
}

// poll evaluates js until it is true, for up to 15 s, and fails the test
// naming what and expr otherwise. A navigation ends a poll with "Inspected
// target navigated" or "Cannot find context with specified id" (also when
// chromedp still holds the context of the page before): polling then
// starts again on the new page.
func (b *tab) poll(what, js, expr string) {
	b.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		ctx, cancel := context.WithDeadline(b.ctx, deadline)
		_, err := chromedp.Run(ctx, chromedp.Poll[chromedp.Void](js, chromedp.WithPollingInterval(50*time.Millisecond)))
		cancel()
		if err == nil {
			return
		}
		if !strings.Contains(err.Error(), "navigated") && !strings.Contains(err.Error(), "context with specified id") || time.Now().After(deadline) {
			b.t.Fatalf("waiting for %s (%s): %v%s", what, expr, err, b.diagnose())
		}
	}
}

// expect is waitFor that lets the test go on when expr stays false.
func (b *tab) expect(what, expr string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Poll[chromedp.Void](withBlockJS(expr), chromedp.WithPollingInterval(50*time.Millisecond))); err != nil {
		b.t.Errorf("expected %s (%s): %v%s", what, expr, err, b.diagnose())
	}
}

// diagnose describes the block and the console, for failure messages.
func (b *tab) diagnose() string {
	text, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](withBlockJS("blockText()")))
	if err != nil {
		text = "(cannot read the block: " + err.Error() + ")"
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	return fmt.Sprintf("\n--- the block's visible text:\n%s\n--- console errors: %q\n--- dialogs: %q", text, b.console, b.dialogs)
}

// open navigates and waits until the widget has rendered its block.
func (b *tab) open(url string) {
	b.t.Helper()
	b.do("open "+url, chromedp.Navigate(url))
	b.waitFor("the widget to render into <parley-discussion>'s shadow root", "root && all('form').length > 0")
}

// viewportPoint is a position in the viewport.
type viewportPoint struct{ X, Y float64 }

// click waits for the element expr finds and clicks its centre with the
// mouse, as a reader would.
func (b *tab) click(what, expr string) {
	b.t.Helper()
	b.waitFor(what, expr)
	p := evalJS[*viewportPoint](b, `(() => { const e = `+expr+`; e.scrollIntoView({block: 'center'});
		const r = e.getBoundingClientRect(); return {X: r.left + r.width / 2, Y: r.top + r.height / 2}; })()`)
	b.do("click "+what, chromedp.MouseClickXY(p.X, p.Y))
}

// typeText types s with key events into whatever has focus.
func (b *tab) typeText(s string) {
	b.t.Helper()
	b.do("type "+s, chromedp.KeyEvent(s))
}

// fill clicks the field expr finds and types s into it.
func (b *tab) fill(what, expr, s string) {
	b.t.Helper()
	b.click(what, expr)
	b.typeText(s)
}

// setOffline turns the tab's network off or on, as if the reader lost
// their connection.
func (b *tab) setOffline(offline bool) {
	b.t.Helper()
	b.do(fmt.Sprintf("set offline=%v", offline), chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		rules := []*network.Conditions{{Offline: offline, DownloadThroughput: -1, UploadThroughput: -1}}
		if _, err := chromedp.Call(ctx, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{MatchedNetworkConditions: rules}); err != nil {
			return err
		}
		_, err := chromedp.Call(ctx, network.OverrideNetworkState, network.OverrideNetworkStateParams{Offline: offline, DownloadThroughput: -1, UploadThroughput: -1})
		return err
	}))
}

// jsString makes a JavaScript string literal of s.
func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

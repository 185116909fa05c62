package widget

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"parley/widget/internal/bundle"
)

// budget is the most embed.js may weigh gzipped (-9), CSS included. It
// was 12 KiB until sign-in: sessions, SSO from the page, the e-mail link's
// code, the account bar, staff badges on comments and "deleted user" for
// erased accounts took embed.js from 11,754 to 13,350 bytes. The sign-in panel and the profile are not in
// it: they are embed-account.js, which only readers who open them load.
// Moderation (issue 8) then added what every reader must see in place: the
// bell with its unread count (inbox, 311 bytes: 13,512 to 13,823) and the
// entry of the notice form (dsa), 13,993 bytes together; the inbox panel
// and the notice form themselves are lazy chunks with budgets of their own.
const budget = 14 << 10

// accountBudget is the most embed-account.js may weigh gzipped (-9). It
// was 6 KiB (6,046 bytes) until the refusals a reader meets got their own
// messages: 18 refusal keys and the profile's passkey list and staff
// notice, each in four languages, took it to 8,417 bytes (about 80 bytes
// gzipped a message). Only readers who open the panel or profile pay it.
const accountBudget = 8<<10 + 512

// inboxBudget is the most embed-inbox.js may weigh gzipped (-9): the
// notification inbox, with its 23 messages in four languages and its own
// copy of the dialog helpers. Only readers who open the bell pay it.
const inboxBudget = 4 << 10

// noticeBudget is the most embed-notice.js may weigh gzipped (-9): the
// notice form, eight kinds of illegality and seven refusals in four
// languages measured 4,601 bytes. Only readers who open the form pay it;
// embed.js carries the button and the import (160 bytes).
const noticeBudget = 5 << 10

func TestCatalogKeys(t *testing.T) {
	for _, m := range bundle.Missing() {
		t.Errorf("widget key missing in catalog %s", m)
	}
}

// TestBundleFresh rebuilds in memory and compares with what is committed.
func TestBundleFresh(t *testing.T) {
	if got := mustRead(t, bundle.CatalogPath); !bytes.Equal(got, bundle.Catalog()) {
		t.Fatalf("%s is stale: run go generate ./widget", bundle.CatalogPath)
	}
	js, err := bundle.Build(".")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(mustRead(t, bundle.BundlePath), js) {
		t.Fatalf("%s is stale: run go generate ./widget", bundle.BundlePath)
	}
	if got := mustRead(t, bundle.AccountCatalogPath); !bytes.Equal(got, bundle.AccountCatalog()) {
		t.Fatalf("%s is stale: run go generate ./widget", bundle.AccountCatalogPath)
	}
	if js, err = bundle.BuildAccount("."); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(mustRead(t, bundle.AccountBundlePath), js) {
		t.Fatalf("%s is stale: run go generate ./widget", bundle.AccountBundlePath)
	}
	if got := mustRead(t, bundle.InboxCatalogPath); !bytes.Equal(got, bundle.InboxCatalog()) {
		t.Fatalf("%s is stale: run go generate ./widget", bundle.InboxCatalogPath)
	}
	if js, err = bundle.BuildInbox("."); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(mustRead(t, bundle.InboxBundlePath), js) {
		t.Fatalf("%s is stale: run go generate ./widget", bundle.InboxBundlePath)
	}
	if got := mustRead(t, bundle.NoticeCatalogPath); !bytes.Equal(got, bundle.NoticeCatalog()) {
		t.Fatalf("%s is stale: run go generate ./widget", bundle.NoticeCatalogPath)
	}
	if js, err = bundle.BuildNotice("."); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(mustRead(t, bundle.NoticeBundlePath), js) {
		t.Fatalf("%s is stale: run go generate ./widget", bundle.NoticeBundlePath)
	}
}

func TestBundleBudget(t *testing.T) {
	for path, max := range map[string]int{bundle.BundlePath: budget, bundle.AccountBundlePath: accountBudget, bundle.InboxBundlePath: inboxBudget, bundle.NoticeBundlePath: noticeBudget} {
		var b bytes.Buffer
		zw, err := gzip.NewWriterLevel(&b, gzip.BestCompression)
		if err != nil {
			t.Fatal(err)
		}
		zw.Write(mustRead(t, path))
		zw.Close()
		t.Logf("%s: %d bytes gzipped (-9), budget %d", path, b.Len(), max)
		if b.Len() > max {
			t.Errorf("%s is %d bytes gzipped, over the budget of %d", path, b.Len(), max)
		}
	}
}

func TestHandler(t *testing.T) {
	t.Run("embed.js", func(t *testing.T) { testHandler(t, Handler(), bundle.BundlePath) })
	t.Run("embed-inbox.js", func(t *testing.T) { testHandler(t, InboxHandler(), bundle.InboxBundlePath) })
	t.Run("embed-account.js", func(t *testing.T) { testHandler(t, AccountHandler(), bundle.AccountBundlePath) })
	t.Run("embed-notice.js", func(t *testing.T) { testHandler(t, NoticeHandler(), bundle.NoticeBundlePath) })
	if Handler().(*asset).etag == AccountHandler().(*asset).etag {
		t.Error("both bundles have one ETag")
	}
}

func testHandler(t *testing.T, h http.Handler, path string) {
	res := get(t, h, nil)
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "text/javascript; charset=utf-8" {
		t.Fatalf("status %d, type %q", res.StatusCode, res.Header.Get("Content-Type"))
	}
	for k, want := range map[string]string{"Cache-Control": cacheControl, "Access-Control-Allow-Origin": "*"} {
		if got := res.Header.Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	raw, _ := io.ReadAll(res.Body)
	if !bytes.Equal(raw, mustRead(t, path)) {
		t.Errorf("body is not %s", path)
	}
	etag := res.Header.Get("ETag")
	if res := get(t, h, map[string]string{"If-None-Match": etag}); res.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match: status %d, want 304", res.StatusCode)
	}
	res = get(t, h, map[string]string{"Accept-Encoding": "br, gzip"})
	if res.Header.Get("Content-Encoding") != "gzip" {
		t.Fatal("no gzip for Accept-Encoding: gzip")
	}
	zr, err := gzip.NewReader(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	if unz, _ := io.ReadAll(zr); !bytes.Equal(unz, raw) {
		t.Error("gzipped body differs from the bundle")
	}
}

func get(t *testing.T, h http.Handler, headers map[string]string) *http.Response {
	t.Helper()
	req := httptest.NewRequest("GET", "/embed.js", nil)
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

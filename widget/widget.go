// Package widget serves embed.js, the <parley-discussion> and <parley-count>
// web components that publishers put on their pages. The bundle is built
// from TypeScript in src/ by `go generate` (esbuild's Go API, no Node) and
// committed, so building the server needs neither.
package widget

//go:generate go run ./build

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
)

//go:embed dist/embed.js dist/embed-account.js dist/embed-inbox.js
//go:embed dist/embed.js dist/embed-account.js dist/embed-notice.js
var dist embed.FS

// cacheControl is short because the URL carries no version: publishers
// link /embed.js itself, and a fix should reach readers within minutes.
const cacheControl = "public, max-age=300"

// asset is the bundle prepared once: raw and gzipped bytes and their ETag.
type asset struct {
	raw, gz []byte
	etag    string
}

// Handler serves embed.js with an ETag, gzip for clients that take it and
// CORS open to every origin, since it is a public script.
func Handler() http.Handler { return handler("dist/embed.js") }

// AccountHandler serves embed-account.js, the sign-in panel and profile
// that embed.js imports on first use, as Handler serves embed.js.
func AccountHandler() http.Handler { return handler("dist/embed-account.js") }

// InboxHandler serves embed-inbox.js, the notification inbox that the
// bell imports on first use, as Handler serves embed.js.
func InboxHandler() http.Handler { return handler("dist/embed-inbox.js") }

// NoticeHandler serves embed-notice.js, the form of a notice of illegal
// content, as Handler serves embed.js.
func NoticeHandler() http.Handler { return handler("dist/embed-notice.js") }

func handler(name string) http.Handler {
	raw, err := dist.ReadFile(name)
	if err != nil {
		panic("widget: bundle missing from the binary: " + err.Error()) // cannot happen: embedded at compile time
	}
	return newAsset(raw)
}

func newAsset(raw []byte) *asset {
	sum := sha256.Sum256(raw)
	return &asset{raw: raw, gz: gzipped(raw), etag: `"` + hex.EncodeToString(sum[:12]) + `"`}
}

// gzipped compresses once at start, at the best level, since every page
// view of every publisher may fetch the result.
func gzipped(raw []byte) []byte {
	var b bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression) // the level is valid
	zw.Write(raw)
	zw.Close()
	return b.Bytes()
}

func (a *asset) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("ETag", a.etag)
	h.Set("Cache-Control", cacheControl)
	h.Set("Access-Control-Allow-Origin", "*")
	h.Add("Vary", "Accept-Encoding")
	if strings.Contains(r.Header.Get("If-None-Match"), a.etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Type", "text/javascript; charset=utf-8")
	body := a.raw
	if acceptsGzip(r) {
		body = a.gz
		h.Set("Content-Encoding", "gzip")
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

func acceptsGzip(r *http.Request) bool {
	for _, v := range r.Header.Values("Accept-Encoding") {
		if strings.Contains(v, "gzip") {
			return true
		}
	}
	return false
}

package pagecache

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Page is an encoded public response, ready to be written as it is to any
// number of readers: the body raw and gzipped, and its ETag.
type Page struct {
	raw, gz   []byte
	etag      string
	rawLength string
	gzLength  string
	made      time.Time
}

// NewPage encodes a page that will be served many times: it is worth the
// best compression.
func NewPage(raw []byte) *Page {
	p := barePage(raw)
	p.gz = compress(raw, gzip.BestCompression)
	p.gzLength = strconv.Itoa(len(p.gz))
	return p
}

// FreshPage encodes a page served once, for req: it is gzipped only if the
// client takes gzip, and quickly.
func FreshPage(req *http.Request, raw []byte) *Page {
	p := barePage(raw)
	if acceptsGzip(req) {
		p.gz = compress(raw, gzip.DefaultCompression)
		p.gzLength = strconv.Itoa(len(p.gz))
	}
	return p
}

func barePage(raw []byte) *Page {
	sum := sha256.Sum256(raw)
	return &Page{
		raw:       raw,
		etag:      `"` + base64.RawURLEncoding.EncodeToString(sum[:12]) + `"`,
		rawLength: strconv.Itoa(len(raw)),
	}
}

func compress(raw []byte, level int) []byte {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, level)
	zw.Write(raw)
	zw.Close()
	return buf.Bytes()
}

func (p *Page) size() int { return len(p.raw) + len(p.gz) + 128 }

// Serve writes p as a public JSON response: 304 when the client has it,
// gzip when the client takes it. Headers are set directly, already
// canonical, since this is the hottest path of all.
func (p *Page) Serve(w http.ResponseWriter, r *http.Request, cacheControl string) {
	h := w.Header()
	h["Etag"] = []string{p.etag}
	h["Cache-Control"] = []string{cacheControl}
	h["Vary"] = append(h["Vary"], "Accept-Encoding")
	if inm := r.Header["If-None-Match"]; len(inm) > 0 && strings.Contains(inm[0], p.etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h["Content-Type"] = []string{"application/json; charset=utf-8"}
	body, length := p.raw, p.rawLength
	if p.gz != nil && acceptsGzip(r) {
		body, length = p.gz, p.gzLength
		h["Content-Encoding"] = []string{"gzip"}
	}
	h["Content-Length"] = []string{length}
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

func acceptsGzip(r *http.Request) bool {
	for _, v := range r.Header["Accept-Encoding"] {
		if strings.Contains(v, "gzip") {
			return true
		}
	}
	return false
}

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
// number of readers: the body raw and gzipped, and its ETag. Its header
// values are prepared once, as the one-element slices a header map holds,
// so that serving it assigns them instead of allocating them per request.
// Each has its capacity equal to its length: a handler's Header().Add
// copies instead of writing into the slice every response shares.
type Page struct {
	raw, gz   []byte
	etag      string
	etagVal   []string // Etag
	rawLength []string // Content-Length of raw
	gzLength  []string // Content-Length of gz
	made      time.Time
}

// value is a header value prepared to be assigned to any number of header
// maps (see Page).
func value(v string) []string { return []string{v}[:1:1] }

// The header values every page shares, prepared once.
var (
	jsonType       = value("application/json; charset=utf-8")
	gzipEncoding   = value("gzip")
	varyOnEncoding = value("Accept-Encoding")
)

// CacheControl is a Cache-Control value prepared for Page.Serve. Make
// one per kind of page, once, with NewCacheControl.
type CacheControl struct{ val []string }

// NewCacheControl prepares the Cache-Control value v.
func NewCacheControl(v string) CacheControl { return CacheControl{val: value(v)} }

// NewPage encodes a page that will be served many times: it is worth the
// best compression.
func NewPage(raw []byte) *Page {
	p := barePage(raw)
	p.gz = compress(raw, gzip.BestCompression)
	p.gzLength = value(strconv.Itoa(len(p.gz)))
	return p
}

// FreshPage encodes a page served once, for req: it is gzipped only if the
// client takes gzip, and quickly.
func FreshPage(req *http.Request, raw []byte) *Page {
	p := barePage(raw)
	if acceptsGzip(req) {
		p.gz = compress(raw, gzip.DefaultCompression)
		p.gzLength = value(strconv.Itoa(len(p.gz)))
	}
	return p
}

func barePage(raw []byte) *Page {
	sum := sha256.Sum256(raw)
	etag := `"` + base64.RawURLEncoding.EncodeToString(sum[:12]) + `"`
	return &Page{raw: raw, etag: etag, etagVal: value(etag), rawLength: value(strconv.Itoa(len(raw)))}
}

func compress(raw []byte, level int) []byte {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, level)
	zw.Write(raw)
	zw.Close()
	return buf.Bytes()
}

func (p *Page) size() int { return len(p.raw) + len(p.gz) + 128 }

// ETag is the page's strong entity tag, quoted.
func (p *Page) ETag() string { return p.etag }

// Serve writes p as a public JSON response: 304 when the client has it,
// gzip when the client takes it. Headers are assigned directly, already
// canonical and prepared, since this is the hottest path of all: a cached
// page allocates nothing here. It returns the status it wrote, for a
// caller that times requests without wrapping w.
func (p *Page) Serve(w http.ResponseWriter, r *http.Request, cc CacheControl) (status int) {
	h := w.Header()
	h["Etag"] = p.etagVal
	h["Cache-Control"] = cc.val
	if vary := h["Vary"]; len(vary) == 0 {
		h["Vary"] = varyOnEncoding
	} else {
		h["Vary"] = append(vary, "Accept-Encoding") // after Origin, for a CORS request
	}
	if inm := r.Header["If-None-Match"]; len(inm) > 0 && strings.Contains(inm[0], p.etag) {
		w.WriteHeader(http.StatusNotModified)
		return http.StatusNotModified
	}
	h["Content-Type"] = jsonType
	body, length := p.raw, p.rawLength
	if p.gz != nil && acceptsGzip(r) {
		body, length = p.gz, p.gzLength
		h["Content-Encoding"] = gzipEncoding
	}
	h["Content-Length"] = length
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
	return http.StatusOK
}

func acceptsGzip(r *http.Request) bool {
	for _, v := range r.Header["Accept-Encoding"] {
		if strings.Contains(v, "gzip") {
			return true
		}
	}
	return false
}

package embed

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"net/http"
	"time"
)

// stylesheetCSS styles the demo page and the error pages. It is a file
// rather than a <style> element so that those pages can forbid inline
// styles in their Content-Security-Policy.
//
//go:embed parley.css
var stylesheetCSS []byte

// stylesheet serves parley.css, revalidated by an ETag of its content so
// that an upgrade shows at once while unchanged copies cost a 304.
func stylesheet() http.Handler {
	sum := sha256.Sum256(stylesheetCSS)
	etag := `"` + hex.EncodeToString(sum[:8]) + `"`
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Type", "text/css; charset=utf-8")
		h.Set("Cache-Control", "public, max-age=300")
		h.Set("ETag", etag)
		http.ServeContent(w, r, "parley.css", time.Time{}, bytes.NewReader(stylesheetCSS))
	})
}

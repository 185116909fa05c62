package embed

import (
	"bytes"
	"html/template"
	"net/http"
)

// Demo story: the article the demo page shows and the story it discusses.
const (
	DemoSite  = "demo"
	DemoStory = "demo-article"
)

// DemoPage serves a sample article in German with the discussion block
// rendered under it by the server, the way a publisher would include it.
func (b *Block) DemoPage() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		req := RequestFrom(r.URL.Query())
		req.SiteID, req.StoryID, req.PageURL = DemoSite, DemoStory, b.publicURL+"/"
		req.PostURL = b.postURL(DemoSite, DemoStory)
		if req.Lang == "" {
			req.Lang = "de"
		}
		var block bytes.Buffer
		if err := b.Render(r.Context(), &block, req); err != nil {
			b.fail(w, r, req.Lang, err)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-cache")
		b.tmpl.ExecuteTemplate(w, "demo", map[string]any{
			"Block":     template.HTML(block.String()),
			"Canonical": b.publicURL + "/",
		})
	})
}

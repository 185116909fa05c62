package httpapi

import (
	_ "embed"
	"net/http"

	"parley/internal/pagecache"
)

// openAPIDocument describes every route of the routes table; a test keeps
// the two in step.
//
//go:embed openapi.json
var openAPIDocument []byte

// openAPICacheControl lets anyone keep the document for five minutes.
var openAPICacheControl = pagecache.NewCacheControl("public, max-age=300")

func (a *API) openAPI(w http.ResponseWriter, r *http.Request) error {
	a.openAPIPage.Serve(w, r, openAPICacheControl)
	return nil
}

package httpapi

import (
	_ "embed"
	"net/http"
)

// openAPIDocument describes every route of the routes table; a test keeps
// the two in step.
//
//go:embed openapi.json
var openAPIDocument []byte

func (a *API) openAPI(w http.ResponseWriter, r *http.Request) error {
	a.openAPIPage.Serve(w, r, "public, max-age=300")
	return nil
}

package httpapi

import (
	"net/http"
	"parley/internal/wire"

	"parley"
)

type stateResponse struct {
	User      *wire.Author    `json:"user"`
	Reactions []string        `json:"reactions"`
	Comments  []*wire.Comment `json:"comments"`
}

// state returns what is personal to the caller on a story; it is never
// cached anywhere.
func (a *API) state(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	if q.Get("site") == "" || q.Get("story") == "" {
		return parley.Errorf(parley.EINVALID, "Name the site and the story: ?site=…&story=….")
	}
	st, err := a.svc.MyState(r.Context(), q.Get("site"), q.Get("story"))
	if err != nil {
		return err
	}
	resp := stateResponse{Reactions: st.Reactions, Comments: make([]*wire.Comment, len(st.Comments))}
	if st.User != nil {
		resp.User = &wire.Author{ID: st.User.ID, Name: st.User.Name}
	}
	for i, c := range st.Comments {
		resp.Comments[i] = wire.FromOwn(c.Comment, c.EditableUntil)
	}
	writeJSON(w, http.StatusOK, resp)
	return nil
}

package httpapi

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"parley"
	"parley/internal/pagecache"
	"parley/internal/service"
	"parley/internal/wire"
)

// threadCacheControl lets shared caches (a publisher's CDN) keep a page for
// a few seconds while browsers revalidate with the ETag every time. It is
// prepared once and never changed: every cached page goes out with it.
var threadCacheControl = pagecache.NewCacheControl("public, max-age=0, s-maxage=5, stale-while-revalidate=30")

// firstPageKey is the cache key of page 1 with the default sort and limit,
// as the widget asks for it: the key a query of no sort, limit or cursor
// makes, given without parsing the (empty) query.
const firstPageKey = "|0|"

// loadTimeout bounds a shared page load.
const loadTimeout = 10 * time.Second

// thread serves a page of a story's discussion from the cache.
func (a *API) thread(w http.ResponseWriter, r *http.Request) error {
	site, story := r.PathValue("site"), r.PathValue("story")
	tq := service.ThreadQuery{SiteID: site, StoryID: story}
	key := firstPageKey
	if r.URL.RawQuery != "" { // page 1 as the widget asks for it has none: no parse, no key to build
		q := r.URL.Query()
		limit, err := intParam(q.Get("limit"))
		if err != nil {
			return err
		}
		tq.Sort, tq.Limit, tq.Cursor = q.Get("sort"), limit, q.Get("cursor")
		key = tq.Sort + "|" + strconv.Itoa(limit) + "|" + tq.Cursor
	}
	page, err := a.pages.Get(site, story, key, func() ([]byte, bool, error) {
		// The load serves every reader waiting for this page: it must not
		// fail because the first of them went away.
		ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), loadTimeout)
		defer cancel()
		t, err := a.svc.Thread(ctx, tq)
		if err != nil {
			return nil, false, err
		}
		raw, err := wire.Marshal(wire.FromThread(t))
		return raw, !t.Story.CreatedAt.IsZero(), err
	})
	if err != nil {
		return err
	}
	page.Serve(w, r, threadCacheControl)
	return nil
}

// replies serves a page of the replies to one comment.
func (a *API) replies(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	limit, err := intParam(q.Get("limit"))
	if err != nil {
		return err
	}
	nodes, next, err := a.svc.Replies(r.Context(), r.PathValue("id"), limit, q.Get("cursor"))
	if err != nil {
		return err
	}
	raw, err := wire.Marshal(wire.Page{Comments: wire.FromNodes(nodes), NextCursor: next})
	if err != nil {
		return fmt.Errorf("encode replies: %w", err)
	}
	pagecache.FreshPage(r, raw).Serve(w, r, threadCacheControl)
	return nil
}

// intParam parses an optional non-negative integer query parameter.
func intParam(s string) (int, error) {
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0, parley.Errorf(parley.EINVALID, "%q is not a valid number.", s)
	}
	return n, nil
}

type postRequest struct {
	Body     string `json:"body"`
	ParentID string `json:"parentId"`
	Author   *struct {
		Name string `json:"name"`
	} `json:"author"`
	Story *struct {
		URL   string `json:"url"`
		Title string `json:"title"`
		Lang  string `json:"lang"`
	} `json:"story"`
	// Website is the honeypot: the widget's form has a field by that
	// name that people never see, and a post that fills it is refused.
	Website string `json:"website"`
	// Proof answers a 428 proofRequired: its challenge and solution.
	Proof *struct {
		Challenge string `json:"challenge"`
		Solution  string `json:"solution"`
	} `json:"proof"`
	// Confirm posts a comment that a 422 nudge flagged anyway.
	Confirm bool `json:"confirm"`
}

type postResponse struct {
	Comment        *wire.Comment `json:"comment"`
	CommenterToken string        `json:"commenterToken,omitempty"`
}

func (a *API) post(w http.ResponseWriter, r *http.Request) error {
	var req postRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	in := service.NewComment{
		SiteID: r.PathValue("site"), StoryID: r.PathValue("story"),
		ParentID: req.ParentID, Body: req.Body,
	}
	if req.Author != nil {
		in.AuthorName = req.Author.Name
	}
	if req.Story != nil {
		in.Story = service.StoryInfo{URL: req.Story.URL, Title: req.Story.Title, Lang: req.Story.Lang}
	}
	in.Honeypot, in.Confirm = req.Website, req.Confirm
	if req.Proof != nil {
		in.Proof = service.Proof{Challenge: req.Proof.Challenge, Solution: req.Proof.Solution}
	}
	posted, err := a.svc.Post(r.Context(), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, postResponse{Comment: wire.FromOwn(posted.Comment, posted.EditableUntil), CommenterToken: posted.Token})
	return nil
}

type editRequest struct {
	Body string `json:"body"`
}

func (a *API) edit(w http.ResponseWriter, r *http.Request) error {
	var req editRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	c, err := a.svc.Edit(r.Context(), r.PathValue("id"), req.Body)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"comment": wire.FromOwn(c.Comment, c.EditableUntil)})
	return nil
}

func (a *API) delete(w http.ResponseWriter, r *http.Request) error {
	if err := a.svc.Delete(r.Context(), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

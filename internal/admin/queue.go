package admin

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strconv"

	"parley"
	"parley/internal/service"
)

// Moderation is what the desk pages need of the service: the queues and
// the actions of issue 8, each of which authorizes the actor itself.
type Moderation interface {
	Queue(ctx context.Context, q service.QueueQuery) (*service.QueuePage, error)
	QueueCounts(ctx context.Context, siteID, storyID string) (map[string]int, error)
	Decide(ctx context.Context, d service.Decision) ([]*parley.AuditEntry, error)
	Undo(ctx context.Context, siteID string, entryID int64) (*parley.AuditEntry, error)
	Sanction(ctx context.Context, sn service.Sanction) (*parley.AuditEntry, error)
	AddNote(ctx context.Context, siteID, userID, text string) (*parley.AuditEntry, error)
	Notes(ctx context.Context, siteID, userID string) ([]*parley.AuditEntry, error)
	History(ctx context.Context, siteID, userID, cursor string) (*service.QueuePage, error)
	SetStoryOpen(ctx context.Context, siteID, storyID string, open bool) (*parley.AuditEntry, error)
	Audit(ctx context.Context, q parley.AuditQuery) ([]*parley.AuditEntry, error)
	WriteAuditCSV(ctx context.Context, w io.Writer, q parley.AuditQuery) error
	Revisions(ctx context.Context, siteID, commentID string) ([]*parley.Revision, error)
}

const statusPending = parley.QueuePending

// queueView is the queue page.
type queueView struct {
	layout
	Query    service.QueueQuery
	Tabs     []tab
	Story    *parley.Story // the story the queue is narrowed to; nil for the whole site
	Items    []*itemView
	Next     string
	Undo     *parley.AuditEntry // the action just done, without a script
	LiveURL  string
	ItemsURL string

	// The story's rule form (settings.go): the modes it offers, nil
	// hiding it, and the story's own rule, "" for the site's.
	Modes     []string
	StoryRule string
}

// tab is one queue with its count.
type tab struct {
	Status, URL, Count string
	Current            bool
}

// queueQuery reads the queue a page asks for from its URL.
func queueQuery(siteID string, q url.Values) service.QueueQuery {
	status := q.Get("status")
	if status == "" {
		status = statusPending
	}
	return service.QueueQuery{SiteID: siteID, Status: status, StoryID: q.Get("story"), Text: q.Get("q"),
		AuthorID: q.Get("author"), IPHash: q.Get("ip"), Cursor: q.Get("cursor")}
}

// queueURL is the page of query (without its cursor unless keep).
func queueURL(q service.QueueQuery, elems ...string) string {
	v := url.Values{}
	set := func(k, val string) {
		if val != "" {
			v.Set(k, val)
		}
	}
	set("status", q.Status)
	set("story", q.StoryID)
	set("q", q.Text)
	set("author", q.AuthorID)
	set("ip", q.IPHash)
	set("cursor", q.Cursor)
	p := deskPath(q.SiteID, elems...)
	if len(v) == 0 {
		return p
	}
	return p + "?" + v.Encode()
}

// queue shows a page of a queue, its counts and, after an action without a
// script, the way to undo it.
func (a *Admin) queue(w http.ResponseWriter, r *http.Request, d *desk) error {
	q := queueQuery(d.Site.ID, r.URL.Query())
	if !parley.ValidQueue(q.Status) {
		q.Status = statusPending
	}
	ctx := r.Context()
	counts, err := a.svc.QueueCounts(ctx, d.Site.ID, q.StoryID)
	if err != nil {
		return err
	}
	page, err := a.svc.Queue(ctx, q)
	if err != nil {
		return err
	}
	v := &queueView{layout: a.deskLayout(r, d, "queue", d.P.T("admin.status."+q.Status)), Query: q}
	for _, s := range parley.Queues() {
		t := q
		t.Status, t.Cursor = s, ""
		v.Tabs = append(v.Tabs, tab{Status: s, URL: queueURL(t), Count: countText(counts[s]), Current: s == q.Status})
	}
	first := q
	first.Cursor = ""
	v.LiveURL = deskPath(d.Site.ID, "events")
	v.ItemsURL = queueURL(first, "items")
	v.Items = a.itemViews(ctx, d, page.Items, v.Here)
	for _, it := range v.Items {
		it.Bulk = true
	}
	if page.Next != "" {
		next := q
		next.Cursor = page.Next
		v.Next = queueURL(next)
	}
	if q.StoryID != "" {
		if len(page.Items) > 0 {
			v.Story = page.Items[0].Story
		} else {
			v.Story = &parley.Story{SiteID: d.Site.ID, ID: q.StoryID}
		}
		if err := a.storyRuleView(ctx, v); err != nil {
			return err
		}
	}
	if id, err := strconv.ParseInt(r.URL.Query().Get("done"), 10, 64); err == nil && id > 0 {
		v.Undo = a.undoable(ctx, d.Site.ID, id)
	}
	a.render(w, http.StatusOK, "queue", v)
	return nil
}

// items is page 1 of a queue as list items alone, which the script puts in
// place of the list when the queue changes.
func (a *Admin) items(w http.ResponseWriter, r *http.Request, d *desk) error {
	q := queueQuery(d.Site.ID, r.URL.Query())
	q.Cursor = ""
	page, err := a.svc.Queue(r.Context(), q)
	if err != nil {
		return err
	}
	items := a.itemViews(r.Context(), d, page.Items, queueURL(q))
	for _, it := range items {
		it.Bulk = true
	}
	a.render(w, http.StatusOK, "items", struct{ Items []*itemView }{items})
	return nil
}

// undoable is the entry id if the staff member may still undo it: one of
// theirs, on a comment.
func (a *Admin) undoable(ctx context.Context, siteID string, id int64) *parley.AuditEntry {
	got, err := a.svc.Audit(ctx, parley.AuditQuery{SiteID: siteID, BeforeID: id + 1, Limit: 1})
	if err != nil || len(got) != 1 || got[0].ID != id || got[0].CommentID == "" {
		return nil
	}
	if a := parley.ActorFrom(ctx); a == nil || got[0].ActorID != a.User.ID {
		return nil
	}
	return got[0]
}

// countText shows a queue's count as the service caps it.
func countText(n int) string {
	if n > service.QueueCountCap {
		return strconv.Itoa(service.QueueCountCap) + "+"
	}
	return strconv.Itoa(n)
}

// deskLayout is the frame of a desk page.
func (a *Admin) deskLayout(r *http.Request, d *desk, nav, title string) layout {
	return layout{P: d.P, Title: title, Desk: d, Here: here(r), Nav: nav}
}

// decide carries out an approve, reject, feature or unfeature from a
// form or the script.
func (a *Admin) decide(w http.ResponseWriter, r *http.Request, d *desk) error {
	f := r.PostForm
	dec := service.Decision{SiteID: d.Site.ID, CommentIDs: f["comment"], Action: f.Get("action"), Reason: f.Get("reason"), Note: f.Get("note")}
	if dec.Action != service.ActionReject {
		dec.Reason, dec.Note = "", ""
	}
	entries, err := a.svc.Decide(r.Context(), dec)
	if err != nil {
		return err
	}
	res := actionResult{Message: d.P.T("admin.done.nothing")}
	if len(entries) > 0 {
		last := entries[len(entries)-1]
		leaves := dec.Action == service.ActionApprove || dec.Action == service.ActionReject
		res = actionResult{Message: d.P.T("admin.done." + last.Action), Leaves: leaves}
		if len(entries) > 1 {
			res.Message = d.P.N("admin.bulk.done", len(entries))
		}
		for _, e := range entries {
			res.Undo = append(res.Undo, e.ID)
		}
		back := r.PostForm.Get("back")
		if back == "" {
			back = deskPath(d.Site.ID)
		}
		r.PostForm.Set("back", withDone(back, last.ID))
	}
	return a.done(w, r, d.Site.ID, res)
}

// actionResult is what the script learns of an action.
type actionResult struct {
	Undo    []int64 `json:"undo,omitempty"`    // the entries that u undoes
	Unban   string  `json:"unban,omitempty"`   // the user that u reinstates
	Message string  `json:"message,omitempty"` // what happened, in the staff member's language
	Leaves  bool    `json:"leaves,omitempty"`  // the item leaves the list it is in
}

// withDone adds done=id to a back path, so that the page it returns to
// offers to undo the action.
func withDone(back string, id int64) string {
	u, err := url.Parse(back)
	if err != nil {
		return back
	}
	q := u.Query()
	q.Set("done", strconv.FormatInt(id, 10))
	u.RawQuery = q.Encode()
	return u.String()
}

// undo reverses the staff member's decision named in the form.
func (a *Admin) undo(w http.ResponseWriter, r *http.Request, d *desk) error {
	id, err := strconv.ParseInt(r.PostForm.Get("entry"), 10, 64)
	if err != nil || id <= 0 {
		return parley.Errorf(parley.EINVALID, "Name the action to undo.")
	}
	e, err := a.svc.Undo(r.Context(), d.Site.ID, id)
	if err != nil {
		return err
	}
	return a.done(w, r, d.Site.ID, actionResult{Message: d.P.T("admin.undone", d.P.T("admin.done."+e.Action))})
}

// storyOpen closes or reopens a story.
func (a *Admin) storyOpen(w http.ResponseWriter, r *http.Request, d *desk) error {
	open := r.PostForm.Get("open") == "true"
	if _, err := a.svc.SetStoryOpen(r.Context(), d.Site.ID, r.PathValue("story"), open); err != nil {
		return err
	}
	msg := d.P.T("admin.done." + parley.AuditStoryClosed)
	if open {
		msg = d.P.T("admin.done." + parley.AuditStoryReopened)
	}
	return a.done(w, r, d.Site.ID, actionResult{Message: msg})
}

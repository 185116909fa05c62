package httpapi

import (
	"cmp"
	"context"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"parley"
	"parley/internal/service"
	"parley/internal/wire"
)

// This file serves the moderators' API under /api/v1/admin/sites/{site}:
// the queues, decisions and their undoing, sanctions, notes, a user's
// history, closing stories, and the audit log. Every route acts for the
// caller (a bearer session or token, never a cookie, so no cross-site
// request can ride on a moderator's browser), the service lets only the
// site's moderators and admins in, and every answer is private (no-store).

// AdminService is what the moderators' routes need of the service layer.
type AdminService interface {
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
}

// adminRoutes are the rows of the routes table for moderators.
func (a *API) adminRoutes() []route {
	const site = "/api/v1/admin/sites/{site}"
	return []route{
		{"GET " + site + "/queue", a.queue, true},
		{"GET " + site + "/queue/counts", a.queueCounts, true},
		{"POST " + site + "/decisions", a.decide, true},
		{"POST " + site + "/decisions/{id}/undo", a.undo, true},
		{"POST " + site + "/users/{user}/sanctions", a.sanction, true},
		{"GET " + site + "/users/{user}/notes", a.notes, true},
		{"POST " + site + "/users/{user}/notes", a.addNote, true},
		{"GET " + site + "/users/{user}/history", a.history, true},
		{"POST " + site + "/stories/{story}/close", a.closeStory, true},
		{"POST " + site + "/stories/{story}/reopen", a.reopenStory, true},
		{"GET " + site + "/audit", a.audit, true},
		{"GET " + site + "/audit.csv", a.auditCSV, true},
	}
}

type queueJSON struct {
	Items      []queueItemJSON `json:"items"`
	NextCursor string          `json:"nextCursor,omitempty"`
}

// queueItemJSON is a comment as a moderator sees it: its Markdown, its
// address hash, its moderation marks, and what surrounds it.
type queueItemJSON struct {
	Comment  queuedCommentJSON  `json:"comment"`
	Story    *wire.Story        `json:"story,omitempty"`
	Parent   *queuedCommentJSON `json:"parent,omitempty"`
	Revision *revisionJSON      `json:"revision,omitempty"`
	Edited   bool               `json:"edited"`
	Reports  []reportCountJSON  `json:"reports"`
	Author   *authorSummaryJSON `json:"author,omitempty"`
}

type queuedCommentJSON struct {
	ID         string `json:"id"`
	StoryID    string `json:"storyId"`
	ParentID   string `json:"parentId,omitempty"`
	Depth      int    `json:"depth"`
	AuthorID   string `json:"authorId"`
	AuthorName string `json:"authorName"`
	Body       string `json:"body"`
	HTML       string `json:"html"`
	Status     string `json:"status"`
	Featured   bool   `json:"featured"`
	Reactions  int    `json:"reactions"`
	ReplyCount int    `json:"replyCount"`
	Reports    int    `json:"reportCount"`
	IPHash     string `json:"ipHash,omitempty"`
	CreatedAt  string `json:"createdAt"`
	EditedAt   string `json:"editedAt,omitempty"`
}

type revisionJSON struct {
	N         int             `json:"n"`
	Status    string          `json:"status"`
	Reasons   []parley.Reason `json:"reasons"`
	CreatedAt string          `json:"createdAt"`
}

type reportCountJSON struct {
	Reason string   `json:"reason"`
	N      int      `json:"n"`
	Notes  []string `json:"notes"`
}

type authorSummaryJSON struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Role     string `json:"role"`
	Status   string `json:"status"`
	Until    string `json:"until,omitempty"`
	Approved int    `json:"approved"`
	Pending  int    `json:"pending"`
	Rejected int    `json:"rejected"`
	Reports  int    `json:"reports"`
	Notes    int    `json:"notes"`
	Since    string `json:"since"`
}

func newQueueJSON(p *service.QueuePage) queueJSON {
	out := queueJSON{Items: make([]queueItemJSON, 0, len(p.Items)), NextCursor: p.Next}
	for _, it := range p.Items {
		j := queueItemJSON{Comment: queuedComment(it.Comment), Edited: it.Edited, Reports: make([]reportCountJSON, 0, len(it.Reports))}
		if it.Story != nil {
			st := wire.FromStory(it.Story)
			j.Story = &st
		}
		if it.Parent != nil {
			p := queuedComment(it.Parent)
			j.Parent = &p
		}
		if r := it.Revision; r != nil {
			j.Revision = &revisionJSON{N: r.N, Status: r.Status, Reasons: nonNilReasons(r.Reasons), CreatedAt: wire.FormatTime(r.CreatedAt)}
		}
		for _, rc := range it.Reports {
			j.Reports = append(j.Reports, reportCountJSON{Reason: rc.Reason, N: rc.N, Notes: nonNilStrings(rc.Notes)})
		}
		if a := it.Author; a != nil {
			j.Author = &authorSummaryJSON{ID: a.User.ID, Name: a.User.Name, Role: a.User.UserRole().String(), Status: a.Status,
				Until: wire.FormatTime(a.Until), Approved: a.Approved, Pending: a.Pending, Rejected: a.Rejected,
				Reports: a.Reports, Notes: a.Notes, Since: wire.FormatTime(a.User.CreatedAt)}
		}
		out.Items = append(out.Items, j)
	}
	return out
}

func queuedComment(c *parley.Comment) queuedCommentJSON {
	return queuedCommentJSON{ID: c.ID, StoryID: c.StoryID, ParentID: c.ParentID, Depth: c.Depth, AuthorID: c.AuthorID,
		AuthorName: c.AuthorName, Body: c.Body, HTML: c.HTML, Status: c.Status, Featured: c.Featured,
		Reactions: c.ReactionCount, ReplyCount: c.ReplyCount, Reports: c.ReportCount, IPHash: c.IPHash,
		CreatedAt: wire.FormatTime(c.CreatedAt), EditedAt: wire.FormatTime(c.EditedAt)}
}

func nonNilReasons(rs []parley.Reason) []parley.Reason {
	if rs == nil {
		return []parley.Reason{}
	}
	return rs
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// noticeQueue is the queue of notices of illegal content: the same list
// as GET …/notices, so that a moderator finds it beside the others.
const noticeQueue = "notices"

// queue serves one page of a queue: ?status=&story=&text=&author=&ip=&cursor=&limit=.
func (a *API) queue(w http.ResponseWriter, r *http.Request) error {
	siteID, err := sitePath(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	if q.Get("status") == noticeQueue {
		return a.noticePage(w, r, siteID, q.Get("notice"), q.Get("cursor"))
	}
	limit, err := intParam(q.Get("limit"))
	if err != nil {
		return err
	}
	page, err := a.svc.Queue(r.Context(), service.QueueQuery{SiteID: siteID, Status: q.Get("status"), StoryID: q.Get("story"),
		Text: q.Get("text"), AuthorID: q.Get("author"), IPHash: q.Get("ip"), Cursor: q.Get("cursor"), Limit: limit})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newQueueJSON(page))
	return nil
}

type queueCountsJSON struct {
	Counts map[string]int `json:"counts"`
	// Cap is the count above which a count means "more than Cap".
	Cap int `json:"cap"`
}

// queueCounts serves the size of every queue of a site, or of ?story=.
func (a *API) queueCounts(w http.ResponseWriter, r *http.Request) error {
	siteID, err := sitePath(r)
	if err != nil {
		return err
	}
	counts, err := a.svc.QueueCounts(r.Context(), siteID, r.URL.Query().Get("story"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, queueCountsJSON{Counts: counts, Cap: service.QueueCountCap})
	return nil
}

type moderationRequest struct {
	Action     string   `json:"action"`
	CommentIDs []string `json:"commentIds"`
	Reason     string   `json:"reason"`
	Note       string   `json:"note"`
}

type entriesJSON struct {
	Entries    []auditEntryJSON `json:"entries"`
	NextCursor string           `json:"nextCursor,omitempty"`
}

type entryJSON struct {
	Entry *auditEntryJSON `json:"entry"`
}

type auditEntryJSON struct {
	ID        int64  `json:"id"`
	Action    string `json:"action"`
	StoryID   string `json:"storyId,omitempty"`
	CommentID string `json:"commentId,omitempty"`
	UserID    string `json:"userId,omitempty"`
	ActorID   string `json:"actorId,omitempty"`
	Automated bool   `json:"automated"`
	Reason    string `json:"reason,omitempty"`
	Note      string `json:"note,omitempty"`
	Before    string `json:"before,omitempty"`
	After     string `json:"after,omitempty"`
	Ref       string `json:"ref,omitempty"`
	CreatedAt string `json:"createdAt"`
}

func newEntryJSON(e *parley.AuditEntry) *auditEntryJSON {
	if e == nil {
		return nil
	}
	return &auditEntryJSON{ID: e.ID, Action: e.Action, StoryID: e.StoryID, CommentID: e.CommentID, UserID: e.UserID,
		ActorID: e.ActorID, Automated: e.Automated, Reason: e.Reason, Note: e.Note, Before: e.Before, After: e.After,
		Ref: e.Ref, CreatedAt: wire.FormatTime(e.CreatedAt)}
}

func newEntriesJSON(es []*parley.AuditEntry) entriesJSON {
	out := entriesJSON{Entries: make([]auditEntryJSON, 0, len(es))}
	for _, e := range es {
		out.Entries = append(out.Entries, *newEntryJSON(e))
	}
	return out
}

// writeEntry answers an action that may change nothing: 201 with the
// entry it wrote, or 200 with "entry": null when there was nothing to do.
func writeEntry(w http.ResponseWriter, e *parley.AuditEntry) {
	status := http.StatusCreated
	if e == nil {
		status = http.StatusOK
	}
	writeJSON(w, status, entryJSON{Entry: newEntryJSON(e)})
}

// decide carries out a decision on one comment or up to 100:
// {"action","commentIds","reason","note"} → {"entries"}, one for each
// comment the decision changed.
func (a *API) decide(w http.ResponseWriter, r *http.Request) error {
	siteID, err := sitePath(r)
	if err != nil {
		return err
	}
	var req moderationRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	entries, err := a.svc.Decide(r.Context(), service.Decision{SiteID: siteID, CommentIDs: req.CommentIDs, Action: req.Action,
		Reason: req.Reason, Note: req.Note})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newEntriesJSON(entries))
	return nil
}

// undo reverses the decision of the audit entry {id}.
func (a *API) undo(w http.ResponseWriter, r *http.Request) error {
	siteID, err := sitePath(r)
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id < 1 {
		return parley.Errorf(parley.ENOTFOUND, "There is no such audit entry.")
	}
	e, err := a.svc.Undo(r.Context(), siteID, id)
	if err != nil {
		return err
	}
	writeEntry(w, e)
	return nil
}

type sanctionRequest struct {
	Kind    string `json:"kind"`
	Hours   int    `json:"hours"`
	Reason  string `json:"reason"`
	Message string `json:"message"`
}

// sanction warns, suspends, bans or reinstates user {user}:
// {"kind","hours"?,"reason","message"}.
func (a *API) sanction(w http.ResponseWriter, r *http.Request) error {
	siteID, err := sitePath(r)
	if err != nil {
		return err
	}
	var req sanctionRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	if req.Hours < 0 || req.Hours > int(service.MaxSuspension/time.Hour) {
		return parley.Errorf(parley.EINVALID, "A suspension lasts from an hour to a year.").Keyed("suspensionLength")
	}
	e, err := a.svc.Sanction(r.Context(), service.Sanction{SiteID: siteID, UserID: r.PathValue("user"), Kind: req.Kind,
		Duration: time.Duration(req.Hours) * time.Hour, Reason: req.Reason, Message: req.Message})
	if err != nil {
		return err
	}
	writeEntry(w, e)
	return nil
}

type noteRequest struct {
	Text string `json:"text"`
}

// notes lists the moderators' notes on user {user}, newest first.
func (a *API) notes(w http.ResponseWriter, r *http.Request) error {
	siteID, err := sitePath(r)
	if err != nil {
		return err
	}
	notes, err := a.svc.Notes(r.Context(), siteID, r.PathValue("user"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newEntriesJSON(notes))
	return nil
}

// addNote writes a moderator's note on user {user}: {"text"}.
func (a *API) addNote(w http.ResponseWriter, r *http.Request) error {
	siteID, err := sitePath(r)
	if err != nil {
		return err
	}
	var req noteRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	e, err := a.svc.AddNote(r.Context(), siteID, r.PathValue("user"), req.Text)
	if err != nil {
		return err
	}
	writeEntry(w, e)
	return nil
}

// history pages user {user}'s comments, newest first, every status.
func (a *API) history(w http.ResponseWriter, r *http.Request) error {
	siteID, err := sitePath(r)
	if err != nil {
		return err
	}
	page, err := a.svc.History(r.Context(), siteID, r.PathValue("user"), r.URL.Query().Get("cursor"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newQueueJSON(page))
	return nil
}

func (a *API) closeStory(w http.ResponseWriter, r *http.Request) error {
	return a.setStoryOpen(w, r, false)
}
func (a *API) reopenStory(w http.ResponseWriter, r *http.Request) error {
	return a.setStoryOpen(w, r, true)
}

// setStoryOpen closes or reopens story {story}.
func (a *API) setStoryOpen(w http.ResponseWriter, r *http.Request, open bool) error {
	siteID, err := sitePath(r)
	if err != nil {
		return err
	}
	e, err := a.svc.SetStoryOpen(r.Context(), siteID, r.PathValue("story"), open)
	if err != nil {
		return err
	}
	writeEntry(w, e)
	return nil
}

// auditQuery reads the audit log's filters from the query string:
// action, story, comment, user, actor, text, from, to (RFC 3339), cursor
// (the ID of the last entry of the page before) and limit.
func auditQuery(siteID string, q url.Values) (parley.AuditQuery, error) {
	aq := parley.AuditQuery{SiteID: siteID, Action: q.Get("action"), StoryID: q.Get("story"), CommentID: q.Get("comment"),
		UserID: q.Get("user"), ActorID: q.Get("actor"), Text: q.Get("text")}
	var err error
	if aq.From, err = timeParam(q.Get("from")); err != nil {
		return aq, err
	}
	if aq.To, err = timeParam(q.Get("to")); err != nil {
		return aq, err
	}
	if c := q.Get("cursor"); c != "" {
		if aq.BeforeID, err = strconv.ParseInt(c, 10, 64); err != nil || aq.BeforeID < 1 {
			return aq, parley.Errorf(parley.EINVALID, "The cursor is not one this server gave.").Keyed("cursorInvalid")
		}
	}
	aq.Limit, err = intParam(q.Get("limit"))
	return aq, err
}

// timeParam parses an optional RFC 3339 time.
func timeParam(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, parley.Errorf(parley.EINVALID, "%.40q is not an RFC 3339 time.", s)
	}
	return t, nil
}

// audit serves one page of the site's audit log, newest first.
func (a *API) audit(w http.ResponseWriter, r *http.Request) error {
	siteID, err := sitePath(r)
	if err != nil {
		return err
	}
	q, err := auditQuery(siteID, r.URL.Query())
	if err != nil {
		return err
	}
	entries, err := a.svc.Audit(r.Context(), q)
	if err != nil {
		return err
	}
	out := newEntriesJSON(entries)
	if n := len(entries); n > 0 && n == cmp.Or(q.Limit, service.DefaultAuditPage) {
		out.NextCursor = strconv.FormatInt(entries[n-1].ID, 10)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// auditCSV streams the whole audit log of the filters as CSV. A refusal
// comes before the first byte and is JSON as everywhere; a failure half
// way through aborts the response, so that a truncated export is never
// mistaken for a whole one.
func (a *API) auditCSV(w http.ResponseWriter, r *http.Request) error {
	siteID, err := sitePath(r)
	if err != nil {
		return err
	}
	q, err := auditQuery(siteID, r.URL.Query())
	if err != nil {
		return err
	}
	out := &csvResponse{w: w, name: "parley-audit-" + siteID + "-" + parley.Now().Format(time.DateOnly) + ".csv"}
	err = a.svc.WriteAuditCSV(r.Context(), out, q)
	if err != nil && out.started {
		a.log.ErrorContext(r.Context(), "audit export failed half way", "site", siteID, "err", err)
		panic(http.ErrAbortHandler)
	}
	if err == nil && !out.started {
		out.start()
	}
	return err
}

// csvResponse sends the CSV headers with its first write, so that an
// error before it can still be answered as JSON.
type csvResponse struct {
	w       http.ResponseWriter
	name    string
	started bool
}

func (c *csvResponse) start() {
	c.started = true
	h := c.w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="`+c.name+`"`)
	h.Set("Cache-Control", "no-store")
	c.w.WriteHeader(http.StatusOK)
}

func (c *csvResponse) Write(p []byte) (int, error) {
	if !c.started {
		c.start()
	}
	return c.w.Write(p)
}

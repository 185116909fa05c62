package httpapi

import (
	"context"
	"net/http"
	"time"

	"parley"
	"parley/internal/dsa"
	"parley/internal/service"
	"parley/internal/web"
)

// This file serves the Digital Services Act's notices: anyone files one
// on a comment (Art. 16), moderators work through them. Complaints are in
// complaint.go.

// Each client may send noticeBurst notices at once and one more every
// noticeEvery: a reader who reports a thread's worst comments in a row
// gets through, a script that files hundreds does not. The service adds a
// limit per comment.
const (
	noticeBurst = 5
	noticeEvery = time.Minute
)

// NoticeService is what the notice and complaint routes need of the
// service layer.
type NoticeService interface {
	FileNotice(ctx context.Context, in service.NewNotice) (*service.FiledNotice, error)
	Notices(ctx context.Context, siteID, status, cursor string) (*service.NoticePage, error)
	ReviewNotice(ctx context.Context, siteID, ref string) (*parley.Notice, error)
	DecideNotice(ctx context.Context, d service.NoticeDecision) (*service.NoticeDecided, error)
	Complain(ctx context.Context, entryID int64, explanation, lang string) (*parley.Complaint, error)
	Complaints(ctx context.Context, siteID, status, cursor string) (*service.ComplaintPage, error)
	DecideComplaint(ctx context.Context, d service.ComplaintDecision) (*service.ComplaintDecided, error)
	StatementFor(ctx context.Context, entryID int64) (*dsa.Statement, error)
}

type noticeRequest struct {
	Kind        string `json:"kind"`
	Law         string `json:"law"`
	Explanation string `json:"explanation"`
	Name        string `json:"name"`
	Email       string `json:"email"`
	GoodFaith   bool   `json:"goodFaith"`
	Lang        string `json:"lang"`
}

type noticeCreatedJSON struct {
	Reference string `json:"reference"`
	Status    string `json:"status"`
	Mailed    bool   `json:"mailed"` // a confirmation went to the address given
}

// fileNotice stores a notice: 201 {"reference"}.
func (a *API) fileNotice(w http.ResponseWriter, r *http.Request) error {
	var req noticeRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	lang := req.Lang
	if lang == "" {
		lang = requestLang(r)
	}
	f, err := a.svc.FileNotice(r.Context(), service.NewNotice{CommentID: r.PathValue("id"), Kind: req.Kind, Law: req.Law,
		Explanation: req.Explanation, Name: req.Name, Email: req.Email, GoodFaith: req.GoodFaith, Lang: lang,
		Limit: a.noticeLimit(r)})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, noticeCreatedJSON{Reference: f.Notice.Reference, Status: f.Notice.Status, Mailed: f.Mailed})
	return nil
}

// noticeLimit is the client's limit on notices, refused with the
// notices' own key.
func (a *API) noticeLimit(r *http.Request) service.Limit {
	return func() error {
		if err := a.noticeClients.Allow(web.ClientAddr(r, nil), time.Now()); err != nil {
			return parley.TooManyRequests("noticeTooMany", "Too many notices from your address; wait a little and try again.", parley.RetryAfter(err))
		}
		return nil
	}
}

type noticeJSON struct {
	Reference   string     `json:"reference"`
	CommentID   string     `json:"commentId"`
	StoryID     string     `json:"storyId"`
	UserID      string     `json:"userId,omitempty"`
	Kind        string     `json:"kind"`
	Law         string     `json:"law"`
	Explanation string     `json:"explanation"`
	Name        string     `json:"name"`
	Email       string     `json:"email"`
	Lang        string     `json:"lang"`
	Status      string     `json:"status"`
	Action      string     `json:"action,omitempty"`
	Ground      string     `json:"ground,omitempty"`
	Basis       string     `json:"basis,omitempty"`
	Note        string     `json:"note,omitempty"`
	Automated   bool       `json:"automated"`
	ReviewedBy  string     `json:"reviewedBy,omitempty"`
	DecidedBy   string     `json:"decidedBy,omitempty"`
	CreatedAt   time.Time  `json:"createdAt"`
	DecidedAt   *time.Time `json:"decidedAt,omitempty"`
}

func newNoticeJSON(n *parley.Notice) noticeJSON {
	return noticeJSON{Reference: n.Reference, CommentID: n.CommentID, StoryID: n.StoryID, UserID: n.UserID, Kind: n.Kind, Law: n.Law,
		Explanation: n.Explanation, Name: n.Name, Email: n.Email, Lang: n.Lang, Status: n.Status, Action: n.Action, Ground: n.Ground,
		Basis: n.Basis, Note: n.Note, Automated: n.Automated, ReviewedBy: n.ReviewedBy, DecidedBy: n.DecidedBy,
		CreatedAt: n.CreatedAt, DecidedAt: optionalTime(n.DecidedAt)}
}

func optionalTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

type noticePageJSON struct {
	Notices []noticeJSON `json:"notices"`
	Next    string       `json:"next"`
}

// notices pages a site's notices: ?status=received|in_review|decided&cursor=.
func (a *API) notices(w http.ResponseWriter, r *http.Request) error {
	siteID, err := sitePath(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	return a.noticePage(w, r, siteID, q.Get("status"), q.Get("cursor"))
}

// noticePage writes one page of a site's notices of one status ("" for
// all), oldest first.
func (a *API) noticePage(w http.ResponseWriter, r *http.Request, siteID, status, cursor string) error {
	page, err := a.svc.Notices(r.Context(), siteID, status, cursor)
	if err != nil {
		return err
	}
	out := noticePageJSON{Notices: make([]noticeJSON, 0, len(page.Items)), Next: page.Next}
	for _, n := range page.Items {
		out.Notices = append(out.Notices, newNoticeJSON(n))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

type noticeResultJSON struct {
	Notice  noticeJSON `json:"notice"`
	Entries []int64    `json:"entries,omitempty"` // the audit entries written, oldest first
}

// reviewNotice takes a notice into review.
func (a *API) reviewNotice(w http.ResponseWriter, r *http.Request) error {
	siteID, err := sitePath(r)
	if err != nil {
		return err
	}
	n, err := a.svc.ReviewNotice(r.Context(), siteID, r.PathValue("ref"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, noticeResultJSON{Notice: newNoticeJSON(n)})
	return nil
}

type noticeDecisionRequest struct {
	Action string `json:"action"`
	Ground string `json:"ground"`
	Basis  string `json:"basis"`
	Note   string `json:"note"`
}

// decideNotice decides a notice: {"action", "ground", "basis", "note"}.
func (a *API) decideNotice(w http.ResponseWriter, r *http.Request) error {
	siteID, err := sitePath(r)
	if err != nil {
		return err
	}
	var req noticeDecisionRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	out, err := a.svc.DecideNotice(r.Context(), service.NoticeDecision{SiteID: siteID, Reference: r.PathValue("ref"),
		Action: req.Action, Ground: req.Ground, Basis: req.Basis, Note: req.Note})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, noticeResultJSON{Notice: newNoticeJSON(out.Notice), Entries: entryIDs(out.Entries)})
	return nil
}

func entryIDs(es []*parley.AuditEntry) []int64 {
	ids := make([]int64, 0, len(es))
	for _, e := range es {
		ids = append(ids, e.ID)
	}
	return ids
}

package httpapi

import (
	"net/http"
	"strconv"
	"time"

	"parley"
	"parley/internal/service"
)

type complaintRequest struct {
	Explanation string `json:"explanation"`
	Lang        string `json:"lang"`
}

type complaintJSON struct {
	Reference   string     `json:"reference"`
	EntryID     int64      `json:"entryId"`
	Action      string     `json:"action"`
	CommentID   string     `json:"commentId,omitempty"`
	UserID      string     `json:"userId"`
	NoticeRef   string     `json:"noticeRef,omitempty"`
	Explanation string     `json:"explanation"`
	Lang        string     `json:"lang"`
	Status      string     `json:"status"`
	Outcome     string     `json:"outcome,omitempty"`
	Note        string     `json:"note,omitempty"`
	DecidedBy   string     `json:"decidedBy,omitempty"`
	CreatedAt   time.Time  `json:"createdAt"`
	DecidedAt   *time.Time `json:"decidedAt,omitempty"`
}

func newComplaintJSON(c *parley.Complaint) complaintJSON {
	return complaintJSON{Reference: c.Reference, EntryID: c.EntryID, Action: c.Action, CommentID: c.CommentID, UserID: c.UserID,
		NoticeRef: c.NoticeRef, Explanation: c.Explanation, Lang: c.Lang, Status: c.Status, Outcome: c.Outcome, Note: c.Note,
		DecidedBy: c.DecidedBy, CreatedAt: c.CreatedAt, DecidedAt: optionalTime(c.DecidedAt)}
}

// complain contests a decision: 201 {"reference", "status"}.
func (a *API) complain(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("entryID"), 10, 64)
	if err != nil || id < 1 {
		return parley.Errorf(parley.ENOTFOUND, "There is no such decision.")
	}
	var req complaintRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	lang := req.Lang
	if lang == "" {
		lang = requestLang(r)
	}
	c, err := a.svc.Complain(r.Context(), id, req.Explanation, lang)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, struct {
		Reference string `json:"reference"`
		Status    string `json:"status"`
	}{c.Reference, c.Status})
	return nil
}

type complaintPageJSON struct {
	Complaints []complaintJSON `json:"complaints"`
	Next       string          `json:"next"`
}

// complaints pages a site's complaints: ?status=received|decided&cursor=.
func (a *API) complaints(w http.ResponseWriter, r *http.Request) error {
	siteID, err := sitePath(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	page, err := a.svc.Complaints(r.Context(), siteID, q.Get("status"), q.Get("cursor"))
	if err != nil {
		return err
	}
	out := complaintPageJSON{Complaints: make([]complaintJSON, 0, len(page.Items)), Next: page.Next}
	for _, c := range page.Items {
		out.Complaints = append(out.Complaints, newComplaintJSON(c))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

type complaintDecisionRequest struct {
	Outcome string `json:"outcome"`
	Note    string `json:"note"`
}

// decideComplaint decides a complaint: {"outcome": "upheld"|"reversed", "note"}.
func (a *API) decideComplaint(w http.ResponseWriter, r *http.Request) error {
	siteID, err := sitePath(r)
	if err != nil {
		return err
	}
	var req complaintDecisionRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	out, err := a.svc.DecideComplaint(r.Context(), service.ComplaintDecision{SiteID: siteID, Reference: r.PathValue("ref"), Outcome: req.Outcome, Note: req.Note})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, struct {
		Complaint complaintJSON `json:"complaint"`
		Entries   []int64       `json:"entries"`
	}{newComplaintJSON(out.Complaint), entryIDs(out.Entries)})
	return nil
}

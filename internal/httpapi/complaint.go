package httpapi

import (
	"net/http"
	"strconv"
	"time"

	"parley"
	"parley/internal/i18n"
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

// entryPath reads a decision's audit entry ID from the path.
func entryPath(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("entryID"), 10, 64)
	if err != nil || id < 1 {
		return 0, parley.Errorf(parley.ENOTFOUND, "There is no such decision.")
	}
	return id, nil
}

type statementJSON struct {
	EntryID      int64      `json:"entryId"`
	Decision     string     `json:"decision"`
	Until        *time.Time `json:"until,omitempty"`
	Ground       string     `json:"ground"`
	Provision    string     `json:"provision,omitempty"`
	Reason       string     `json:"reason,omitempty"`
	NoticeRef    string     `json:"noticeRef,omitempty"`
	Automated    bool       `json:"automated"`
	Detected     bool       `json:"detectedAutomatically"`
	DecidedAt    time.Time  `json:"decidedAt"`
	ContestUntil time.Time  `json:"contestUntil"`
	Lang         string     `json:"lang"`
	Text         []string   `json:"text"` // the statement's paragraphs in lang
}

// statement returns the statement of reasons of a decision to its
// subject, its paragraphs in ?lang= or Accept-Language.
func (a *API) statement(w http.ResponseWriter, r *http.Request) error {
	id, err := entryPath(r)
	if err != nil {
		return err
	}
	st, err := a.svc.StatementFor(r.Context(), id)
	if err != nil {
		return err
	}
	lang := i18n.For(requestLang(r)).Lang()
	writeJSON(w, http.StatusOK, statementJSON{EntryID: st.EntryID, Decision: st.Decision, Until: optionalTime(st.Until), Ground: st.Ground,
		Provision: st.Provision, Reason: st.Reason, NoticeRef: st.NoticeRef, Automated: st.Automated, Detected: st.Detected,
		DecidedAt: st.DecidedAt, ContestUntil: st.ContestUntil, Lang: lang, Text: st.Paragraphs(lang, time.Now())})
	return nil
}

// complain contests a decision: 201 {"reference", "status"}.
func (a *API) complain(w http.ResponseWriter, r *http.Request) error {
	id, err := entryPath(r)
	if err != nil {
		return err
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

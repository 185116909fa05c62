package admin

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"parley"
)

// auditPage is how many entries one page of the audit log shows.
const auditPage = 50

// auditActions are the actions the filter offers, in the log's terms.
var auditActions = []string{
	parley.AuditApproved, parley.AuditRejected, parley.AuditHeld, parley.AuditFeatured, parley.AuditUnfeatured, parley.AuditReported,
	parley.AuditWarned, parley.AuditSuspended, parley.AuditBanned, parley.AuditReinstated, parley.AuditNoted,
	parley.AuditStoryClosed, parley.AuditStoryReopened, parley.AuditNoticeCreated, parley.AuditNoticeDecided,
	parley.AuditComplaintCreated, parley.AuditComplaintDecided, parley.AuditWordsChanged, parley.AuditSettingsChanged,
}

// auditView is the audit log page.
type auditView struct {
	layout
	Filter  auditFilter
	Actions []string
	Entries []*parley.AuditEntry
	Next    string
	CSV     string
}

// auditFilter is the log's filter as its form holds it.
type auditFilter struct {
	Action, User, Actor, Story, Comment, Text, From, To string
}

// auditQuery reads the filter of the page's URL. Dates are whole UTC days;
// To includes its day.
func auditQuery(siteID string, q url.Values) (parley.AuditQuery, auditFilter, error) {
	f := auditFilter{Action: q.Get("action"), User: q.Get("user"), Actor: q.Get("actor"), Story: q.Get("story"),
		Comment: q.Get("comment"), Text: q.Get("q"), From: q.Get("from"), To: q.Get("to")}
	aq := parley.AuditQuery{SiteID: siteID, Action: f.Action, UserID: f.User, ActorID: f.Actor, StoryID: f.Story, CommentID: f.Comment, Text: f.Text, Limit: auditPage}
	if len(f.Text) > 200 {
		return aq, f, parley.Errorf(parley.EINVALID, "A search is at most 200 characters.")
	}
	var err error
	if aq.From, err = day(f.From); err != nil {
		return aq, f, err
	}
	if aq.To, err = day(f.To); err != nil {
		return aq, f, err
	}
	if !aq.To.IsZero() {
		aq.To = aq.To.Add(24 * time.Hour)
	}
	if b := q.Get("before"); b != "" {
		if aq.BeforeID, err = strconv.ParseInt(b, 10, 64); err != nil || aq.BeforeID < 1 {
			return aq, f, parley.Errorf(parley.EINVALID, "The page is not one this server gave.").Keyed("badCursor")
		}
	}
	return aq, f, nil
}

// day reads a date input (YYYY-MM-DD); "" is no bound.
func day(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, parley.Errorf(parley.EINVALID, "A date is written YYYY-MM-DD.").Keyed("adminBadDate")
	}
	return t, nil
}

// values is the filter as a query, for the next page and the CSV link.
func (f auditFilter) values() url.Values {
	v := url.Values{}
	for k, val := range map[string]string{"action": f.Action, "user": f.User, "actor": f.Actor, "story": f.Story, "comment": f.Comment, "q": f.Text, "from": f.From, "to": f.To} {
		if val != "" {
			v.Set(k, val)
		}
	}
	return v
}

// audit shows a page of the audit log.
func (a *Admin) audit(w http.ResponseWriter, r *http.Request, d *desk) error {
	q, f, err := auditQuery(d.Site.ID, r.URL.Query())
	if err != nil {
		return err
	}
	entries, err := a.svc.Audit(r.Context(), q)
	if err != nil {
		return err
	}
	v := &auditView{layout: a.deskLayout(r, d, "audit", d.P.T("admin.audit.title")), Filter: f, Actions: auditActions, Entries: entries}
	vals := f.values()
	v.CSV = deskPath(d.Site.ID, "audit.csv")
	if len(vals) > 0 {
		v.CSV += "?" + vals.Encode()
	}
	if len(entries) == auditPage {
		vals.Set("before", strconv.FormatInt(entries[len(entries)-1].ID, 10))
		v.Next = deskPath(d.Site.ID, "audit") + "?" + vals.Encode()
	}
	a.render(w, http.StatusOK, "audit", v)
	return nil
}

// auditCSV downloads the whole filtered log as CSV. The service writes it
// a page at a time and guards its cells against spreadsheet formulas.
func (a *Admin) auditCSV(w http.ResponseWriter, r *http.Request, d *desk) error {
	q, _, err := auditQuery(d.Site.ID, r.URL.Query())
	if err != nil {
		return err
	}
	q.Limit = parley.MaxAuditPage
	// Asked once before anything is sent, so that a refusal is a page,
	// not a file that holds an error.
	if _, err := a.svc.Audit(r.Context(), parley.AuditQuery{SiteID: d.Site.ID, Limit: 1}); err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="parley-audit-`+d.Site.ID+`.csv"`)
	if err := a.svc.WriteAuditCSV(r.Context(), w, q); err != nil {
		a.log.WarnContext(r.Context(), "audit CSV cut short", "site", d.Site.ID, "err", err)
	}
	return nil
}

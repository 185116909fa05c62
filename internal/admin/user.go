package admin

import (
	"net/http"
	"strconv"
	"time"

	"parley"
	"parley/internal/service"
)

// userView is a user's page: their history, the moderators' notes and
// the measures taken against them.
type userView struct {
	layout
	UserID   string
	Name     string
	Author   *service.AuthorSummary // nil when the user has no comment
	Items    []*itemView
	Next     string
	Notes    []*parley.AuditEntry
	Measures []*parley.AuditEntry // warnings, suspensions, bans, reinstatements
	Days     []int                // the suspensions offered, in days
	Notice   string               // what the last form did, without a script
}

// sanctionActions are the audit actions the page lists as measures.
var sanctionActions = map[string]bool{parley.AuditWarned: true, parley.AuditSuspended: true, parley.AuditBanned: true, parley.AuditReinstated: true}

// user shows a user's page.
func (a *Admin) user(w http.ResponseWriter, r *http.Request, d *desk) error {
	ctx, userID := r.Context(), r.PathValue("user")
	hist, err := a.svc.History(ctx, d.Site.ID, userID, r.URL.Query().Get("cursor"))
	if err != nil {
		return err
	}
	notes, err := a.svc.Notes(ctx, d.Site.ID, userID)
	if err != nil {
		return err
	}
	log, err := a.svc.Audit(ctx, parley.AuditQuery{SiteID: d.Site.ID, UserID: userID, Limit: 200})
	if err != nil {
		return err
	}
	v := &userView{layout: a.deskLayout(r, d, "user", ""), UserID: userID, Notes: notes, Days: []int{1, 7, 30}}
	for _, e := range log {
		if sanctionActions[e.Action] {
			v.Measures = append(v.Measures, e)
		}
	}
	v.Items = a.itemViews(ctx, d, hist.Items, v.Here)
	if len(hist.Items) > 0 {
		v.Author = hist.Items[0].Author
		v.Name = hist.Items[0].Comment.AuthorName
	}
	if v.Name == "" {
		v.Name = d.P.T("admin.user.unnamed")
	}
	v.Title = v.Name
	if hist.Next != "" {
		v.Next = userURL(d.Site.ID, userID) + "?cursor=" + hist.Next
	}
	if k := r.URL.Query().Get("did"); k != "" {
		v.Notice = d.P.T("admin.done." + noticeKey(k))
	}
	a.render(w, http.StatusOK, "user", v)
	return nil
}

// noticeKey keeps a ?did= to the actions the catalogs name.
func noticeKey(k string) string {
	if sanctionActions[k] || k == parley.AuditNoted {
		return k
	}
	return "nothing"
}

// addNote adds a moderator's note on the user.
func (a *Admin) addNote(w http.ResponseWriter, r *http.Request, d *desk) error {
	userID := r.PathValue("user")
	e, err := a.svc.AddNote(r.Context(), d.Site.ID, userID, r.PostForm.Get("note"))
	if err != nil {
		return err
	}
	r.PostForm.Set("back", userURL(d.Site.ID, userID)+"?did="+e.Action)
	return a.done(w, r, d.Site.ID, actionResult{Message: d.P.T("admin.done." + e.Action)})
}

// sanction warns, suspends, bans or reinstates the user.
func (a *Admin) sanction(w http.ResponseWriter, r *http.Request, d *desk) error {
	f, userID := r.PostForm, r.PathValue("user")
	sn := service.Sanction{SiteID: d.Site.ID, UserID: userID, Kind: f.Get("kind"), Reason: f.Get("reason"), Message: f.Get("message")}
	if sn.Kind == service.SanctionSuspend {
		days, err := strconv.Atoi(f.Get("days"))
		if err != nil || days < 1 || days > 365 {
			return parley.Errorf(parley.EINVALID, "A suspension lasts 1 to 365 days.").Keyed("adminSuspendDays")
		}
		sn.Duration = time.Duration(days) * 24 * time.Hour
	}
	e, err := a.svc.Sanction(r.Context(), sn)
	if err != nil {
		return err
	}
	res := actionResult{Message: d.P.T("admin.done.nothing")}
	if e != nil {
		res.Message = d.P.T("admin.done." + e.Action)
		if e.Action == parley.AuditBanned {
			res.Unban = userID
		}
		if f.Get("back") == "" {
			r.PostForm.Set("back", userURL(d.Site.ID, userID)+"?did="+e.Action)
		}
	}
	return a.done(w, r, d.Site.ID, res)
}

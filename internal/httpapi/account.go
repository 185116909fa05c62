package httpapi

import (
	"net/http"
	"time"

	"parley/internal/service"
	"parley/internal/wire"
)

// This file serves the caller's own account on a site: reply mails, their
// comments, their data, and erasing it all. Every answer is personal, so
// none may be cached (writeJSON says no-store).

type notificationsJSON struct {
	Replies   bool `json:"replies"`
	Decisions bool `json:"decisions"`
	Email     bool `json:"email"`
}

// notificationsRequest leaves what it does not name as it was.
type notificationsRequest struct {
	Replies   *bool  `json:"replies"`
	Decisions *bool  `json:"decisions"`
	Lang      string `json:"lang"`
}

func newNotificationsJSON(st *service.NotificationState) notificationsJSON {
	return notificationsJSON{Replies: st.Replies, Decisions: st.Decisions, Email: st.Email}
}

// notifications returns the caller's reply-mail settings.
func (a *API) notifications(w http.ResponseWriter, r *http.Request) error {
	siteID, err := sitePath(r)
	if err != nil {
		return err
	}
	st, err := a.svc.Notifications(r.Context(), siteID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newNotificationsJSON(st))
	return nil
}

// setNotifications turns reply and decision mails on or off:
// {"replies", "decisions", "lang"}, each optional.
func (a *API) setNotifications(w http.ResponseWriter, r *http.Request) error {
	siteID, err := sitePath(r)
	if err != nil {
		return err
	}
	var req notificationsRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	st, err := a.svc.SetNotifications(r.Context(), siteID, service.NotificationChoice{Replies: req.Replies, Decisions: req.Decisions, Lang: req.Lang})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newNotificationsJSON(st))
	return nil
}

type myCommentJSON struct {
	ID         string `json:"id"`
	StoryID    string `json:"storyId"`
	StoryTitle string `json:"storyTitle"`
	StoryURL   string `json:"storyUrl"`
	HTML       string `json:"html"`
	Status     string `json:"status"`
	CreatedAt  string `json:"createdAt"`
	EditedAt   string `json:"editedAt,omitempty"`
}

type myCommentsJSON struct {
	Comments   []myCommentJSON `json:"comments"`
	NextCursor string          `json:"nextCursor,omitempty"`
}

// myComments pages the caller's comments on every story of the site.
func (a *API) myComments(w http.ResponseWriter, r *http.Request) error {
	siteID, err := sitePath(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	limit, err := intParam(q.Get("limit"))
	if err != nil {
		return err
	}
	cs, next, err := a.svc.MyComments(r.Context(), siteID, q.Get("cursor"), limit)
	if err != nil {
		return err
	}
	out := myCommentsJSON{Comments: make([]myCommentJSON, len(cs)), NextCursor: next}
	for i, m := range cs {
		c := m.Comment
		out.Comments[i] = myCommentJSON{ID: c.ID, StoryID: c.StoryID, StoryTitle: m.Story.Title, StoryURL: m.Story.URL,
			HTML: c.HTML, Status: c.Status, CreatedAt: wire.FormatTime(c.CreatedAt), EditedAt: wire.FormatTime(c.EditedAt)}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// myData sends everything Parley holds about the caller as a download.
func (a *API) myData(w http.ResponseWriter, r *http.Request) error {
	siteID, err := sitePath(r)
	if err != nil {
		return err
	}
	d, err := a.svc.MyData(r.Context(), siteID)
	if err != nil {
		return err
	}
	name := "parley-" + siteID + "-" + d.ExportedAt.UTC().Format(time.DateOnly) + ".json"
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	writeJSON(w, http.StatusOK, newDataJSON(siteID, d))
	return nil
}

type eraseRequest struct {
	Confirm string `json:"confirm"`
}

// eraseMe erases the caller's account: {"confirm": "delete"}.
func (a *API) eraseMe(w http.ResponseWriter, r *http.Request) error {
	siteID, err := sitePath(r)
	if err != nil {
		return err
	}
	var req eraseRequest
	if r.ContentLength != 0 {
		if err := decode(w, r, &req); err != nil {
			return err
		}
	}
	if err := a.svc.EraseMe(r.Context(), siteID, req.Confirm); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// dataJSON is the download of a reader's data. Each table is a field;
// a later one is a field more.
type dataJSON struct {
	Site          string             `json:"site"`
	ExportedAt    string             `json:"exportedAt"`
	Profile       profileJSON        `json:"profile"`
	Identities    []identityJSON     `json:"identities"`
	Sessions      []sessionJSON      `json:"sessions"`
	Comments      []dataCommentJSON  `json:"comments"`
	Reactions     []reactionJSON     `json:"reactions"`
	Reports       []reportJSON       `json:"reports"`
	Notifications notificationConfig `json:"notifications"`
	Passkeys      []passkeyDataJSON  `json:"passkeys"`
	Inbox         []inboxDataJSON    `json:"inbox"`
}

// inboxDataJSON is one of the reader's notifications as it is stored.
type inboxDataJSON struct {
	Kind      string `json:"kind"`
	StoryID   string `json:"storyId,omitempty"`
	CommentID string `json:"commentId,omitempty"`
	Reason    string `json:"reason,omitempty"`
	Message   string `json:"message,omitempty"`
	Until     string `json:"until,omitempty"`
	Read      bool   `json:"read"`
	CreatedAt string `json:"createdAt"`
}

// passkeyDataJSON is a passkey as its owner may see it: what it is called
// and when it was used; the public key and credential ID are the
// authenticator's business and of no use to a reader.
type passkeyDataJSON struct {
	Name       string `json:"name"`
	CreatedAt  string `json:"createdAt"`
	LastUsedAt string `json:"lastUsedAt,omitempty"`
}

type profileJSON struct {
	ID        string   `json:"id"`
	Name      string   `json:"name"`
	Email     string   `json:"email"`
	Badges    []string `json:"badges"`
	Role      string   `json:"role"`
	CreatedAt string   `json:"createdAt"`
}

type identityJSON struct {
	Subject   string `json:"subject"`
	CreatedAt string `json:"createdAt"`
}

type sessionJSON struct {
	Method    string `json:"method"`
	CreatedAt string `json:"createdAt"`
	ExpiresAt string `json:"expiresAt"`
}

type dataCommentJSON struct {
	ID        string `json:"id"`
	StoryID   string `json:"storyId"`
	ParentID  string `json:"parentId,omitempty"`
	Status    string `json:"status"`
	Body      string `json:"body"`
	HTML      string `json:"html"`
	CreatedAt string `json:"createdAt"`
	EditedAt  string `json:"editedAt,omitempty"`
	DeletedAt string `json:"deletedAt,omitempty"`
}

type reactionJSON struct {
	CommentID string `json:"commentId"`
	CreatedAt string `json:"createdAt"`
}

type reportJSON struct {
	CommentID string `json:"commentId"`
	Reason    string `json:"reason"`
	Note      string `json:"note,omitempty"`
	CreatedAt string `json:"createdAt"`
}

type notificationConfig struct {
	Replies   bool   `json:"replies"`
	Decisions bool   `json:"decisions"`
	Lang      string `json:"lang,omitempty"`
}

func newDataJSON(siteID string, d *service.MyData) dataJSON {
	u := d.User
	out := dataJSON{
		Site: siteID, ExportedAt: wire.FormatTime(d.ExportedAt),
		Profile:       profileJSON{ID: u.ID, Name: u.Name, Email: u.Email, Badges: nonNil(u.Badges), Role: u.UserRole().String(), CreatedAt: wire.FormatTime(u.CreatedAt)},
		Identities:    make([]identityJSON, len(d.Identities)),
		Sessions:      make([]sessionJSON, len(d.Sessions)),
		Comments:      make([]dataCommentJSON, len(d.Comments)),
		Reactions:     make([]reactionJSON, len(d.Reactions)),
		Reports:       make([]reportJSON, len(d.Reports)),
		Notifications: notificationConfig{Replies: d.Notifications.Replies, Decisions: d.Notifications.Decisions, Lang: d.Notifications.Lang},
		Passkeys:      make([]passkeyDataJSON, len(d.Passkeys)),
		Inbox:         make([]inboxDataJSON, len(d.Inbox)),
	}
	for i, x := range d.Inbox {
		out.Inbox[i] = inboxDataJSON{Kind: x.Kind, StoryID: x.StoryID, CommentID: x.CommentID, Reason: x.Reason, Message: x.Note,
			Until: wire.FormatTime(x.Until), Read: x.Read, CreatedAt: wire.FormatTime(x.CreatedAt)}
	}
	for i, p := range d.Passkeys {
		out.Passkeys[i] = passkeyDataJSON{Name: p.Name, CreatedAt: wire.FormatTime(p.CreatedAt), LastUsedAt: wire.FormatTime(p.LastUsedAt)}
	}
	for i, x := range d.Identities {
		out.Identities[i] = identityJSON{Subject: x.Subject, CreatedAt: wire.FormatTime(x.CreatedAt)}
	}
	for i, x := range d.Sessions {
		out.Sessions[i] = sessionJSON{Method: x.Method, CreatedAt: wire.FormatTime(x.CreatedAt), ExpiresAt: wire.FormatTime(x.ExpiresAt)}
	}
	for i, c := range d.Comments {
		out.Comments[i] = dataCommentJSON{ID: c.ID, StoryID: c.StoryID, ParentID: c.ParentID, Status: c.Status, Body: c.Body, HTML: c.HTML,
			CreatedAt: wire.FormatTime(c.CreatedAt), EditedAt: wire.FormatTime(c.EditedAt), DeletedAt: wire.FormatTime(c.DeletedAt)}
	}
	for i, x := range d.Reactions {
		out.Reactions[i] = reactionJSON{CommentID: x.CommentID, CreatedAt: wire.FormatTime(x.CreatedAt)}
	}
	for i, x := range d.Reports {
		out.Reports[i] = reportJSON{CommentID: x.CommentID, Reason: x.Reason, Note: x.Note, CreatedAt: wire.FormatTime(x.CreatedAt)}
	}
	return out
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

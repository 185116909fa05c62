package httpapi

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"parley"
	"parley/internal/service"
	"parley/internal/wire"
)

// This file serves the caller's notification inbox. Every answer is
// personal: writeJSON says no-store.

type inboxJSON struct {
	Items      []inboxItemJSON `json:"items"`
	Unread     int             `json:"unread"`
	NextCursor string          `json:"nextCursor,omitempty"`
}

type inboxItemJSON struct {
	ID        string              `json:"id"`
	Kind      string              `json:"kind"`
	Read      bool                `json:"read"`
	CreatedAt string              `json:"createdAt"`
	Story     *inboxStoryJSON     `json:"story,omitempty"`
	Comment   *inboxCommentJSON   `json:"comment,omitempty"`
	Reason    string              `json:"reason,omitempty"`
	Message   string              `json:"message,omitempty"`
	Until     string              `json:"until,omitempty"`
	Statement *inboxStatementJSON `json:"statement,omitempty"`
	Contest   *contestJSON        `json:"contest,omitempty"`
}

type inboxStoryJSON struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	URL   string `json:"url"`
}

// inboxCommentJSON is the comment an item names: the reply, or the
// reader's own comment that was decided on. Its text is left out unless
// it is public or the reader's own, so that a reply removed since is not
// read through the inbox.
type inboxCommentJSON struct {
	ID     string       `json:"id"`
	Status string       `json:"status"`
	HTML   string       `json:"html,omitempty"`
	Author *wire.Author `json:"author,omitempty"`
}

type inboxStatementJSON struct {
	Decision   string   `json:"decision"`
	Ground     string   `json:"ground"`
	Automated  bool     `json:"automated"`
	Paragraphs []string `json:"paragraphs"`
}

type contestJSON struct {
	EntryID int64  `json:"entryId"`
	URL     string `json:"url"` // POST {"explanation"} here (a relative path of this API)
	Until   string `json:"until"`
}

type unreadJSON struct {
	Unread int `json:"unread"`
}

type inboxReadRequest struct {
	IDs []string `json:"ids"`
	All bool     `json:"all"`
}

// inbox pages the caller's notifications, newest first; ?lang= is the
// language of the statements of reasons.
func (a *API) inbox(w http.ResponseWriter, r *http.Request) error {
	siteID, err := sitePath(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	limit, err := intParam(q.Get("limit"))
	if err != nil {
		return err
	}
	page, err := a.svc.Inbox(r.Context(), siteID, q.Get("cursor"), limit)
	if err != nil {
		return err
	}
	lang, now := requestLang(r), time.Now()
	out := inboxJSON{Items: make([]inboxItemJSON, len(page.Entries)), Unread: page.Unread, NextCursor: page.NextCursor}
	for i, e := range page.Entries {
		out.Items[i] = newInboxItemJSON(e, lang, now)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func newInboxItemJSON(e service.InboxEntry, lang string, now time.Time) inboxItemJSON {
	it := e.Item
	j := inboxItemJSON{ID: it.ID, Kind: it.Kind, Read: it.Read, CreatedAt: wire.FormatTime(it.CreatedAt),
		Reason: it.Reason, Message: it.Note, Until: wire.FormatTime(it.Until)}
	if st := e.Story; st != nil {
		j.Story = &inboxStoryJSON{ID: st.ID, Title: st.Title, URL: st.URL}
	}
	if c := e.Comment; c != nil {
		j.Comment = &inboxCommentJSON{ID: c.ID, Status: c.Status}
		if c.Status == parley.StatusApproved || c.AuthorID == it.UserID {
			pub := wire.FromComment(c)
			j.Comment.HTML, j.Comment.Author = pub.HTML, pub.Author
		}
	}
	if s := e.Statement; s != nil {
		j.Statement = &inboxStatementJSON{Decision: s.Decision, Ground: s.Ground, Automated: s.Automated, Paragraphs: s.Paragraphs(lang, now)}
		if e.Contestable {
			j.Contest = &contestJSON{EntryID: s.EntryID, URL: "/api/v1/decisions/" + strconv.FormatInt(s.EntryID, 10) + "/complaints",
				Until: wire.FormatTime(s.ContestUntil)}
		}
	}
	return j
}

// inboxUnread returns the caller's unread count, for the bell.
func (a *API) inboxUnread(w http.ResponseWriter, r *http.Request) error {
	siteID, err := sitePath(r)
	if err != nil {
		return err
	}
	n, err := a.svc.InboxUnread(r.Context(), siteID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, unreadJSON{Unread: n})
	return nil
}

// inboxRead marks notifications read: {"ids": [...]} or {"all": true}.
func (a *API) inboxRead(w http.ResponseWriter, r *http.Request) error {
	siteID, err := sitePath(r)
	if err != nil {
		return err
	}
	var req inboxReadRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	n, err := a.svc.MarkInboxRead(r.Context(), siteID, req.IDs, req.All)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, unreadJSON{Unread: n})
	return nil
}

// InboxService is what the inbox routes need of the service.
type InboxService interface {
	Inbox(ctx context.Context, siteID, cursor string, limit int) (*service.InboxPage, error)
	InboxUnread(ctx context.Context, siteID string) (int, error)
	MarkInboxRead(ctx context.Context, siteID string, ids []string, all bool) (int, error)
}

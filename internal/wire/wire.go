// Package wire is the JSON shape of Parley's public data: threads, pages,
// comments and stories as the API, the live stream and the server-rendered
// block's embedded data send them. One definition keeps the three in step.
package wire

import (
	"time"

	"parley"
	"parley/internal/service"
)

// TimeFormat is RFC 3339 in UTC with milliseconds, the precision times are
// stored at.
const TimeFormat = "2006-01-02T15:04:05.000Z07:00"

type Story struct {
	SiteID       string `json:"siteId"`
	ID           string `json:"id"`
	URL          string `json:"url"`
	Title        string `json:"title"`
	Lang         string `json:"lang"`
	Status       string `json:"status"`
	CommentCount int    `json:"commentCount"`
}

// Author is who wrote a comment, as the public thread shows them: Role
// only for staff, moderators and admins, Badges as their publisher gave
// them; nothing personal.
type Author struct {
	ID     string   `json:"id"`
	Name   string   `json:"name"`
	Role   string   `json:"role,omitempty"`
	Badges []string `json:"badges,omitempty"`
	// Deleted marks the author of a comment kept after they erased their
	// account: no ID, no name, and clients show "deleted user" in their
	// own language (i18n key comment.deletedUser).
	Deleted bool `json:"deleted,omitempty"`
}

// Comment is a comment as readers see it. Body, the Markdown source, is
// only ever sent to the comment's author.
type Comment struct {
	ID            string     `json:"id"`
	ParentID      string     `json:"parentId,omitempty"`
	Depth         int        `json:"depth"`
	Author        *Author    `json:"author,omitempty"`
	HTML          string     `json:"html"`
	Body          string     `json:"body,omitempty"`
	Status        string     `json:"status"`
	CreatedAt     string     `json:"createdAt"`
	EditedAt      string     `json:"editedAt,omitempty"`
	EditableUntil string     `json:"editableUntil,omitempty"`
	Reactions     int        `json:"reactions"`
	ReplyCount    int        `json:"replyCount"`
	Replies       []*Comment `json:"replies,omitempty"`
	RepliesCursor string     `json:"repliesCursor,omitempty"`
}

type Thread struct {
	Story      Story      `json:"story"`
	Comments   []*Comment `json:"comments"`
	NextCursor string     `json:"nextCursor,omitempty"`
	EventID    int64      `json:"eventId,omitempty"`
}

type Page struct {
	Comments   []*Comment `json:"comments"`
	NextCursor string     `json:"nextCursor,omitempty"`
}

func FormatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(TimeFormat)
}

func FromStory(s *parley.Story) Story {
	return Story{SiteID: s.SiteID, ID: s.ID, URL: s.URL, Title: s.Title, Lang: s.Lang, Status: s.Status, CommentCount: s.CommentCount}
}

// FromComment renders the public view of c. A deleted placeholder keeps its
// place and counts but shows no author or text.
func FromComment(c *parley.Comment) *Comment {
	j := &Comment{
		ID: c.ID, ParentID: c.ParentID, Depth: c.Depth, HTML: c.HTML, Status: c.Status,
		CreatedAt: FormatTime(c.CreatedAt), EditedAt: FormatTime(c.EditedAt),
		Reactions: c.ReactionCount, ReplyCount: c.ReplyCount,
	}
	switch {
	case c.AuthorErased():
		j.Author = &Author{Deleted: true}
	case c.Status != parley.StatusDeleted:
		j.Author = &Author{ID: c.AuthorID, Name: c.AuthorName, Badges: c.Author.Badges}
		if c.Author.Role.Staff() {
			j.Author.Role = c.Author.Role.String()
		}
	}
	return j
}

// FromOwn renders one of the caller's comments, with its Markdown source.
func FromOwn(c *parley.Comment, editableUntil time.Time) *Comment {
	j := FromComment(c)
	j.Body = c.Body
	j.EditableUntil = FormatTime(editableUntil)
	return j
}

func FromNodes(nodes []*service.Node) []*Comment {
	out := make([]*Comment, len(nodes))
	for i, n := range nodes {
		j := FromComment(n.Comment)
		if len(n.Replies) > 0 {
			j.Replies = FromNodes(n.Replies)
		}
		j.RepliesCursor = n.RepliesCursor
		out[i] = j
	}
	return out
}

func FromThread(t *service.Thread) *Thread {
	return &Thread{Story: FromStory(t.Story), Comments: FromNodes(t.Comments), NextCursor: t.NextCursor, EventID: t.EventID}
}

package httpapi

import (
	"time"

	"parley"
	"parley/internal/service"
)

// timeFormat is RFC 3339 in UTC with milliseconds, the precision times are
// stored at.
const timeFormat = "2006-01-02T15:04:05.000Z07:00"

type storyJSON struct {
	SiteID       string `json:"siteId"`
	ID           string `json:"id"`
	URL          string `json:"url"`
	Title        string `json:"title"`
	Lang         string `json:"lang"`
	Status       string `json:"status"`
	CommentCount int    `json:"commentCount"`
}

type authorJSON struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// commentJSON is a comment as readers see it. Body, the Markdown source, is
// only ever sent to the comment's author.
type commentJSON struct {
	ID            string         `json:"id"`
	ParentID      string         `json:"parentId,omitempty"`
	Depth         int            `json:"depth"`
	Author        *authorJSON    `json:"author,omitempty"`
	HTML          string         `json:"html"`
	Body          string         `json:"body,omitempty"`
	Status        string         `json:"status"`
	CreatedAt     string         `json:"createdAt"`
	EditedAt      string         `json:"editedAt,omitempty"`
	EditableUntil string         `json:"editableUntil,omitempty"`
	Reactions     int            `json:"reactions"`
	ReplyCount    int            `json:"replyCount"`
	Replies       []*commentJSON `json:"replies,omitempty"`
	RepliesCursor string         `json:"repliesCursor,omitempty"`
}

type threadJSON struct {
	Story      storyJSON      `json:"story"`
	Comments   []*commentJSON `json:"comments"`
	NextCursor string         `json:"nextCursor,omitempty"`
}

type pageJSON struct {
	Comments   []*commentJSON `json:"comments"`
	NextCursor string         `json:"nextCursor,omitempty"`
}

func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(timeFormat)
}

func toStory(s *parley.Story) storyJSON {
	return storyJSON{SiteID: s.SiteID, ID: s.ID, URL: s.URL, Title: s.Title, Lang: s.Lang, Status: s.Status, CommentCount: s.CommentCount}
}

// toComment renders the public view of c. A deleted placeholder keeps its
// place and counts but shows no author or text.
func toComment(c *parley.Comment) *commentJSON {
	j := &commentJSON{
		ID: c.ID, ParentID: c.ParentID, Depth: c.Depth, HTML: c.HTML, Status: c.Status,
		CreatedAt: formatTime(c.CreatedAt), EditedAt: formatTime(c.EditedAt),
		Reactions: c.ReactionCount, ReplyCount: c.ReplyCount,
	}
	if c.Status != parley.StatusDeleted {
		j.Author = &authorJSON{ID: c.AuthorID, Name: c.AuthorName}
	}
	return j
}

// toOwn renders one of the caller's comments, with its Markdown source.
func toOwn(c *parley.Comment, editableUntil time.Time) *commentJSON {
	j := toComment(c)
	j.Body = c.Body
	j.EditableUntil = formatTime(editableUntil)
	return j
}

func toNodes(nodes []*service.Node) []*commentJSON {
	out := make([]*commentJSON, len(nodes))
	for i, n := range nodes {
		j := toComment(n.Comment)
		if len(n.Replies) > 0 {
			j.Replies = toNodes(n.Replies)
		}
		j.RepliesCursor = n.RepliesCursor
		out[i] = j
	}
	return out
}

func toThread(t *service.Thread) *threadJSON {
	return &threadJSON{Story: toStory(t.Story), Comments: toNodes(t.Comments), NextCursor: t.NextCursor}
}

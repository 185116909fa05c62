package service

import (
	"context"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"

	"parley"
)

// Page sizes.
const (
	DefaultPageSize = 20
	MaxPageSize     = 100
)

// replyLevels says how many replies a page shows per parent at each level
// below the top: enough to follow a conversation, bounded so that a page of
// a heated story stays small. Deeper or further replies are fetched with
// their cursor.
var replyLevels = [...]int{3, 2, 1}

// Thread is one page of a story's discussion.
type Thread struct {
	Story      *parley.Story
	Comments   []*Node
	NextCursor string // "" on the last page
	// EventID is the story's last event before the page was read: a live
	// stream started after it misses nothing the page lacks.
	EventID int64
}

// Node is a comment with the first of its replies.
type Node struct {
	*parley.Comment
	Replies       []*Node
	RepliesCursor string // continues Replies; "" when all are shown
}

// ThreadQuery asks for a page of a story's top-level comments.
type ThreadQuery struct {
	SiteID  string
	StoryID string
	Sort    string
	Limit   int
	Cursor  string
}

// Thread returns a page of top-level comments with their replies nested
// three levels deep. A story nobody has commented on yet is an empty thread,
// not an error. The result holds nothing specific to the caller.
func (s *Service) Thread(ctx context.Context, q ThreadQuery) (*Thread, error) {
	if _, err := s.Site(ctx, q.SiteID); err != nil {
		return nil, err
	}
	if !parley.ValidID(q.StoryID) {
		return nil, parley.Errorf(parley.ENOTFOUND, "There is no story %q.", q.StoryID)
	}
	if q.Sort == "" {
		q.Sort = parley.SortNewest
	}
	cq := parley.CommentQuery{SiteID: q.SiteID, StoryID: q.StoryID, Sort: q.Sort}
	if err := pageQuery(&cq, q.Limit, q.Cursor); err != nil {
		return nil, err
	}
	eventID, err := s.store.LastEventID(ctx, q.SiteID, q.StoryID)
	if err != nil {
		return nil, fmt.Errorf("last event: %w", err)
	}
	story, err := s.store.Story(ctx, q.SiteID, q.StoryID)
	if parley.ErrorCode(err) == parley.ENOTFOUND {
		return &Thread{Story: &parley.Story{SiteID: q.SiteID, ID: q.StoryID, Status: parley.StoryOpen}, Comments: []*Node{}}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("story: %w", err)
	}
	page, next, err := s.page(ctx, cq)
	if err != nil {
		return nil, err
	}
	return &Thread{Story: story, Comments: page, NextCursor: next, EventID: eventID}, nil
}

// Replies returns a page of the direct replies to a comment, oldest first,
// each with its own first replies.
func (s *Service) Replies(ctx context.Context, commentID string, limit int, cursor string) ([]*Node, string, error) {
	q := parley.CommentQuery{Sort: parley.SortOldest}
	if err := pageQuery(&q, limit, cursor); err != nil {
		return nil, "", err
	}
	c, err := s.comment(ctx, commentID)
	if err != nil {
		return nil, "", err
	}
	if !c.Shown() {
		return nil, "", parley.Errorf(parley.ENOTFOUND, "There is no comment %q.", commentID)
	}
	q.SiteID, q.StoryID, q.ParentID = c.SiteID, c.StoryID, c.ID
	return s.page(ctx, q)
}

// pageQuery checks the sort, limit and cursor of a page request and puts
// them into q. Callers check before their first query, so that a bad
// request is EINVALID whatever the story holds.
func pageQuery(q *parley.CommentQuery, limit int, cursor string) error {
	if !parley.ValidSort(q.Sort) {
		return parley.Errorf(parley.EINVALID, "Sort by newest, oldest, top or replies.")
	}
	if limit == 0 {
		limit = DefaultPageSize
	}
	if limit < 1 || limit > MaxPageSize {
		return parley.Errorf(parley.EINVALID, "The limit must be between 1 and %d.", MaxPageSize)
	}
	after, ok, err := decodeCursor(cursor)
	if err != nil {
		return err
	}
	if ok {
		q.After = &after
	}
	q.Limit = limit + 1 // one more says whether a next page exists
	return nil
}

// page loads one page of q, checked by pageQuery, with nested replies and
// the cursor after it.
func (s *Service) page(ctx context.Context, q parley.CommentQuery) ([]*Node, string, error) {
	comments, err := s.store.Comments(ctx, q)
	if err != nil {
		return nil, "", fmt.Errorf("comments: %w", err)
	}
	next := ""
	if limit := q.Limit - 1; len(comments) > limit {
		comments = comments[:limit]
		next = encodeCursor(parley.CursorOf(comments[limit-1], q.Sort))
	}
	nodes := wrap(comments)
	if err := s.nest(ctx, nodes, replyLevels[:]); err != nil {
		return nil, "", err
	}
	if err := s.withStandings(ctx, q.SiteID, nodes); err != nil {
		return nil, "", err
	}
	return nodes, next, nil
}

// nest loads the first replies of every node, level by level: one store
// call per level, whatever the number of parents.
func (s *Service) nest(ctx context.Context, level []*Node, perLevel []int) error {
	for _, n := range perLevel {
		var parents []string
		byID := make(map[string]*Node)
		for _, node := range level {
			if node.ReplyCount > 0 {
				parents = append(parents, node.ID)
				byID[node.ID] = node
			}
		}
		if len(parents) == 0 {
			return nil
		}
		replies, err := s.store.Replies(ctx, parents, n)
		if err != nil {
			return fmt.Errorf("replies: %w", err)
		}
		level = level[:0:0]
		for _, r := range replies {
			p := byID[r.ParentID]
			child := &Node{Comment: r}
			p.Replies = append(p.Replies, child)
			level = append(level, child)
		}
		for _, p := range byID {
			if p.ReplyCount > len(p.Replies) {
				p.RepliesCursor = cursorAfter(p)
			}
		}
	}
	return nil
}

// cursorAfter continues the replies of p after the last one shown.
func cursorAfter(p *Node) string {
	if len(p.Replies) == 0 {
		return ""
	}
	return encodeCursor(parley.CursorOf(p.Replies[len(p.Replies)-1].Comment, parley.SortOldest))
}

func wrap(comments []*parley.Comment) []*Node {
	nodes := make([]*Node, len(comments))
	for i, c := range comments {
		nodes[i] = &Node{Comment: c}
	}
	return nodes
}

// encodeCursor makes an opaque cursor: clients pass it back unchanged.
func encodeCursor(c *parley.Cursor) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.Itoa(c.Key) + "." + c.ID))
}

// decodeCursor reads a cursor made by encodeCursor; ok is false for ""
// (the first page). Anything else that is not such a cursor is EINVALID,
// checked here so that no part of it reaches a query unvalidated: the key
// must fit the stores' 32-bit counts and the ID must be a comment ID.
func decodeCursor(s string) (c parley.Cursor, ok bool, err error) {
	if s == "" {
		return parley.Cursor{}, false, nil
	}
	bad := parley.Errorf(parley.EINVALID, "The cursor is not valid.")
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return parley.Cursor{}, false, bad
	}
	key, id, found := strings.Cut(string(raw), ".")
	n, err := strconv.ParseInt(key, 10, 32)
	if !found || err != nil || n < 0 || !parley.ValidCommentID(id) {
		return parley.Cursor{}, false, bad
	}
	return parley.Cursor{Key: int(n), ID: id}, true, nil
}

// Comment returns a comment that readers can see.
func (s *Service) Comment(ctx context.Context, id string) (*parley.Comment, error) {
	c, err := s.comment(ctx, id)
	if err != nil {
		return nil, err
	}
	if !c.Shown() {
		return nil, parley.Errorf(parley.ENOTFOUND, "There is no comment %q.", id)
	}
	return c, nil
}

package embed

import (
	"context"
	"encoding/json"
	"fmt"
	"html/template"
	"net/url"
	"strings"

	"parley"
	"parley/internal/i18n"
	"parley/internal/service"
	"parley/internal/wire"
)

// view is what the fragment template sees.
type view struct {
	P         *i18n.Printer
	SiteID    string
	Thread    *service.Thread
	Sort      string
	Sorts     []string
	Parent    string
	ReplyTo   *parley.Comment
	Anonymous bool
	MaxLength int
	PageURL   string
	PostURL   string
	FormToken string // see formTokens
	// NoticeBase starts the link of each comment's notice form (notice.go):
	// NoticeBase + comment ID + "/notice".
	NoticeBase string

	// Data is the page as the API would send it, for the web component to
	// take over without fetching page 1 again. json.Marshal escapes <, >
	// and &, so it cannot end the script element it sits in.
	Data template.JS
}

// nodeView pairs a comment with the view, for the recursive template.
type nodeView struct {
	V    *view
	Node *service.Node
}

func (b *Block) view(ctx context.Context, req Request) (*view, error) {
	site, err := b.svc.Site(ctx, req.SiteID)
	if err != nil {
		return nil, err
	}
	if req.Sort == "" {
		req.Sort = parley.SortNewest
	}
	t, err := b.thread(ctx, req)
	if err != nil {
		return nil, err
	}
	lang := req.Lang
	if lang == "" {
		lang = t.Story.Lang
	}
	v := &view{
		P: i18n.For(lang), SiteID: site.ID, Thread: t, Sort: req.Sort, Parent: req.Parent,
		Sorts:     []string{parley.SortNewest, parley.SortOldest, parley.SortTop, parley.SortReplies},
		Anonymous: site.AllowAnonymous, MaxLength: site.MaxBodyLength,
		PageURL: b.pageURL(site, req.PageURL), PostURL: req.PostURL, FormToken: b.tokens.issue(site.ID, req.StoryID),
		NoticeBase: b.publicURL + "/embed/" + url.PathEscape(site.ID) + "/comments/",
	}
	if req.Parent == "" && req.Cursor == "" {
		raw, err := json.Marshal(wire.FromThread(t))
		if err != nil {
			return nil, fmt.Errorf("encode thread: %w", err)
		}
		v.Data = template.JS(raw)
	}
	if v.ReplyTo, err = b.replyTo(ctx, site.ID, t.Story.ID, req.Reply); err != nil {
		return nil, err
	}
	return v, nil
}

// replyTo returns the comment the form replies to, or nil for the normal
// composer. Only an approved comment of this very story qualifies: the
// fragment must not name the author of a deleted, pending or rejected
// comment, nor of one on another site, which anyone could ask for by ID.
func (b *Block) replyTo(ctx context.Context, siteID, storyID, id string) (*parley.Comment, error) {
	if id == "" {
		return nil, nil
	}
	c, err := b.svc.Comment(ctx, id)
	switch parley.ErrorCode(err) {
	case "":
	case parley.ENOTFOUND, parley.EINVALID:
		return nil, nil
	default:
		return nil, err
	}
	if c.SiteID != siteID || c.StoryID != storyID || c.Status != parley.StatusApproved {
		return nil, nil
	}
	return c, nil
}

// thread loads what the block lists: a page of the story's top level, or
// with Parent, a page of one comment's replies.
func (b *Block) thread(ctx context.Context, req Request) (*service.Thread, error) {
	if req.Parent == "" {
		return b.svc.Thread(ctx, service.ThreadQuery{SiteID: req.SiteID, StoryID: req.StoryID, Sort: req.Sort, Cursor: req.Cursor})
	}
	story, err := b.svc.StoryState(ctx, req.SiteID, req.StoryID)
	if err != nil {
		return nil, err
	}
	parent, err := b.svc.Comment(ctx, req.Parent)
	if err != nil {
		return nil, err
	}
	if parent.SiteID != story.SiteID || parent.StoryID != story.ID {
		return nil, parley.Errorf(parley.ENOTFOUND, "There is no comment %q in this story.", req.Parent)
	}
	t := &service.Thread{Story: story}
	if t.Comments, t.NextCursor, err = b.svc.Replies(ctx, req.Parent, 0, req.Cursor); err != nil {
		return nil, err
	}
	return t, nil
}

// blockParams are the query parameters the block's own links set.
var blockParams = []string{"sort", "parent", "cursor", "reply"}

// pageParams is the query of the page URL without the block's own
// parameters: what the page itself needs (a WordPress ?p=123) and what a
// link or the sort form must therefore keep.
func (v *view) pageParams() url.Values {
	u, err := url.Parse(v.PageURL)
	if err != nil {
		return url.Values{}
	}
	q := u.Query()
	for _, k := range blockParams {
		q.Del(k)
	}
	return q
}

// link returns the page URL with the view's sort and one more parameter,
// for links that work without JavaScript, keeping the page's own query.
func (v *view) link(key, value string) string {
	q := v.pageParams()
	if v.Sort != parley.SortNewest {
		q.Set("sort", v.Sort)
	}
	if key == "cursor" && v.Parent != "" {
		q.Set("parent", v.Parent)
	}
	q.Set(key, value)
	page, _, _ := strings.Cut(v.PageURL, "?")
	return page + "?" + q.Encode()
}

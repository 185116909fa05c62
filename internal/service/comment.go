package service

import (
	"context"
	"fmt"
	"time"

	"parley"
)

// NewComment is what a reader sends to post a comment.
type NewComment struct {
	SiteID     string
	StoryID    string
	ParentID   string // "" for a top-level comment
	Body       string // Markdown
	AuthorName string // for readers without an account
	Story      StoryInfo

	// Honeypot is the form field that people never see; a post that
	// fills it is refused (key honeypot).
	Honeypot string
	// Proof is the solved proof of work, when the site asked for one.
	Proof Proof
	// Confirm says that the author was nudged (Nudge) and posts anyway.
	Confirm bool
	// Form says the post comes from the server-rendered form, which runs
	// no script: it is never asked for a proof of work (the honeypot, the
	// form token and the posting limits hold it), and never nudged (a
	// comment that would be goes to the moderators at once).
	Form bool
}

// StoryInfo describes the article a story belongs to; the first comment
// registers it.
type StoryInfo struct {
	URL   string
	Title string
	Lang  string
}

// Posted is the result of posting: the comment and, when the service
// created an anonymous commenter for the caller, the token that identifies
// them from now on.
type Posted struct {
	Comment       *parley.Comment
	Token         string
	EditableUntil time.Time
}

// Post validates and stores a new comment, creating the story on its first
// comment and an anonymous commenter on sites that allow them. The comment
// passes the moderation pipeline (pipeline.go) first; its status says
// what the pipeline decided, and only an approved one is public.
func (s *Service) Post(ctx context.Context, in NewComment) (*Posted, error) {
	site, err := s.Site(ctx, in.SiteID)
	if err != nil {
		return nil, err
	}
	a, err := authorize(ctx, site, actPost, nil)
	if err != nil {
		return nil, err
	}
	if in.Honeypot != "" {
		return nil, errHoneypot
	}
	body, err := cleanBody(in.Body, site)
	if err != nil {
		return nil, err
	}
	html, err := s.renderBody(body)
	if err != nil {
		return nil, err
	}
	name, err := authorName(a, in.AuthorName)
	if err != nil {
		return nil, err
	}
	// Every check that can refuse the post comes before the first write,
	// so that a refused post leaves no story or commenter behind.
	c := &parley.Comment{SiteID: site.ID, StoryID: in.StoryID, Body: body, Status: parley.StatusApproved, IPHash: s.addressHash(ctx)}
	parent, err := s.placeReply(ctx, c, in.ParentID)
	if err != nil {
		return nil, err
	}
	st, stored, err := s.newStory(ctx, site, in.StoryID, in.Story)
	if err != nil {
		return nil, err
	}
	if stored && s.closedByAge(site, st) {
		return nil, errClosed()
	}
	create := st
	if stored {
		create = nil
	}
	u, token, err := s.commenter(ctx, site, a, name)
	if err != nil {
		return nil, err
	}
	// Last of the checks, so that the limits count what a reader posts,
	// not their mistakes.
	if err := s.limitPost(ctx, site, a, c.IPHash); err != nil {
		return nil, err
	}
	if err := s.refuseDuplicate(ctx, site, a, body); err != nil {
		return nil, err
	}
	if !in.Form {
		if err := s.requireProof(ctx, site, a, c.IPHash, in.Proof); err != nil {
			return nil, err
		}
	}
	v, err := s.judge(ctx, subjectOf(site, in.StoryID, st, stored, a, u, body, html, c.IPHash))
	if err != nil {
		return nil, err
	}
	if v.nudge && !in.Confirm && !in.Form {
		return nil, &Nudge{Reasons: nudgeReasons(v)}
	}
	s.fill(c, u, name, html)
	c.Status = v.status
	c.Author = standingOf(u)
	c.Newcomer = newcomer(site, u)
	note := s.replyNotification(ctx, parent, c)
	rev := firstRevision(c, &v)
	entry := v.audit(c, "")
	write := func(tx parley.Tx) error {
		if err := postIn(ctx, tx, create, u, token, c); err != nil {
			return err
		}
		if rev != nil {
			if err := recordVerdict(ctx, tx, rev, entry); err != nil {
				return err
			}
		}
		return addReplyNotification(ctx, tx, note)
	}
	if create == nil && token == "" && note == nil && rev == nil {
		// Only the comment to write, as for most comments: the store's
		// own method is a unit by itself, one statement on PostgreSQL
		// instead of a transaction of three.
		err = write(s.store)
	} else {
		err = s.store.Update(ctx, write)
	}
	if err != nil {
		return nil, err
	}
	s.publish(ctx, parley.EventCommentCreated, c)
	return &Posted{Comment: c, Token: token, EditableUntil: c.CreatedAt.Add(site.EditWindow)}, nil
}

// firstRevision returns the revision to write with a new comment c that
// the pipeline judged v, or nil for a comment let through with nothing to
// say about it: its text is the comment's own, so a revision would only
// copy it, and an edit writes it as revision 1 first (saveEdit) before the
// new text. A clean comment then costs one row, not two.
func firstRevision(c *parley.Comment, v *verdict) *parley.Revision {
	if c.Status == parley.StatusApproved && len(v.reasons) == 0 {
		return nil
	}
	return &parley.Revision{CommentID: c.ID, N: 1, Body: c.Body, HTML: c.HTML, Status: c.Status, Reasons: v.reasons, CreatedAt: c.CreatedAt}
}

// postIn writes a post in one unit of work: the story if it is new (and
// refuses it if it turns out to be closed), the commenter if the post
// brought one (token is then theirs), and the comment. Whatever fails
// leaves none of them.
func postIn(ctx context.Context, tx parley.Tx, st *parley.Story, u *parley.User, token string, c *parley.Comment) error {
	if st != nil {
		got, err := tx.EnsureStory(ctx, st)
		if err != nil {
			return fmt.Errorf("ensure story: %w", err)
		}
		if got.Status == parley.StoryClosed {
			return errClosed() // closed by someone else since we looked
		}
	}
	if token != "" {
		if err := tx.CreateUser(ctx, u); err != nil {
			return fmt.Errorf("create commenter: %w", err)
		}
	}
	if err := tx.CreateComment(ctx, c); err != nil {
		return fmt.Errorf("create comment: %w", err)
	}
	return nil
}

func errClosed() error {
	return parley.Errorf(parley.EFORBIDDEN, "This discussion is closed.").Keyed("closed")
}

// authorName picks the name a comment is posted under: the one given, or
// the signed-in actor's.
func authorName(a *parley.Actor, given string) (string, error) {
	if a != nil && given == "" {
		return a.User.Name, nil
	}
	return cleanName(given)
}

func (s *Service) fill(c *parley.Comment, u *parley.User, name, html string) {
	c.CreatedAt = s.now()
	c.ID = parley.NewID(c.CreatedAt)
	if c.RootID == "" {
		c.RootID = c.ID
	}
	c.AuthorID = u.ID
	c.AuthorName = name
	c.HTML = html
}

// renderBody renders a cleaned body, refusing one whose HTML would be too
// large or shows nothing ("---", an empty link).
func (s *Service) renderBody(body string) (string, error) {
	html, err := s.render.Render(body)
	if err != nil {
		return "", err
	}
	if !visibleHTML(html) {
		return "", errEmpty
	}
	return html, nil
}

// newStory refuses a closed story and returns the story the post goes
// to: the stored one (stored is true), or the one to register with the
// first comment. The story is read outside the post's unit of work,
// because a read costs far less than a write (and on SQLite runs beside
// the writer instead of in it), and a story exists for all but its first
// comment; a story read lately comes from memory (storedStory).
func (s *Service) newStory(ctx context.Context, site *parley.Site, id string, info StoryInfo) (st *parley.Story, stored bool, err error) {
	title, err := cleanText(info.Title, "title", false)
	if err != nil {
		return nil, false, err
	}
	pageURL, err := cleanText(info.URL, "story URL", false)
	if err != nil {
		return nil, false, err
	}
	lang, err := cleanLang(info.Lang)
	if err != nil {
		return nil, false, err
	}
	st = &parley.Story{
		SiteID: site.ID, ID: id, URL: pageURL, Title: title, Lang: lang,
		Status: parley.StoryOpen, CreatedAt: s.now(),
	}
	if err := st.Validate(); err != nil {
		return nil, false, err
	}
	got, err := s.storedStory(ctx, st.SiteID, st.ID)
	switch {
	case err == nil && got.Status == parley.StoryClosed:
		return nil, false, errClosed()
	case err == nil:
		return got, true, nil
	case parley.ErrorCode(err) != parley.ENOTFOUND:
		return nil, false, fmt.Errorf("story: %w", err)
	}
	return st, false, nil
}

// placeReply puts c under its parent: same story, a parent readers can see,
// one level deeper. It returns the parent, nil for a top-level comment.
func (s *Service) placeReply(ctx context.Context, c *parley.Comment, parentID string) (*parley.Comment, error) {
	if parentID == "" {
		return nil, nil
	}
	p, err := s.comment(ctx, parentID) // a malformed ID is not found
	switch {
	case parley.ErrorCode(err) == parley.ENOTFOUND:
		return nil, parley.Errorf(parley.EINVALID, "The comment you are replying to does not exist.").Keyed("parentGone")
	case err != nil:
		return nil, fmt.Errorf("parent: %w", err)
	case p.SiteID != c.SiteID || p.StoryID != c.StoryID:
		return nil, parley.Errorf(parley.EINVALID, "The comment you are replying to belongs to another story.")
	case p.Status != parley.StatusApproved:
		return nil, parley.Errorf(parley.EINVALID, "The comment you are replying to is not available.").Keyed("parentGone")
	case p.Depth >= maxReplyDepth:
		return nil, parley.Errorf(parley.EINVALID, "This thread is too deep for further replies.")
	}
	c.ParentID, c.RootID, c.Depth = p.ID, p.RootID, p.Depth+1
	return p, nil
}

// Edit replaces the body of the caller's own comment within the site's edit
// window. The new text passes the pipeline as a new comment does and
// becomes the comment's next revision; a text the pipeline holds or
// refuses takes an approved comment out of the thread (SetCommentStatus),
// while a clean one never lifts a hold: that is a moderator's call.
func (s *Service) Edit(ctx context.Context, id, body string) (*Own, error) {
	c, site, err := s.ownComment(ctx, id, actEditOwn)
	if err != nil {
		return nil, err
	}
	if s.now().Sub(c.CreatedAt) > site.EditWindow {
		return nil, parley.Errorf(parley.EFORBIDDEN, "The time for editing this comment has passed.").Keyed("editWindow")
	}
	if body, err = cleanBody(body, site); err != nil {
		return nil, err
	}
	html, err := s.renderBody(body)
	if err != nil {
		return nil, err
	}
	story, err := s.store.Story(ctx, c.SiteID, c.StoryID)
	if err != nil {
		return nil, fmt.Errorf("story: %w", err)
	}
	if story.Status == parley.StoryClosed || s.closedByAge(site, story) {
		return nil, errClosed()
	}
	a := parley.ActorFrom(ctx)
	v, err := s.judge(ctx, subjectOf(site, story.ID, story, true, a, a.User, body, html, c.IPHash))
	if err != nil {
		return nil, err
	}
	old := *c
	c.Body, c.HTML, c.EditedAt = body, html, s.now()
	if err := s.saveEdit(ctx, c, old, &v); err != nil {
		return nil, err
	}
	s.publish(ctx, parley.EventCommentEdited, c)
	if ev := parley.StatusEvent(old.Status, c.Status); ev != "" {
		s.publish(ctx, ev, c)
	}
	if err := s.withStanding(ctx, c); err != nil {
		return nil, err
	}
	return &Own{Comment: c, EditableUntil: c.CreatedAt.Add(site.EditWindow)}, nil
}

// Delete removes the caller's own comment. One with replies stays in the
// thread as a placeholder.
func (s *Service) Delete(ctx context.Context, id string) error {
	c, _, err := s.ownComment(ctx, id, actDeleteOwn)
	if err != nil {
		return err
	}
	if err := s.store.SetCommentStatus(ctx, c.ID, parley.StatusDeleted, s.now()); err != nil {
		return fmt.Errorf("delete comment: %w", err)
	}
	s.publish(ctx, parley.EventCommentDeleted, c)
	return nil
}

// ownComment loads a live comment that the caller may act on as its
// author (act: edit or delete own).
func (s *Service) ownComment(ctx context.Context, id string, act action) (*parley.Comment, *parley.Site, error) {
	c, err := s.comment(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	if c.Status == parley.StatusDeleted {
		return nil, nil, parley.Errorf(parley.ENOTFOUND, "There is no comment %q.", id)
	}
	site, err := s.Site(ctx, c.SiteID)
	if err != nil {
		return nil, nil, err
	}
	if _, err := authorize(ctx, site, act, c); err != nil {
		return nil, nil, err
	}
	return c, site, nil
}

// comment loads a comment by ID with a reader-facing not-found error. A
// malformed ID is not found either, without asking the store: it names no
// comment, and text such as NUL or invalid UTF-8 must not reach a query.
func (s *Service) comment(ctx context.Context, id string) (*parley.Comment, error) {
	if !parley.ValidCommentID(id) {
		return nil, parley.Errorf(parley.ENOTFOUND, "There is no such comment.")
	}
	c, err := s.store.Comment(ctx, id)
	if parley.ErrorCode(err) == parley.ENOTFOUND {
		return nil, parley.Errorf(parley.ENOTFOUND, "There is no comment %q.", id)
	}
	if err != nil {
		return nil, fmt.Errorf("comment %s: %w", id, err)
	}
	return c, nil
}

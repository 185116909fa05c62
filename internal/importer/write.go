package importer

import (
	"context"
	"errors"
	"fmt"
	"html"
	"time"

	"parley"
	"parley/internal/markup"
	"parley/internal/moderation"
)

// errDryRun rolls back a dry run's unit of work after it did everything
// but commit.
var errDryRun = errors.New("importer: dry run")

// writer writes the staged stories into the target, one unit of work
// each.
type writer struct {
	target Target
	opts   *Options
	site   *parley.Site
	st     *staging
	render *markup.Renderer
	lists  map[string]moderation.Lists // by word list language, for Moderate
	sum    *Summary
	tick   func(done, total, comments int64, final bool)

	comments    int64 // written so far
	done, total int64 // stories
}

// unitResult is what one story's unit did; it is added to the summary
// only when the unit commits.
type unitResult struct {
	storyNew   bool
	comments   int
	commenters int
}

// write writes every story of the tree, by story ID.
func (w *writer) write(ctx context.Context) error {
	if err := w.st.conn.QueryRowContext(ctx, `SELECT count(DISTINCT story) FROM tree`).Scan(&w.total); err != nil {
		return fmt.Errorf("importer: count stories: %w", err)
	}
	for after := ""; ; {
		ids, err := w.nextStories(ctx, after)
		if err != nil || len(ids) == 0 {
			w.tick(w.done, w.total, w.comments, true)
			return err
		}
		for _, id := range ids {
			if err := w.story(ctx, id); err != nil {
				w.tick(w.done, w.total, w.comments, true)
				return err
			}
			w.done++
			w.tick(w.done, w.total, w.comments, false)
		}
		after = ids[len(ids)-1]
	}
}

// nextStories returns the next story IDs after after, a page at a time
// so that the staging connection is free while a story is written.
func (w *writer) nextStories(ctx context.Context, after string) ([]string, error) {
	rows, err := w.st.conn.QueryContext(ctx, `SELECT DISTINCT story FROM tree WHERE story > ? ORDER BY story LIMIT 100`, after)
	if err != nil {
		return nil, fmt.Errorf("importer: stories: %w", err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("importer: stories: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// story writes one story and its comments in one unit of work: all of it
// or, when anything fails, none.
func (w *writer) story(ctx context.Context, id string) error {
	st, err := w.storyRow(ctx, id)
	if err != nil {
		return err
	}
	lists, err := w.listsFor(ctx, st.Lang)
	if err != nil {
		return err
	}
	var res unitResult
	err = w.target.Update(ctx, func(tx parley.Tx) error {
		res = unitResult{}
		if err := w.unit(ctx, tx, st, lists, &res); err != nil {
			return err
		}
		if w.opts.DryRun {
			return errDryRun
		}
		return nil
	})
	if err != nil && !(w.opts.DryRun && errors.Is(err, errDryRun)) {
		return fmt.Errorf("importer: story %s: %w", id, err)
	}
	switch {
	case res.storyNew || res.comments > 0:
		w.sum.Stories++
		if w.opts.Changed != nil && !w.opts.DryRun {
			w.opts.Changed(id)
		}
	default:
		w.sum.Existing++
	}
	w.sum.Comments += res.comments
	w.sum.Commenters += res.commenters
	w.comments += int64(res.comments)
	return nil
}

// storyRow is the story of the first thread (in the file's order) with
// its ID: several threads of one URL become one story.
func (w *writer) storyRow(ctx context.Context, id string) (*parley.Story, error) {
	st := &parley.Story{SiteID: w.site.ID, ID: id, Status: parley.StoryOpen}
	var closed bool
	var created int64
	err := w.st.conn.QueryRowContext(ctx, `SELECT url, title, lang, closed,
		CASE WHEN created_at <> 0 THEN created_at ELSE (SELECT coalesce(min(at), 0) FROM tree WHERE story = ?) END
		FROM threads WHERE story = ? ORDER BY seq LIMIT 1`, id, id).Scan(&st.URL, &st.Title, &st.Lang, &closed, &created)
	if err != nil {
		return nil, fmt.Errorf("importer: story %s: %w", id, err)
	}
	if closed {
		st.Status = parley.StoryClosed
	}
	st.CreatedAt = time.UnixMilli(created).UTC()
	return st, st.Validate()
}

// postsOfStory reads a story's staged posts parents first, with the keys
// and times of each one's parent and root, from which their comment IDs
// are derived again (nothing of the story is held in memory).
const postsOfStory = `SELECT t.depth, t.at, p.key, p.thread, p.author_key,
	CASE WHEN p.author_name <> '' THEN p.author_name ELSE coalesce(a.name, '') END,
	CASE WHEN p.author_email <> '' THEN p.author_email ELSE coalesce(a.email, '') END,
	CASE WHEN p.author_sso <> '' THEN p.author_sso ELSE coalesce(a.sso, '') END,
	p.body, p.status, p.edited_at, coalesce(pp.key, ''), coalesce(pt.at, 0), rp.key, rt.at
FROM tree t JOIN posts p ON p.seq = t.seq
LEFT JOIN tree pt ON pt.seq = t.parent_seq LEFT JOIN posts pp ON pp.seq = t.parent_seq
JOIN tree rt ON rt.seq = t.root_seq JOIN posts rp ON rp.seq = t.root_seq
LEFT JOIN authors a ON a.key = p.author_key AND p.author_key <> ''
WHERE t.story = ? ORDER BY t.depth, t.seq`

// staged is one row of postsOfStory.
type staged struct {
	depth              int
	at, edited         int64
	key, thread        string
	author             person
	body               string
	status             Status
	parentKey, rootKey string
	parentAt, rootAt   int64
}

// person is an author as the importer keys them.
type person struct{ key, name, email, sso string }

// unit writes the story st with its comments into tx.
func (w *writer) unit(ctx context.Context, tx parley.Tx, st *parley.Story, lists *moderation.Lists, res *unitResult) error {
	created, err := tx.ImportStory(ctx, st)
	if err != nil {
		return err
	}
	res.storyNew = created
	rows, err := w.st.conn.QueryContext(ctx, postsOfStory, st.ID)
	if err != nil {
		return fmt.Errorf("importer: staged posts: %w", err)
	}
	defer rows.Close()
	users := map[string]author{}             // by person key, for this unit
	counts := map[string]parley.UserCounts{} // of the comments written, by user
	for rows.Next() {
		var p staged
		a := &p.author
		if err := rows.Scan(&p.depth, &p.at, &p.key, &p.thread, &a.key, &a.name, &a.email, &a.sso, &p.body, &p.status,
			&p.edited, &p.parentKey, &p.parentAt, &p.rootKey, &p.rootAt); err != nil {
			return fmt.Errorf("importer: staged posts: %w", err)
		}
		if err := w.comment(ctx, tx, st, &p, lists, users, counts, res); err != nil {
			return err
		}
		if res.comments%1024 == 1023 { // a big story shows progress before its unit ends
			w.tick(w.done, w.total, w.comments+int64(res.comments), false)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("importer: staged posts: %w", err)
	}
	if !created && res.comments == 0 {
		return nil
	}
	if err := tx.RecountStory(ctx, st.SiteID, st.ID); err != nil {
		return err
	}
	for id, n := range counts {
		if err := tx.AddUserCounts(ctx, id, n); err != nil {
			return err
		}
	}
	if w.opts.DryRun {
		return nil // UpdateStory would take an event ID that the rollback does not give back
	}
	stored, err := tx.Story(ctx, st.SiteID, st.ID)
	if err != nil {
		return err
	}
	return tx.UpdateStory(ctx, stored) // EventStoryChanged: servers drop what they cached
}

// commentID derives a post's comment ID: the same post of the same
// source into the same site has the same ID on every run.
func (w *writer) commentID(at int64, thread, key string) string {
	return parley.DerivedID(time.UnixMilli(at), w.site.ID, w.opts.Source, thread, key)
}

// comment writes one staged post, with its author and, when moderating,
// its revision.
func (w *writer) comment(ctx context.Context, tx parley.Tx, st *parley.Story, p *staged, lists *moderation.Lists,
	users map[string]author, counts map[string]parley.UserCounts, res *unitResult) error {
	at := time.UnixMilli(p.at).UTC()
	u, err := w.author(ctx, tx, p.author, at, users, res)
	if err != nil {
		return err
	}
	c := &parley.Comment{ID: w.commentID(p.at, p.thread, p.key), SiteID: st.SiteID, StoryID: st.ID, Depth: p.depth,
		AuthorID: u.id, AuthorName: u.name, Body: p.body, CreatedAt: at}
	c.RootID = w.commentID(p.rootAt, p.thread, p.rootKey)
	if p.depth > 0 {
		c.ParentID = w.commentID(p.parentAt, p.thread, p.parentKey)
	}
	if p.edited > p.at {
		c.EditedAt = time.UnixMilli(p.edited).UTC()
	}
	var rev *parley.Revision
	switch p.status {
	case StatusApproved:
		c.Status = parley.StatusApproved
	case StatusPending:
		c.Status = parley.StatusPending
	case StatusRejected, StatusSpam:
		c.Status = parley.StatusRejected
	default: // deleted, with replies: the resolve step skipped the others
		c.Status, c.Body, c.DeletedAt = parley.StatusDeleted, "", at
		if !c.EditedAt.IsZero() {
			c.DeletedAt = c.EditedAt
		}
	}
	if c.Body != "" {
		c.HTML = w.html(c.Body)
		if lists != nil {
			rev = moderate(c, *lists)
		}
	}
	ok, err := tx.ImportComment(ctx, c)
	if err != nil || !ok {
		return err
	}
	res.comments++
	n := counts[c.AuthorID]
	n.Tally(c.Status)
	counts[c.AuthorID] = n
	if rev == nil {
		return nil
	}
	_, err = tx.ImportRevision(ctx, rev)
	return err
}

// html renders a body as a posted comment's; a body too complex for the
// renderer shows as plain text.
func (w *writer) html(body string) string {
	out, err := w.render.Render(body)
	if err != nil {
		return "<p>" + html.EscapeString(body) + "</p>"
	}
	return out
}

// author is the user who receives a person's comments.
type author struct{ id, name string }

// anonymous is the name of an author whose name the export lost.
const anonymous = "Anonymous"

// userEpoch is the time part of imported users' IDs: a user's ID must
// not depend on which file or story named them first.
var userEpoch = time.UnixMilli(0)

// author finds or writes the user of p: the user of an SSO identity (the
// author's own, or the one --map-sso gives their address), else one
// keyed by the SHA-256 of their address, else by their key in the
// source, else by their name in it.
func (w *writer) author(ctx context.Context, tx parley.Tx, p person, at time.Time, users map[string]author, res *unitResult) (author, error) {
	sub := p.sso
	if sub == "" && p.email != "" {
		sub = w.opts.MapSSO[p.email]
	}
	var key []string
	switch {
	case sub != "":
		key = []string{"sso", sub}
	case p.email != "":
		key = []string{"email", digest(p.email)}
	case p.key != "":
		key = []string{"key", w.opts.Source, p.key}
	default:
		key = []string{"name", w.opts.Source, p.name}
	}
	k := digest(key...)
	if a, ok := users[k]; ok {
		return a, nil
	}
	a := author{id: parley.DerivedID(userEpoch, append([]string{w.site.ID, "user"}, key...)...), name: p.name}
	if a.name == "" {
		a.name = anonymous
	}
	if sub != "" {
		u, err := tx.IdentityUser(ctx, w.site.ID, "sso:"+sub)
		switch {
		case err == nil:
			a = author{id: u.ID, name: u.Name}
			users[k] = a
			return a, nil
		case parley.ErrorCode(err) != parley.ENOTFOUND:
			return a, err
		}
	}
	ok, err := tx.ImportUser(ctx, &parley.User{ID: a.id, SiteID: w.site.ID, Name: a.name, Email: p.email, CreatedAt: at})
	if err != nil {
		return a, err
	}
	if ok {
		res.commenters++
	}
	if sub != "" {
		if err := tx.CreateIdentity(ctx, w.site.ID, "sso:"+sub, a.id, at); err != nil {
			return a, err
		}
	}
	users[k] = a
	return a, nil
}

// listsFor returns the site's compiled word lists for a story language
// when moderating, nil otherwise; compiled once per language and Run.
func (w *writer) listsFor(ctx context.Context, storyLang string) (*moderation.Lists, error) {
	if !w.opts.Moderate {
		return nil, nil
	}
	lang := parley.WordLang(storyLang)
	if lang == "" {
		lang = "en" // as the service does for a story without a language
	}
	if ls, ok := w.lists[lang]; ok {
		return &ls, nil
	}
	var words moderation.Words
	if !w.site.Moderation.NoDefaultWords {
		words, _ = moderation.Defaults(lang)
	}
	for _, list := range []string{parley.WordsBanned, parley.WordsSuspect} {
		entries, err := w.target.Words(ctx, w.site.ID, list, lang)
		if err != nil {
			return nil, fmt.Errorf("importer: %s words of %s: %w", list, lang, err)
		}
		if list == parley.WordsBanned {
			words.Banned = append(words.Banned, entries...)
		} else {
			words.Suspect = append(words.Suspect, entries...)
		}
	}
	ls, err := moderation.CompileWords(words)
	if err != nil {
		return nil, fmt.Errorf("importer: words of %s: %w", lang, err)
	}
	w.lists[lang] = ls
	return &ls, nil
}

// maxWordReasons bounds the matches kept with a verdict, as the
// service's pipeline does.
const maxWordReasons = 10

// moderate runs the word lists over c as the pipeline does over a posted
// comment: a banned entry rejects it, a suspect one holds an approved
// comment for a moderator. It returns the first revision, with the
// reasons.
func moderate(c *parley.Comment, ls moderation.Lists) *parley.Revision {
	banned, suspect := ls.Match(c.Body)
	why := wordReasons(nil, parley.WordsBanned, banned)
	why = wordReasons(why, parley.WordsSuspect, suspect)
	switch {
	case len(banned) > 0:
		c.Status = parley.StatusRejected
	case len(suspect) > 0 && c.Status == parley.StatusApproved:
		c.Status = parley.StatusPending
	}
	return &parley.Revision{CommentID: c.ID, N: 1, Body: c.Body, HTML: c.HTML, Status: c.Status, Reasons: why, CreatedAt: c.CreatedAt}
}

// wordReasons adds a reason per match: the list and the entry found.
func wordReasons(why []parley.Reason, list string, ms []moderation.Match) []parley.Reason {
	for _, m := range ms[:min(len(ms), maxWordReasons)] {
		why = append(why, parley.Reason{Check: parley.CheckWords, Key: list, Detail: m.Word})
	}
	return why
}

package service

import (
	"context"
	"fmt"
	"slices"
	"time"
	"unicode/utf8"

	"parley"
)

// QueueQuery asks for one page of a moderation queue of a site.
type QueueQuery struct {
	SiteID   string
	Status   string // a queue: pending, reported, new, rejected, approved, featured
	StoryID  string // "" for the whole site
	Text     string // search in the body
	AuthorID string
	IPHash   string // the hashed address (as shown in a comment's details; never the address)
	Cursor   string // opaque, from QueuePage.Next
	Limit    int    // default 20, at most 100
}

// QueuePage is one page of a queue or of a user's history; Next continues
// it, "" on the last page.
type QueuePage struct {
	Items []*QueueItem
	Next  string
}

// QueueItem is a comment with what a moderator needs to decide on it at a
// glance: where it stands, what it answers, why the pipeline held it, who
// reported it and who wrote it.
type QueueItem struct {
	Comment  *parley.Comment // IPHash set: moderators search by it
	Story    *parley.Story
	Parent   *parley.Comment  // nil at the top level (and for a parent that is gone)
	Revision *parley.Revision // latest revision and its verdict reasons; nil if none
	Edited   bool             // more than one revision exists
	Reports  []ReportCount    // per reason, in the order of parley.RejectReasons
	Author   *AuthorSummary
}

// ReportCount is how many readers reported a comment for one reason, with
// the first few of their notes.
type ReportCount = parley.ReportCount

// AuthorSummary is an author's history at a glance.
type AuthorSummary struct {
	User                                 *parley.User
	Approved, Pending, Rejected, Reports int
	Status                               string    // active, warned, suspended, banned (parley.Standing*)
	Until                                time.Time // end of a suspension in force; zero otherwise
	Notes                                int       // moderators' notes on the user
}

const (
	defaultQueuePage = 20
	// reportNotes is how many notes per reason a queue item shows.
	reportNotes = 3
	// QueueCountCap bounds each count of QueueCounts: a count above it
	// reads "more than QueueCountCap" (the UI shows "999+"), so that a
	// huge queue costs no more to count than a thousand entries.
	QueueCountCap = 999
)

// Queue returns one page of a moderation queue, newest first, each comment
// with its story, parent, latest revision, reports and author.
func (s *Service) Queue(ctx context.Context, q QueueQuery) (*QueuePage, error) {
	if _, err := s.staffSite(ctx, q.SiteID, actReadQueue); err != nil {
		return nil, err
	}
	if !parley.ValidQueue(q.Status) {
		return nil, parley.Errorf(parley.EINVALID, "The queue must be one of pending, reported, new, rejected, approved, featured.").Keyed("badQueue")
	}
	sq, err := storeQuery(q)
	if err != nil {
		return nil, err
	}
	return s.queuePage(ctx, sq)
}

// storeQuery checks a queue query's filters and turns it into the store's.
func storeQuery(q QueueQuery) (parley.QueueQuery, error) {
	sq := parley.QueueQuery{SiteID: q.SiteID, Queue: q.Status, StoryID: q.StoryID, AuthorID: q.AuthorID, IPHash: q.IPHash}
	switch {
	case q.StoryID != "" && !parley.ValidID(q.StoryID):
		return sq, parley.Errorf(parley.EINVALID, "%q is not a valid story ID.", q.StoryID)
	case !validFilter(q.AuthorID) || !validFilter(q.IPHash):
		return sq, parley.Errorf(parley.EINVALID, "An author or address filter is an ID of at most 128 letters and digits.")
	}
	text, err := cleanText(q.Text, "search text", false)
	if err != nil {
		return sq, err
	}
	if utf8.RuneCountInString(text) > maxSearchLength {
		return sq, parley.Errorf(parley.EINVALID, "A search is at most %d characters.", maxSearchLength)
	}
	sq.Text = text
	if sq.BeforeID, err = decodeQueueCursor(q.Cursor); err != nil {
		return sq, err
	}
	if sq.Limit, err = pageLimit(q.Limit); err != nil {
		return sq, err
	}
	return sq, nil
}

const maxSearchLength = 200

// validFilter accepts "" and the IDs and hashes Parley makes: letters,
// digits, - and _, at most 128.
func validFilter(s string) bool {
	if len(s) > 128 {
		return false
	}
	for i := range len(s) {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// pageLimit is the default page size for 0 and refuses what is out of range.
func pageLimit(n int) (int, error) {
	switch {
	case n == 0:
		return defaultQueuePage, nil
	case n < 0 || n > parley.MaxQueuePage:
		return 0, parley.Errorf(parley.EINVALID, "A page holds 1 to %d comments.", parley.MaxQueuePage)
	}
	return n, nil
}

// A queue's cursor is the ID of the last comment of the page: queues are
// ordered newest first by ID. It is opaque to clients, which only hand it
// back; anything that is not a comment ID is refused.
func decodeQueueCursor(c string) (string, error) {
	if c != "" && !parley.ValidCommentID(c) {
		return "", parley.Errorf(parley.EINVALID, "The cursor is not one this server gave.").Keyed("cursorInvalid")
	}
	return c, nil
}

// queuePage reads a page of sq and everything its items show, a batch per
// kind for the whole page.
func (s *Service) queuePage(ctx context.Context, sq parley.QueueQuery) (*QueuePage, error) {
	cs, err := s.store.QueueComments(ctx, sq)
	if err != nil {
		return nil, fmt.Errorf("queue: %w", err)
	}
	page := &QueuePage{Items: make([]*QueueItem, 0, len(cs))}
	if len(cs) == sq.Limit {
		page.Next = cs[len(cs)-1].ID
	}
	if len(cs) == 0 {
		return page, nil
	}
	d, err := s.itemDetails(ctx, sq.SiteID, cs)
	if err != nil {
		return nil, err
	}
	now := parley.Now() // sanctions run on the wall clock (see authorize)
	for _, c := range cs {
		it := &QueueItem{Comment: c, Story: d.stories[c.StoryID], Parent: d.parents[c.ParentID],
			Revision: d.revisions[c.ID], Reports: d.reports[c.ID]}
		it.Edited = it.Revision != nil && it.Revision.N > 1
		if u := d.users[c.AuthorID]; u != nil {
			it.Author = summarize(u, now)
		}
		page.Items = append(page.Items, it)
	}
	return page, nil
}

// details is what a page of a queue shows beside its comments.
type details struct {
	stories   map[string]*parley.Story
	parents   map[string]*parley.Comment
	users     map[string]*parley.User
	revisions map[string]*parley.Revision
	reports   map[string][]ReportCount
}

func (s *Service) itemDetails(ctx context.Context, siteID string, cs []*parley.Comment) (*details, error) {
	var ids, stories, parents, authors []string
	for _, c := range cs {
		ids = append(ids, c.ID)
		stories = appendNew(stories, c.StoryID)
		authors = appendNew(authors, c.AuthorID)
		if c.ParentID != "" {
			parents = appendNew(parents, c.ParentID)
		}
	}
	d := &details{}
	var err error
	if d.stories, err = s.store.StoriesByID(ctx, siteID, stories); err != nil {
		return nil, fmt.Errorf("queue stories: %w", err)
	}
	if d.parents, err = s.store.CommentsByID(ctx, parents); err != nil {
		return nil, fmt.Errorf("queue parents: %w", err)
	}
	if d.users, err = s.store.UsersByID(ctx, authors); err != nil {
		return nil, fmt.Errorf("queue authors: %w", err)
	}
	if d.revisions, err = s.store.LatestRevisions(ctx, ids); err != nil {
		return nil, fmt.Errorf("queue revisions: %w", err)
	}
	if d.reports, err = s.store.CommentReports(ctx, ids, reportNotes); err != nil {
		return nil, fmt.Errorf("queue reports: %w", err)
	}
	return d, nil
}

func appendNew(list []string, id string) []string {
	if id == "" || slices.Contains(list, id) {
		return list
	}
	return append(list, id)
}

// summarize is an author's history at a glance, as it stands at now.
func summarize(u *parley.User, now time.Time) *AuthorSummary {
	a := &AuthorSummary{User: u, Approved: u.Counts.Approved, Pending: u.Counts.Pending, Rejected: u.Counts.Rejected,
		Reports: u.Counts.Reports, Notes: u.Counts.Notes, Status: u.Sanctions.State(now)}
	if a.Status == parley.StandingSuspended {
		a.Until = u.Sanctions.SuspendedUntil
	}
	return a
}

// QueueCounts returns the number of comments in each queue of a site (of
// one story for a storyID other than ""), each capped: a count above
// QueueCountCap means "more than QueueCountCap".
func (s *Service) QueueCounts(ctx context.Context, siteID, storyID string) (map[string]int, error) {
	if _, err := s.staffSite(ctx, siteID, actReadQueue); err != nil {
		return nil, err
	}
	if storyID != "" && !parley.ValidID(storyID) {
		return nil, parley.Errorf(parley.EINVALID, "%q is not a valid story ID.", storyID)
	}
	counts, err := s.store.QueueCounts(ctx, siteID, storyID, QueueCountCap+1)
	if err != nil {
		return nil, fmt.Errorf("queue counts: %w", err)
	}
	return counts, nil
}

// staffSite loads a site and lets authorize decide whether the caller may
// do a moderator's act on it.
func (s *Service) staffSite(ctx context.Context, siteID string, act action) (*parley.Actor, error) {
	site, err := s.Site(ctx, siteID)
	if err != nil {
		return nil, err
	}
	return authorize(ctx, site, act, nil)
}

// newcomer reports whether a comment u writes on site goes to QueueNew:
// u has fewer approved comments (User.Counts, which the store keeps) than
// the site trusts a commenter after, the threshold of the pre-moderation
// rule "new" (Moderation.Trust), so that the queue and the rule agree on
// who is new.
func newcomer(site *parley.Site, u *parley.User) bool {
	return u.Counts.Approved < site.Moderation.Trust()
}

package service

// The moderation pipeline: every new comment and every edit passes it
// before it is written, cheapest check first, and its verdict (approved,
// pending or rejected, with the reasons) is written with the text in the
// same unit of work. In order:
//
//   - the honeypot, a form field no person fills (free);
//   - the posting limits and the duplicate check (ratelimit.go,
//     duplicate.go; memory, then one indexed read);
//   - a proof of work, for anonymous posts from an address that posts
//     often, or every anonymous post where the site asks (a hash);
//   - the word lists of the site and the story's language, compiled once
//     (words.go; microseconds): banned rejects, suspect holds;
//   - the pre-moderation rules (premoderation.go; the rule for new
//     commenters reads up to N approved comments, and only when it is on);
//   - the site's scorers, at once, each under its timeout
//     (moderation.Run): a scorer over its threshold holds the comment, and
//     so does one that fails or is slow. Nothing here lets a comment
//     through that a check would hold.
//
// A clean comment costs no query beyond its revision, written in the
// comment's own unit of work.

import (
	"context"
	"fmt"
	"strings"

	"parley"
	"parley/internal/moderation"
)

// verdict is what the pipeline decided about one text.
type verdict struct {
	status  string          // parley.StatusApproved, StatusPending or StatusRejected
	reasons []parley.Reason // why, empty for a clean text
	// nudge is true when suspect words or a scorer flagged the text: its
	// author may be asked to look at it again before it goes to the queue.
	nudge bool
}

// subject is the text the pipeline judges and what it knows of where it
// goes and who wrote it.
type subject struct {
	site  *parley.Site
	story *parley.Story // nil for a story that the post creates
	// storyID, storyURL and lang are the story's, new or not.
	storyID, storyURL, lang string
	actor                   *parley.Actor // nil for a reader without an account yet
	author                  *parley.User  // the commenter, new or not
	body                    string
	html                    string
	ipHash                  string
}

// judge runs the word lists, the rules and the scorers on a text.
func (s *Service) judge(ctx context.Context, in subject) (verdict, error) {
	v := verdict{status: parley.StatusApproved}
	lists, err := s.lists(ctx, in.site, in.lang)
	if err != nil {
		return v, err
	}
	banned, suspect := lists.Match(in.body)
	if len(banned) > 0 {
		v.status, v.reasons = parley.StatusRejected, wordReasons(nil, parley.WordsBanned, banned)
		return v, nil // rejected whatever else: the rest cannot change it
	}
	if len(suspect) > 0 {
		v.hold(true, wordReasons(nil, parley.WordsSuspect, suspect)...)
	}
	links := linksOf(in.html)
	rules, err := s.premoderate(ctx, in.site, in.story, in.actor, links)
	if err != nil {
		return v, err
	}
	v.hold(false, rules...)
	if err := s.score(ctx, in, links, &v); err != nil {
		return v, err
	}
	return v, nil
}

// hold sends the text to the queue for reasons.
func (v *verdict) hold(nudge bool, reasons ...parley.Reason) {
	if len(reasons) == 0 {
		return
	}
	v.status = parley.StatusPending
	v.reasons = append(v.reasons, reasons...)
	v.nudge = v.nudge || nudge
}

// maxWordReasons bounds the matches kept with a verdict.
const maxWordReasons = 10

// wordReasons turns word matches into reasons: the list and the entry
// found (the moderator UI finds the text again by the entry).
func wordReasons(why []parley.Reason, list string, ms []moderation.Match) []parley.Reason {
	for _, m := range ms[:min(len(ms), maxWordReasons)] {
		why = append(why, parley.Reason{Check: parley.CheckWords, Key: list, Detail: m.Word})
	}
	return why
}

// score asks the site's scorers about the text, when it has any.
func (s *Service) score(ctx context.Context, in subject, links []string, v *verdict) error {
	scorers, err := s.siteScorers(in.site)
	if err != nil {
		// A configuration that cannot be built (a key file gone) must
		// not let comments through: they go to the queue, and the log
		// says why.
		s.log.WarnContext(ctx, "scorers of site unavailable", "site", in.site.ID, "err", err)
		v.hold(false, parley.Reason{Check: parley.CheckScorer, Key: moderation.ReasonUnavailable, Detail: "configuration"})
		return nil
	}
	if len(scorers) == 0 {
		return nil
	}
	mi := moderation.Input{
		SiteID: in.site.ID, StoryID: in.storyID, StoryURL: in.storyURL, Lang: in.lang,
		Body: in.body, Links: links, AddressHash: in.ipHash,
	}
	if in.author != nil {
		mi.AccountAge = s.now().Sub(in.author.CreatedAt)
		if mi.AccountAge < day && in.actor != nil {
			// Only a young account's approved comments change a score.
			if mi.ApprovedComments, err = s.approved(ctx, in.site, in.actor, 1); err != nil {
				return err
			}
		}
		mi.Personal = &moderation.Personal{Name: in.author.Name, Email: in.author.Email}
	}
	verdict := moderation.Run(ctx, scorers, mi)
	if !verdict.Hold {
		return nil
	}
	results := map[string]moderation.Result{}
	for _, r := range verdict.Results {
		results[r.Scorer] = r
	}
	var why []parley.Reason
	crossed := false
	for _, r := range verdict.Reasons {
		res := results[r.Scorer]
		why = append(why, parley.Reason{Check: parley.CheckScorer, Key: r.Key, Scorer: r.Scorer, Detail: clip(r.Text, 200), N: r.N, Score: res.Score.Value})
		crossed = crossed || res.Crossed
	}
	v.hold(crossed, why...)
	return nil
}

// rejectReason is the ground an automated rejection names (the statement
// of reasons' ground): a banned word is abuse.
func (v verdict) rejectReason() string { return parley.ReasonAbuse }

// audit returns the audit entry of a verdict on comment c whose status
// was before ("" for a new comment), nil when nothing is to be recorded:
// a text let through, or one whose status does not change.
func (v verdict) audit(c *parley.Comment, before string) *parley.AuditEntry {
	if v.status == parley.StatusApproved || v.status == before {
		return nil
	}
	e := &parley.AuditEntry{
		SiteID: c.SiteID, StoryID: c.StoryID, CommentID: c.ID, UserID: c.AuthorID,
		Automated: true, Before: before, After: v.status, Note: clip(v.note(), 500), CreatedAt: c.CreatedAt,
	}
	if !c.EditedAt.IsZero() {
		e.CreatedAt = c.EditedAt
	}
	switch v.status {
	case parley.StatusRejected:
		e.Action, e.Reason = parley.AuditRejected, v.rejectReason()
	default:
		e.Action, e.Reason = parley.AuditHeld, v.reasons[0].Check
	}
	return e
}

// note writes the reasons as short machine text for the audit log:
// "words/suspect: idiot; rule/new (0)".
func (v verdict) note() string {
	parts := make([]string, 0, len(v.reasons))
	for _, r := range v.reasons {
		p := r.Check + "/" + r.Key
		switch {
		case r.Scorer != "":
			p += fmt.Sprintf(" (%s %.2f)", r.Scorer, r.Score)
		case r.Detail != "":
			p += ": " + r.Detail
		case r.N != 0:
			p += fmt.Sprintf(" (%d)", r.N)
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, "; ")
}

// subjectOf is what judge needs of a post or an edit to story st (the
// stored story when stored, else the one the post registers).
func subjectOf(site *parley.Site, storyID string, st *parley.Story, stored bool, a *parley.Actor, u *parley.User, body, html, ipHash string) subject {
	in := subject{site: site, storyID: storyID, actor: a, author: u, body: body, html: html, ipHash: ipHash}
	if st != nil {
		in.storyURL, in.lang = st.URL, st.Lang
	}
	if stored {
		in.story = st
	}
	return in
}

// recordVerdict writes a text's revision and, when the verdict changed
// its comment's status, the audit entry, in the unit of the write.
func recordVerdict(ctx context.Context, tx parley.Tx, rev *parley.Revision, e *parley.AuditEntry) error {
	if err := tx.AddRevision(ctx, rev); err != nil {
		return fmt.Errorf("revision: %w", err)
	}
	if e == nil {
		return nil
	}
	if err := tx.AppendAudit(ctx, e); err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	return nil
}

// severity orders statuses by how far they keep a text from readers.
func severity(status string) int {
	switch status {
	case parley.StatusPending:
		return 1
	case parley.StatusRejected:
		return 2
	}
	return 0
}

// saveEdit writes an edited comment c (old is it as it was) with its
// verdict in one unit of work: the text, the revision after the newest (the first revision too
// for a comment written before revisions were kept, so that the original
// text is not lost), and the status the verdict gives, never a milder one
// than the comment had. It sets c.Status to the status written.
func (s *Service) saveEdit(ctx context.Context, c *parley.Comment, old parley.Comment, v *verdict) error {
	before := c.Status
	status := before
	if severity(v.status) > severity(before) {
		status = v.status
		if before == parley.StatusApproved {
			v.reasons = append([]parley.Reason{{Check: parley.CheckEdit, Key: "edit"}}, v.reasons...)
		}
	}
	latest, err := s.store.LatestRevisions(ctx, []string{c.ID})
	if err != nil {
		return fmt.Errorf("revisions: %w", err)
	}
	err = s.store.Update(ctx, func(tx parley.Tx) error {
		n := 1
		if r, ok := latest[c.ID]; ok {
			n = r.N + 1
		} else {
			first := &parley.Revision{CommentID: c.ID, N: 1, Body: old.Body, HTML: old.HTML, Status: before, CreatedAt: old.CreatedAt}
			if err := tx.AddRevision(ctx, first); err != nil {
				return fmt.Errorf("revision: %w", err)
			}
			n = 2
		}
		if err := tx.EditComment(ctx, c.ID, c.Body, c.HTML, c.EditedAt); err != nil {
			return fmt.Errorf("edit comment: %w", err)
		}
		if status != before {
			if err := tx.SetCommentStatus(ctx, c.ID, status, c.EditedAt); err != nil {
				return fmt.Errorf("comment status: %w", err)
			}
		}
		rev := &parley.Revision{CommentID: c.ID, N: n, Body: c.Body, HTML: c.HTML, Status: v.status, Reasons: v.reasons, CreatedAt: c.EditedAt}
		judged := *v
		judged.status = status
		return recordVerdict(ctx, tx, rev, judged.audit(c, before))
	})
	if err != nil {
		return err
	}
	c.Status = status
	return nil
}

package admin

import (
	"context"
	"fmt"
	"strings"

	"parley"
	"parley/internal/moderation"
	"parley/internal/service"
)

// itemView is one comment of a queue as the page shows it.
type itemView struct {
	// What the item shows of the service's QueueItem, as fields of its
	// own: templates find a promoted field of an embedded struct by a slow
	// search, hundreds of times a page.
	Comment *parley.Comment
	Parent  *parley.Comment
	Author  *service.AuthorSummary
	Edited  bool

	P        *printer
	CSRF     string
	Back     string // the page that the item's forms return to
	Ago      string
	Featured bool
	CanBan   bool // the author has an account that can be banned, and is not banned yet
	Bulk     bool // the page has the bulk form the item's checkbox belongs to

	StoryTitle, StoryURL string
	UserURL              string
	DecideURL, BanURL    string
	Reasons              []string // the verdict's reasons in words
	Reports              []reportView
	Diff                 []diffOp // what the last edit changed; nil when not edited
}

// reportView is one reason of a comment's reports.
type reportView struct {
	Label string
	N     int
	Notes []string
}

func (a *Admin) itemViews(ctx context.Context, d *desk, items []*service.QueueItem, back string) []*itemView {
	out := make([]*itemView, 0, len(items))
	now := a.now()
	for _, it := range items {
		c := it.Comment
		v := &itemView{Comment: c, Parent: it.Parent, Author: it.Author, Edited: it.Edited, P: d.P, CSRF: d.CSRF, Back: back, Ago: d.P.Ago(now, c.CreatedAt), Featured: c.Featured,
			DecideURL: deskPath(d.Site.ID, "decisions"), UserURL: userURL(d.Site.ID, c.AuthorID),
			BanURL: deskPath(d.Site.ID, "users", c.AuthorID, "sanctions")}
		v.StoryTitle, v.StoryURL = c.StoryID, queueURL(service.QueueQuery{SiteID: d.Site.ID, StoryID: c.StoryID})
		if it.Story != nil && it.Story.Title != "" {
			v.StoryTitle = it.Story.Title
		}
		v.CanBan = c.AuthorID != "" && c.AuthorName != "" && (it.Author == nil || it.Author.Status != parley.StandingBanned)
		if it.Revision != nil {
			v.Reasons = reasonTexts(d.P, it.Revision.Reasons)
		}
		if it.Edited {
			v.Diff = a.lastEdit(ctx, d.Site.ID, c.ID)
		}
		for _, rc := range it.Reports {
			v.Reports = append(v.Reports, reportView{Label: d.P.T("admin.reason." + rc.Reason), N: rc.N, Notes: rc.Notes})
		}
		out = append(out, v)
	}
	return out
}

// reasonTexts says in words which word, rule or score held a comment.
func reasonTexts(p *printer, rs []parley.Reason) []string {
	out := make([]string, 0, len(rs))
	for _, r := range rs {
		out = append(out, reasonText(p, r))
	}
	return out
}

func reasonText(p *printer, r parley.Reason) string {
	switch r.Check {
	case parley.CheckWords:
		return p.T("admin.why.words."+listKey(r.Key), r.Detail)
	case parley.CheckRule:
		s := p.T("admin.why.rule." + ruleKey(r.Key))
		if r.N > 0 && (r.Key == "age" || r.Key == "new") {
			s += " (" + fmt.Sprint(r.N) + ")"
		}
		if r.Detail != "" {
			s += ": " + r.Detail
		}
		return s
	case parley.CheckScorer:
		if r.Key == moderation.ReasonUnavailable {
			return p.T("admin.why.scorerDown", r.Scorer)
		}
		s := p.T("admin.why.scorer", r.Scorer, scoreText(p, r.Key), p.Decimal(r.Score))
		// the scorer's own sentence is English; a translated key says it
		if r.Detail != "" && (!scoreKeys[r.Key] || r.Key == moderation.ReasonModel) {
			s += " · " + shorten(r.Detail, 200)
		}
		return s
	case parley.CheckEdit:
		return p.T("admin.why.edit")
	}
	return strings.TrimSpace(r.Check + " " + r.Key + " " + r.Detail)
}

// scoreKeys are the scorers' reason keys the catalogs translate.
var scoreKeys = map[string]bool{moderation.ReasonLinks: true, moderation.ReasonMostlyLinks: true, moderation.ReasonCapitals: true,
	moderation.ReasonRepeatChar: true, moderation.ReasonRepeatWord: true, moderation.ReasonRepetitive: true,
	moderation.ReasonNewAccount: true, moderation.ReasonModel: true, moderation.ReasonSpam: true, moderation.ReasonBlatant: true}

// scoreText names a scorer's reason in words; a key this version does not
// know (a newer scorer's) is shown as it is.
func scoreText(p *printer, key string) string {
	if scoreKeys[key] {
		return p.T("admin.score." + key)
	}
	return key
}

// listKey and ruleKey keep catalog lookups to keys the catalogs have.
func listKey(k string) string {
	if k == "banned" {
		return k
	}
	return "suspect"
}

func ruleKey(k string) string {
	switch k {
	case "all", "new", "links", "age", "story":
		return k
	}
	return "other"
}

// userURL is the page of a user of the site.
func userURL(siteID, userID string) string {
	return deskPath(siteID, "users", userID)
}

// lastEdit is what the last edit of a comment changed, by words; nil when
// its revisions cannot be read (the item shows without it: the diff is a
// help, not the decision).
func (a *Admin) lastEdit(ctx context.Context, siteID, commentID string) []diffOp {
	revs, err := a.svc.Revisions(ctx, siteID, commentID)
	if err != nil {
		a.log.WarnContext(ctx, "admin: revisions", "comment", commentID, "err", err)
		return nil
	}
	if len(revs) < 2 {
		return nil
	}
	return wordDiff(revs[len(revs)-2].Body, revs[len(revs)-1].Body)
}

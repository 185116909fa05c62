package notify

import (
	"context"
	"fmt"
	"net/mail"
	"net/url"
	"slices"
	"strings"
	"time"

	"parley"
	"parley/internal/dsa"
	"parley/internal/i18n"
)

// A reader who opted in to decisions hears by mail of what the follower
// put in their inbox from the audit log: approvals of held comments,
// removals, features, warnings, suspensions, bans and the outcomes of
// their notices and complaints. The follower queues a notification of
// each in the unit that writes the inbox item (story ""), so that the
// notifier batches all of one reader's decisions within Window into one
// mail, written as the mail is sent, in the reader's language, with the
// statement of reasons of each decision that owes one (internal/dsa).

// decision is one decision of a batch as the mail tells it.
type decision struct {
	n     *parley.ReplyNotification
	entry *parley.AuditEntry
	st    dsa.Statement
	story *parley.Story // nil for a sanction
	link  string        // the discussion, "" when there is none to trust
}

// decisionMessage builds the mail of a batch of decisions as the unit sees
// it now; nil when there is nothing to send.
func (n *Notifier) decisionMessage(ctx context.Context, tx parley.Tx, key []byte, b []*parley.ReplyNotification) (*parley.Message, error) {
	first := b[0]
	settings, u, err := recipient(ctx, tx, first.UserID)
	if err != nil || settings == nil || !settings.Decisions {
		return nil, err
	}
	site, err := tx.Site(ctx, first.SiteID)
	if err != nil {
		return nil, fmt.Errorf("site: %w", err)
	}
	var ds []decision
	for _, x := range b {
		d, err := n.decision(ctx, tx, site, x)
		if err != nil {
			return nil, err
		}
		if d != nil {
			ds = append(ds, *d)
		}
	}
	if len(ds) == 0 {
		return nil, nil
	}
	unsubscribe := n.unsubscribeURL(key, u, parley.ListDecisions)
	now := n.o.Clock()
	m := composeDecisions(settings.Lang, u.Name, ds, unsubscribe, now)
	m.ID, m.To, m.ListUnsubscribe, m.CreatedAt = parley.NewID(now), (&mail.Address{Name: u.Name, Address: u.Email}).String(), unsubscribe, now
	return m, nil
}

// decision reads what the mail says of one notification; nil when its
// audit entry is gone (the log is kept, so only a reset database does).
func (n *Notifier) decision(ctx context.Context, tx parley.Tx, site *parley.Site, x *parley.ReplyNotification) (*decision, error) {
	es, err := n.store.AuditAfter(ctx, x.EntryID-1, nil, 1)
	if err != nil {
		return nil, fmt.Errorf("decision: %w", err)
	}
	if len(es) == 0 || es[0].ID != x.EntryID {
		return nil, nil
	}
	d := &decision{n: x, entry: es[0]}
	var notice *parley.Notice
	if strings.HasPrefix(d.entry.Ref, "N-") {
		if notice, err = tx.Notice(ctx, d.entry.SiteID, d.entry.Ref); err != nil && parley.ErrorCode(err) != parley.ENOTFOUND {
			return nil, fmt.Errorf("decision notice: %w", err)
		}
	}
	d.st = dsa.StatementOf(d.entry, notice)
	if d.entry.StoryID != "" {
		if d.story, err = tx.Story(ctx, d.entry.SiteID, d.entry.StoryID); err != nil && parley.ErrorCode(err) != parley.ENOTFOUND {
			return nil, fmt.Errorf("decision story: %w", err)
		}
		d.link = discussionURL(site, d.story)
	}
	return d, nil
}

// discussionURL is the story's page when it lies on one of the site's
// configured origins, and "" otherwise: the story's URL came with its first
// comment, and a mail must not link where the publisher did not say.
func discussionURL(site *parley.Site, st *parley.Story) string {
	if st == nil || st.URL == "" {
		return ""
	}
	u, err := url.Parse(st.URL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil {
		return ""
	}
	if !slices.Contains(site.Origins, u.Scheme+"://"+u.Host) {
		return ""
	}
	return u.String()
}

// composeDecisions writes the mail of a batch of decisions in lang: per
// decision a line as the inbox words it, the statement of reasons when
// the decision owes one, else the moderators' message, and the link to
// the discussion.
func composeDecisions(lang, name string, ds []decision, unsubscribe string, now time.Time) *parley.Message {
	p := i18n.For(lang)
	var b strings.Builder
	if name != "" {
		b.WriteString(p.T("mail.replies.greeting", name) + "\n\n")
	}
	b.WriteString(p.N("mail.decisions.intro", len(ds)) + "\n\n")
	for _, d := range ds {
		b.WriteString("* " + headline(p, d) + "\n\n")
		if text := d.st.Text(p.Lang(), now); text != "" {
			b.WriteString(text + "\n")
		} else if d.entry.Note != "" {
			b.WriteString(p.T("inbox.message", oneLine(d.entry.Note)) + "\n\n")
		}
		if d.link != "" {
			b.WriteString(p.T("mail.decisions.read", d.link) + "\n\n")
		}
	}
	b.WriteString(p.T("mail.decisions.contest") + "\n\n")
	b.WriteString("-- \n" + p.T("mail.decisions.why") + "\n" + p.T("mail.decisions.unsubscribe", unsubscribe) + "\n")
	return &parley.Message{Subject: p.N("mail.decisions.subject", len(ds)), Text: b.String()}
}

// headline says what was decided, in the inbox's words.
func headline(p *i18n.Printer, d decision) string {
	switch d.n.Kind {
	case parley.InboxWarned, parley.InboxBanned:
		return p.T("inbox." + d.n.Kind)
	case parley.InboxSuspended:
		return p.T("inbox.suspended", p.Date(d.st.Until))
	}
	title := d.entry.StoryID
	if d.story != nil && d.story.Title != "" {
		title = d.story.Title
	}
	return p.T("inbox."+d.n.Kind, oneLine(title))
}

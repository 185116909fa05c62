package service

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"parley"
	"parley/internal/i18n"
	"parley/internal/moderation"
)

// Bounds of a notice. An explanation of 5,000 characters is a long letter;
// a provision of law is a line.
const (
	maxExplanationLength = 5000
	maxLawLength         = 300
)

// Notices on one comment: a burst of noticeBurst, then one more every
// noticeEvery. A comment that draws many notices is in the queue after
// the first; the rest are a flood or a campaign, and the limit keeps them
// from filling the table. (The limit per client address is the HTTP
// layer's, as for sign-in links.)
const (
	noticeBurst       = 20
	noticeEvery       = 3 * time.Minute
	maxNoticeComments = 10000
)

// NewNotice is what a reader sends to notify illegal content on a comment
// (Digital Services Act, Art. 16).
type NewNotice struct {
	CommentID   string
	Kind        string // parley.NoticeKinds
	Law         string // the provision, optional
	Explanation string
	Name        string
	Email       string
	GoodFaith   bool
	Lang        string // of the confirmation; "" for the story's
	// Limit is the HTTP layer's limit per client, asked once the notice is
	// found well-formed and before the comment is looked up, so that
	// probing comment IDs costs a flood its budget.
	Limit Limit
}

var (
	errNoticeKind        = parley.Errorf(parley.EINVALID, "Choose the kind of illegal content: one of %s.", strings.Join(parley.NoticeKinds(), ", ")).Keyed("noticeKind")
	errNoticeExplanation = parley.Errorf(parley.EINVALID, "Explain why the content is illegal, in at most %d characters.", maxExplanationLength).Keyed("noticeExplanation")
	errNoticeLaw         = parley.Errorf(parley.EINVALID, "The law or provision is at most %d characters.", maxLawLength).Keyed("noticeLaw")
	errNoticeContact     = parley.Errorf(parley.EINVALID, "Give your name and e-mail address: a notice of this kind needs them.").Keyed("noticeContact")
	errNoticeEmail       = parley.Errorf(parley.EINVALID, "Give an e-mail address such as name@example.org.").Keyed("noticeEmail")
	errNoticeGoodFaith   = parley.Errorf(parley.EINVALID, "Confirm that you send this notice in good faith.").Keyed("noticeGoodFaith")
)

// noticeLimits holds the per-comment buckets of notices, per instance.
type noticeLimits struct {
	comments *moderation.Buckets[string]
}

func newNoticeLimits() *noticeLimits {
	return &noticeLimits{comments: moderation.NewBuckets[string](maxNoticeComments)}
}

// FileNotice stores a notice of illegal content on a comment, with its
// audit entry and, when the notifier gave an address, the confirmation
// mail (Art. 16(4)), all in one unit. Anyone may (authorize, actNotice).
//
// Every comment the public cannot see (unknown, pending, rejected,
// deleted, malformed ID) is ENOTFOUND with the same message, so that
// notices do not tell which comments exist. EINVALID with a key for each
// field; ETOOMANYREQUESTS (noticeTooMany) past the limits.
func (s *Service) FileNotice(ctx context.Context, in NewNotice) (*parley.Notice, error) {
	n, err := cleanNotice(ctx, in)
	if err != nil {
		return nil, err
	}
	if err := in.Limit.take(); err != nil {
		return nil, err
	}
	c, err := s.comment(ctx, in.CommentID)
	if parley.ErrorCode(err) == parley.ENOTFOUND || err == nil && c.Status != parley.StatusApproved {
		return nil, errNoComment
	}
	if err != nil {
		return nil, err
	}
	site, err := s.Site(ctx, c.SiteID)
	if err != nil {
		return nil, err
	}
	a, err := authorize(ctx, site, actNotice, nil)
	if err != nil {
		return nil, err
	}
	if wait := s.notices.comments.Take(s.now(), noticeBurst, noticeEvery, c.ID); wait > 0 {
		return nil, parley.TooManyRequests("noticeTooMany", "This comment has had many notices in the last minutes; try again later.", wait)
	}
	n.SiteID, n.CommentID, n.StoryID, n.Status = site.ID, c.ID, c.StoryID, parley.NoticeReceived
	n.CreatedAt = s.now()
	n.Reference = parley.NewReference("N", n.CreatedAt)
	if a != nil && a.SiteID == site.ID {
		n.UserID = a.User.ID
	}
	if n.Lang == "" {
		n.Lang = s.storyLang(ctx, site.ID, c.StoryID)
	}
	var mail *parley.Message
	if n.Email != "" && s.sendsMail() {
		mail = noticeReceivedMail(site, n)
	}
	err = s.store.Update(ctx, func(tx parley.Tx) error {
		if err := tx.CreateNotice(ctx, n); err != nil {
			return fmt.Errorf("create notice: %w", err)
		}
		e := &parley.AuditEntry{SiteID: site.ID, Action: parley.AuditNoticeCreated, StoryID: c.StoryID, CommentID: c.ID,
			UserID: c.AuthorID, ActorID: n.UserID, Reason: n.Kind, Note: n.Law, Ref: n.Reference, CreatedAt: n.CreatedAt}
		if err := tx.AppendAudit(ctx, e); err != nil {
			return fmt.Errorf("audit notice: %w", err)
		}
		return enqueue(ctx, tx, mail)
	})
	if err != nil {
		return nil, err
	}
	return n, nil
}

// errNoComment is what every comment the public cannot see answers.
var errNoComment = parley.Errorf(parley.ENOTFOUND, "There is no such comment.")

// cleanNotice validates a notice's fields, in the order of the form. A
// signed-in notifier who leaves name or address empty sends their
// account's, which Art. 16(2)(c) asks for anyway.
func cleanNotice(ctx context.Context, in NewNotice) (*parley.Notice, error) {
	if !parley.ValidNoticeKind(in.Kind) {
		return nil, errNoticeKind
	}
	law, err := cleanText(in.Law, "law", false)
	if err != nil {
		return nil, err
	}
	if utf8.RuneCountInString(law) > maxLawLength {
		return nil, errNoticeLaw
	}
	explanation, err := cleanText(in.Explanation, "explanation", true)
	if err != nil {
		return nil, err
	}
	if !visible(explanation) || utf8.RuneCountInString(explanation) > maxExplanationLength {
		return nil, errNoticeExplanation
	}
	name, email, err := noticeContact(ctx, in)
	if err != nil {
		return nil, err
	}
	if parley.NoticeNeedsContact(in.Kind) && (name == "" || email == "") {
		return nil, errNoticeContact
	}
	if !in.GoodFaith {
		return nil, errNoticeGoodFaith
	}
	lang, err := cleanLang(in.Lang)
	if err != nil {
		lang = ""
	}
	return &parley.Notice{Kind: in.Kind, Law: law, Explanation: explanation, Name: name, Email: email, Lang: lang}, nil
}

// noticeContact returns the notifier's cleaned name and address, the
// signed-in actor's where the notice leaves them empty.
func noticeContact(ctx context.Context, in NewNotice) (string, string, error) {
	name, address := strings.TrimSpace(in.Name), strings.TrimSpace(in.Email)
	if a := parley.ActorFrom(ctx); a != nil {
		if name == "" {
			name = a.User.Name
		}
		if address == "" {
			address = a.User.Email
		}
	}
	if name != "" {
		var err error
		if name, err = cleanName(name); err != nil {
			return "", "", err
		}
	}
	if address != "" {
		var ok bool
		if address, ok = NormalizeEmail(address); !ok {
			return "", "", errNoticeEmail
		}
	}
	return name, address, nil
}

// storyLang is the language of a story's page, "" when it has none or the
// story cannot be read (the mail then speaks English).
func (s *Service) storyLang(ctx context.Context, siteID, storyID string) string {
	st, err := s.store.Story(ctx, siteID, storyID)
	if err != nil {
		return ""
	}
	return st.Lang
}

// sendsMail reports whether this server sends mail (--smtp-url); without
// it a message would wait in the outbox for nobody.
func (s *Service) sendsMail() bool { return s.links != nil && s.links.cfg.Mail }

// enqueue adds m to the outbox in the unit; nil is no mail.
func enqueue(ctx context.Context, tx parley.Tx, m *parley.Message) error {
	if m == nil {
		return nil
	}
	if err := tx.EnqueueMessage(ctx, m); err != nil {
		return fmt.Errorf("enqueue mail: %w", err)
	}
	return nil
}

// kindName is a notice kind as the reader reads it.
func kindName(p *i18n.Printer, kind string) string { return p.T("dsa.kind." + kind) }

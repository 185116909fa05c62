package service

import (
	"context"
	"fmt"

	"parley"
)

// NotificationState is what a reader sees of their mail settings: whether
// they get replies and decisions by mail, and whether their account has
// an address to mail at all (a reader signed in without one cannot opt in).
type NotificationState struct {
	Replies   bool
	Decisions bool
	Email     bool
}

// NotificationChoice is what a reader changes of their mail settings: a
// nil opt-in keeps what was stored, so that a client that knows only of
// replies leaves decisions as they were.
type NotificationChoice struct {
	Replies   *bool
	Decisions *bool
	Lang      string // BCP 47; "" keeps the language stored before
}

func state(n *parley.NotificationSettings, u *parley.User) *NotificationState {
	return &NotificationState{Replies: n.Replies, Decisions: n.Decisions, Email: u.Email != ""}
}

// Notifications returns the caller's mail settings on siteID.
func (s *Service) Notifications(ctx context.Context, siteID string) (*NotificationState, error) {
	_, a, err := s.account(ctx, siteID)
	if err != nil {
		return nil, err
	}
	n, err := s.settings(ctx, a.User.ID)
	if err != nil {
		return nil, err
	}
	return state(n, a.User), nil
}

// SetNotifications turns the caller's reply and decision mails on or off,
// to be written in c.Lang. Opting in to either without an e-mail address
// on the account is ECONFLICT, key noEmail.
func (s *Service) SetNotifications(ctx context.Context, siteID string, c NotificationChoice) (*NotificationState, error) {
	_, a, err := s.account(ctx, siteID)
	if err != nil {
		return nil, err
	}
	lang, err := cleanLang(c.Lang)
	if err != nil {
		return nil, err
	}
	if (on(c.Replies) || on(c.Decisions)) && a.User.Email == "" {
		return nil, parley.Errorf(parley.ECONFLICT, "Your account has no e-mail address to send mail to.").Keyed("noEmail")
	}
	n, err := s.settings(ctx, a.User.ID)
	if err != nil {
		return nil, err
	}
	n.SiteID, n.UpdatedAt = siteID, s.now()
	if c.Replies != nil {
		n.Replies = *c.Replies
	}
	if c.Decisions != nil {
		n.Decisions = *c.Decisions
	}
	if lang != "" {
		n.Lang = lang
	}
	if err := s.store.SetNotificationSettings(ctx, n); err != nil {
		return nil, fmt.Errorf("set notification settings: %w", err)
	}
	return state(n, a.User), nil
}

func on(b *bool) bool { return b != nil && *b }

// settings returns a user's stored settings, or the default (all off).
func (s *Service) settings(ctx context.Context, userID string) (*parley.NotificationSettings, error) {
	n, err := s.store.NotificationSettings(ctx, userID)
	switch {
	case parley.ErrorCode(err) == parley.ENOTFOUND:
		return &parley.NotificationSettings{UserID: userID}, nil
	case err != nil:
		return nil, fmt.Errorf("notification settings: %w", err)
	}
	return n, nil
}

// replyNotification returns the notification that reply c calls for, nil
// when none: the parent's author must not be the replier, the reply must
// be shown, and the author must have opted in. The opt-in is read here,
// outside the post's unit, so that a reply to someone who did not opt in
// (most) keeps the one-statement fast path; the store checks it again in
// the unit (AddReplyNotification), so an opt-out that races wins.
func (s *Service) replyNotification(ctx context.Context, parent, c *parley.Comment) *parley.ReplyNotification {
	if parent == nil || parent.AuthorID == c.AuthorID || !c.Shown() {
		return nil
	}
	n, err := s.store.NotificationSettings(ctx, parent.AuthorID)
	if err != nil || !n.Replies {
		if err != nil && parley.ErrorCode(err) != parley.ENOTFOUND {
			s.log.WarnContext(ctx, "reply notification: settings", "user", parent.AuthorID, "err", err)
		}
		return nil
	}
	return &parley.ReplyNotification{
		ID: parley.NewID(c.CreatedAt), SiteID: c.SiteID, UserID: parent.AuthorID,
		StoryID: c.StoryID, CommentID: c.ID, CreatedAt: c.CreatedAt,
	}
}

// addReplyNotification records n, if any, in the post's unit.
func addReplyNotification(ctx context.Context, tx parley.Tx, n *parley.ReplyNotification) error {
	if n == nil {
		return nil
	}
	if _, err := tx.AddReplyNotification(ctx, n); err != nil {
		return fmt.Errorf("reply notification: %w", err)
	}
	return nil
}

var errUnsubscribe = parley.Errorf(parley.EFORBIDDEN, "This unsubscribe link is not valid.").Keyed("unsubscribeInvalid")

// Unsubscribe checks a one-click unsubscribe token (parley.UnsubscribeToken)
// of a mail list ("" for replies, which the first links named by leaving
// it out) and, when apply is set, turns that list's mails off for its
// reader, and only that list's. It returns the language their mails were
// written in, for the page that answers. A token or list that is not
// shaped like one is EINVALID; a token that does not check out, or whose
// reader is gone, EFORBIDDEN: both with key unsubscribeInvalid. Turning
// off what is off succeeds.
func (s *Service) Unsubscribe(ctx context.Context, token, list string, apply bool) (string, error) {
	if list == "" {
		list = parley.ListReplies
	}
	userID, ok := parley.UnsubscribeUser(token)
	if !ok || !parley.ValidList(list) {
		return "", parley.Errorf(parley.EINVALID, "This unsubscribe link is not valid.").Keyed("unsubscribeInvalid")
	}
	key, err := s.store.Key(ctx, parley.UnsubscribeKeyName)
	if err != nil {
		return "", fmt.Errorf("unsubscribe key: %w", err)
	}
	u, err := s.store.User(ctx, userID)
	if parley.ErrorCode(err) == parley.ENOTFOUND {
		return "", errUnsubscribe
	} else if err != nil {
		return "", fmt.Errorf("unsubscribe: %w", err)
	}
	if !parley.CheckUnsubscribe(key, token, u.ID, u.SiteID, list) {
		return "", errUnsubscribe
	}
	n, err := s.settings(ctx, u.ID)
	if err != nil {
		return "", err
	}
	subscribed := &n.Replies
	if list == parley.ListDecisions {
		subscribed = &n.Decisions
	}
	if !apply || !*subscribed {
		return n.Lang, nil
	}
	n.SiteID, *subscribed, n.UpdatedAt = u.SiteID, false, s.now()
	if err := s.store.SetNotificationSettings(ctx, n); err != nil {
		return "", fmt.Errorf("unsubscribe: %w", err)
	}
	return n.Lang, nil
}

package service

import (
	"context"
	"fmt"
	"time"

	"parley"
)

// MyData is everything Parley holds about a reader on one site, for them
// to download (the right of access). Each kind of row is a field of its
// own, so that a later table is a field more, here and in the
// document the API writes. Secrets are never in it: sessions come without
// their hash, the user without their token hash, comments without the
// address hash.
type MyData struct {
	User          *parley.User
	Identities    []parley.Identity
	Sessions      []*parley.Session
	Comments      []*parley.Comment // every status, the deleted ones' metadata too
	Reactions     []parley.Reaction
	Reports       []*parley.Report
	Notifications *parley.NotificationSettings
	Passkeys      []*parley.Passkey
	Inbox         []*parley.InboxItem // their notifications, newest first
	ExportedAt    time.Time
}

// exportPage is how many comments one read of the export takes.
const exportPage = 500

// MyData gathers what Parley holds about the caller on siteID.
func (s *Service) MyData(ctx context.Context, siteID string) (*MyData, error) {
	_, a, err := s.account(ctx, siteID)
	if err != nil {
		return nil, err
	}
	uid := a.User.ID
	d := &MyData{ExportedAt: s.now()}
	if d.User, err = s.store.User(ctx, uid); err != nil {
		return nil, fmt.Errorf("export user: %w", err)
	}
	if d.Identities, err = s.store.UserIdentities(ctx, uid); err != nil {
		return nil, fmt.Errorf("export identities: %w", err)
	}
	if d.Sessions, err = s.store.UserSessions(ctx, uid); err != nil {
		return nil, fmt.Errorf("export sessions: %w", err)
	}
	if d.Comments, err = s.allComments(ctx, s.store, uid, true); err != nil {
		return nil, err
	}
	if d.Reactions, err = s.store.AuthorReactions(ctx, uid); err != nil {
		return nil, fmt.Errorf("export reactions: %w", err)
	}
	if d.Reports, err = s.store.AuthorReports(ctx, uid); err != nil {
		return nil, fmt.Errorf("export reports: %w", err)
	}
	if d.Notifications, err = s.settings(ctx, uid); err != nil {
		return nil, err
	}
	if d.Passkeys, err = s.store.Passkeys(ctx, uid); err != nil {
		return nil, fmt.Errorf("export passkeys: %w", err)
	}
	if d.Inbox, err = s.allInbox(ctx, uid); err != nil {
		return nil, err
	}
	return d, nil
}

// allInbox reads every inbox item of a user, page by page.
func (s *Service) allInbox(ctx context.Context, userID string) ([]*parley.InboxItem, error) {
	var out []*parley.InboxItem
	before := ""
	for {
		page, err := s.store.InboxItems(ctx, userID, before, parley.MaxInboxPage)
		if err != nil {
			return nil, fmt.Errorf("export inbox: %w", err)
		}
		out = append(out, page...)
		if len(page) < parley.MaxInboxPage {
			return out, nil
		}
		before = page[len(page)-1].ID
	}
}

// allComments reads every comment of a user, newest first, page by page
// on the author index (deleted ones too when deleted is set).
func (s *Service) allComments(ctx context.Context, tx parley.Tx, userID string, deleted bool) ([]*parley.Comment, error) {
	var out []*parley.Comment
	q := parley.AuthorQuery{UserID: userID, Limit: exportPage, Deleted: deleted}
	for {
		page, err := tx.AuthorComments(ctx, q)
		if err != nil {
			return nil, fmt.Errorf("comments of %s: %w", userID, err)
		}
		out = append(out, page...)
		if len(page) < q.Limit {
			return out, nil
		}
		q.Before = page[len(page)-1].ID
	}
}

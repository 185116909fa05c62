// Package notify tells readers of replies to their comments, and of
// moderators' decisions about them, by e-mail (decision.go).
//
// The model: posting a reply records a pending notification for the
// parent's author in the same unit of work, if they opted in. A Notifier
// claims the batches that are due, one per reader and story, with a lease
// (so several instances on one database never mail a batch twice), and
// for each writes one mail to the outbox in the same unit that marks the
// batch done: a crash before the commit leaves the batch to be claimed
// again, a crash after leaves the mail to the relay. A batch is due Window
// after its oldest reply, so a reader gets at most one mail per story per
// Window, listing every reply that came in meanwhile; a reply deleted
// before then is left out.
package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/mail"
	"net/url"
	"time"

	"parley"
)

// Store is what a Notifier needs of the store.
type Store interface {
	parley.Notifications
	parley.AuditReader // the decisions a mail tells of
	Update(ctx context.Context, fn func(tx parley.Tx) error) error
	Key(ctx context.Context, name string) ([]byte, error)
}

// Options configure a Notifier; zero values take the defaults below.
type Options struct {
	// PublicURL is where readers reach Parley (config.NormalizePublicURL):
	// the unsubscribe link starts with it (required).
	PublicURL string
	Owner     string           // this notifier's name in leases; default a new ID
	Clock     func() time.Time // default parley.Now
	Window    time.Duration    // default DefaultWindow
	Lease     time.Duration    // default 2m
	Batch     int              // batches claimed at once; default 20
	Poll      time.Duration    // how often Run looks for due batches; default 30s
	Wake      func()           // called after mail was enqueued (the relay's Wake); may be nil
	Logger    *slog.Logger     // default slog.Default()
}

// DefaultWindow is the least time between two mails to one reader about
// one story.
const DefaultWindow = 15 * time.Minute

// Notifier turns pending reply notifications into mail.
type Notifier struct {
	store Store
	o     Options
}

// New returns a Notifier over store.
func New(store Store, o Options) (*Notifier, error) {
	if _, err := url.Parse(o.PublicURL); err != nil || o.PublicURL == "" {
		return nil, errors.New("notify: a notifier needs the public URL for unsubscribe links")
	}
	if o.Owner == "" {
		o.Owner = "notifier-" + parley.NewID(parley.Now())
	}
	if o.Clock == nil {
		o.Clock = parley.Now
	}
	o.Window = orDefault(o.Window, DefaultWindow)
	o.Lease = orDefault(o.Lease, 2*time.Minute)
	o.Poll = orDefault(o.Poll, 30*time.Second)
	o.Batch = orDefault(o.Batch, 20)
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return &Notifier{store: store, o: o}, nil
}

func orDefault[T int | time.Duration](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}

// Run mails due batches until ctx ends.
func (n *Notifier) Run(ctx context.Context) {
	t := time.NewTimer(0)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		got, err := n.RunOnce(ctx)
		if err != nil && ctx.Err() == nil {
			n.o.Logger.Warn("notify: claiming notifications", "err", err)
		}
		next := n.o.Poll
		if got == n.o.Batch {
			next = 0 // a full claim: there may be more due
		}
		t.Reset(next)
	}
}

// RunOnce claims one round of due batches and mails each; it returns how
// many batches it claimed. A batch that fails stays leased and is claimed
// again when its lease ends.
func (n *Notifier) RunOnce(ctx context.Context) (int, error) {
	ns, err := n.store.ClaimNotifications(ctx, n.o.Owner, n.o.Clock(), n.o.Lease, n.o.Window, n.o.Batch)
	if err != nil {
		return 0, fmt.Errorf("notify: claim: %w", err)
	}
	batches := group(ns)
	key, err := n.store.Key(ctx, parley.UnsubscribeKeyName)
	if err != nil {
		return len(batches), fmt.Errorf("notify: unsubscribe key: %w", err)
	}
	sent := 0
	for _, b := range batches {
		ok, err := n.mail(ctx, key, b)
		if err != nil {
			n.o.Logger.Warn("notify: mailing a batch", "user", b[0].UserID, "story", b[0].StoryID, "err", err)
			continue
		}
		if ok {
			sent++
		}
	}
	if sent > 0 && n.o.Wake != nil {
		n.o.Wake()
	}
	return len(batches), nil
}

// group splits claimed notifications (sorted by batch, see
// parley.SortNotifications) into their batches.
func group(ns []*parley.ReplyNotification) [][]*parley.ReplyNotification {
	var out [][]*parley.ReplyNotification
	for i, x := range ns {
		if i == 0 || x.UserID != ns[i-1].UserID || x.StoryID != ns[i-1].StoryID {
			out = append(out, nil)
		}
		out[len(out)-1] = append(out[len(out)-1], x)
	}
	return out
}

// mail writes one batch's mail to the outbox and marks the batch done, in
// one unit; it reports whether there was a mail to write (the reader may
// have opted out, lost their address, or every reply may be gone).
func (n *Notifier) mail(ctx context.Context, key []byte, b []*parley.ReplyNotification) (bool, error) {
	first := b[0]
	ids := make([]string, len(b))
	for i, x := range b {
		ids[i] = x.ID
	}
	var wrote bool
	err := n.store.Update(ctx, func(tx parley.Tx) error {
		wrote = false
		m, err := n.message(ctx, tx, key, b)
		if err != nil {
			return err
		}
		if m != nil {
			if err := tx.EnqueueMessage(ctx, m); err != nil {
				return fmt.Errorf("enqueue: %w", err)
			}
			wrote = true
		}
		return tx.DoneNotifications(ctx, n.o.Owner, ids)
	})
	if err != nil {
		return false, err
	}
	n.o.Logger.Debug("notify: batch done", "user", first.UserID, "story", first.StoryID, "replies", len(b), "mailed", wrote)
	return wrote, nil
}

// message builds the mail of a batch as the unit sees it now; nil when
// there is nothing to send. A batch is all replies or all decisions
// (theirs has story "").
func (n *Notifier) message(ctx context.Context, tx parley.Tx, key []byte, b []*parley.ReplyNotification) (*parley.Message, error) {
	first := b[0]
	if first.Kind != "" {
		return n.decisionMessage(ctx, tx, key, b)
	}
	settings, u, err := recipient(ctx, tx, first.UserID)
	if err != nil || settings == nil || !settings.Replies {
		return nil, err
	}
	story, err := tx.Story(ctx, first.SiteID, first.StoryID)
	if err != nil {
		return nil, fmt.Errorf("story: %w", err)
	}
	var replies []*parley.Comment
	for _, x := range b {
		c, err := tx.Comment(ctx, x.CommentID)
		if parley.ErrorCode(err) == parley.ENOTFOUND {
			continue
		} else if err != nil {
			return nil, fmt.Errorf("reply: %w", err)
		}
		if c.Status == parley.StatusApproved {
			replies = append(replies, c)
		}
	}
	if len(replies) == 0 {
		return nil, nil
	}
	to := (&mail.Address{Name: u.Name, Address: u.Email}).String()
	unsubscribe := n.unsubscribeURL(key, u, parley.ListReplies)
	now := n.o.Clock()
	m := compose(settings.Lang, u.Name, story, replies, unsubscribe)
	m.ID, m.To, m.ListUnsubscribe, m.CreatedAt = parley.NewID(now), to, unsubscribe, now
	return m, nil
}

// recipient returns a reader's settings and account as the unit sees
// them; nil settings when there is nobody to mail: no settings stored, or
// no address on the account.
func recipient(ctx context.Context, tx parley.Tx, userID string) (*parley.NotificationSettings, *parley.User, error) {
	settings, err := tx.NotificationSettings(ctx, userID)
	if parley.ErrorCode(err) == parley.ENOTFOUND {
		return nil, nil, nil
	} else if err != nil {
		return nil, nil, fmt.Errorf("settings: %w", err)
	}
	u, err := tx.User(ctx, userID)
	if err != nil {
		return nil, nil, fmt.Errorf("reader: %w", err)
	}
	if u.Email == "" {
		return nil, u, nil
	}
	return settings, u, nil
}

// unsubscribeURL is the one-click link that takes u off list, under the
// configured public URL. The replies list is named by leaving it out, as
// the links of the mails sent before there were lists do.
func (n *Notifier) unsubscribeURL(key []byte, u *parley.User, list string) string {
	link := n.o.PublicURL + "/unsubscribe?t=" + url.QueryEscape(parley.UnsubscribeToken(key, u.ID, u.SiteID, list))
	if list != parley.ListReplies {
		link += "&list=" + url.QueryEscape(list)
	}
	return link
}

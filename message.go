package parley

import (
	"context"
	"net/mail"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Message is one e-mail waiting in the durable outbox. A use case enqueues
// it with Tx.EnqueueMessage in the unit of work that caused it, so that the
// mail exists exactly when what it tells of was committed; a relay
// (internal/outbox) sends it later, with retries.
//
// Text and HTML are the two alternatives of the body (HTML may be empty).
// ListUnsubscribe, when set, is the one-click URL of RFC 8058: the mail then
// carries List-Unsubscribe and List-Unsubscribe-Post. It may be http here;
// whether http is acceptable depends on where Parley is reached, which the
// relay knows from its configuration (outbox.Options.PlainHTTP) and the
// store does not.
type Message struct {
	ID              string
	To              string // one address, "Name <a@b>" or "a@b"
	Subject         string
	Text            string
	HTML            string
	ListUnsubscribe string
	CreatedAt       time.Time

	// Kept by the outbox, ignored by EnqueueMessage.
	Attempts int       // claims so far, the current one included
	NextAt   time.Time // not claimed before then
}

// Validate returns EINVALID unless m can be sent as it is: a parseable
// recipient, a subject and a text body, and no CR or LF in any value that
// becomes a header (which would let a value add headers of its own).
func (m *Message) Validate() error {
	if !validMessageID(m.ID) {
		return Errorf(EINVALID, "A message ID is 1 to 64 letters, digits or dashes.")
	}
	for _, h := range []string{m.To, m.Subject, m.ListUnsubscribe} {
		if strings.ContainsAny(h, "\r\n") {
			return Errorf(EINVALID, "A header value must not contain line breaks.")
		}
	}
	for _, v := range []string{m.To, m.Subject, m.Text, m.HTML, m.ListUnsubscribe} {
		if !utf8.ValidString(v) || strings.ContainsRune(v, 0) {
			return Errorf(EINVALID, "A message must be UTF-8 text without NUL.")
		}
	}
	if _, err := mail.ParseAddress(m.To); err != nil {
		return Errorf(EINVALID, "The recipient is not an e-mail address.")
	}
	if strings.TrimSpace(m.Subject) == "" || m.Text == "" {
		return Errorf(EINVALID, "A message needs a subject and a text body.")
	}
	if m.ListUnsubscribe != "" && !validPageURL(m.ListUnsubscribe) {
		return Errorf(EINVALID, "The unsubscribe link must be an absolute http(s) URL.")
	}
	return nil
}

// validMessageID reports whether id can stand inside <id@host>: NewID's
// alphabet, and dashes.
func validMessageID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, r := range id {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '-') {
			return false
		}
	}
	return true
}

// Outbox is the queue a relay works from. Claiming is safe with several
// relays on one database: a claimed message is leased to its owner until
// the lease ends, and no other relay claims it before then. Times are the
// relay's clock, passed in, so that tests can move it.
type Outbox interface {
	// ClaimMessages leases to owner, until now+lease, at most limit pending
	// messages whose NextAt is at or before now and whose lease (if any)
	// has ended, oldest first, and counts one attempt for each.
	ClaimMessages(ctx context.Context, owner string, now time.Time, lease time.Duration, limit int) ([]*Message, error)
	// MarkMessageSent records that the message was accepted by the mail
	// server; it is never claimed again, and its bodies are emptied (a
	// sign-in link must not outlive its sending in a database dump).
	// ENOTFOUND unless owner holds it.
	MarkMessageSent(ctx context.Context, id, owner string, at time.Time) error
	// RetryMessage releases the message for another attempt at next and
	// keeps reason as its last error. ENOTFOUND unless owner holds it.
	RetryMessage(ctx context.Context, id, owner string, next time.Time, reason string) error
	// FailMessage gives the message up: it is never claimed again, reason
	// is kept and its bodies are emptied. ENOTFOUND unless owner holds it.
	FailMessage(ctx context.Context, id, owner string, at time.Time, reason string) error
	// PurgeMessages deletes the sent and failed messages done before
	// before, and returns how many: the outbox is not an archive of what
	// readers were sent.
	PurgeMessages(ctx context.Context, before time.Time) (int, error)
	// MessageState returns where a message stands; ENOTFOUND.
	MessageState(ctx context.Context, id string) (*MessageStatus, error)
}

// MessageStatus is where an outbox message stands.
type MessageStatus struct {
	State     string // "pending", "sent" or "failed"
	Attempts  int    // claims so far
	LastError string // of the last failed attempt
	HasBody   bool   // its text or HTML is still kept
}

// SortMessages orders claimed messages as ClaimMessages returns them: by
// NextAt, then ID (RETURNING gives no order of its own on either backend).
func SortMessages(ms []*Message) {
	slices.SortFunc(ms, func(a, b *Message) int {
		if c := a.NextAt.Compare(b.NextAt); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
}

package realtime

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"parley"
)

// A topic becomes the subject <prefix>.<kind>.<site>.<story>, each part a
// token of its own, so that NATS routes an event only to the instances
// whose subscribers want its site or story. Site and story IDs come from
// publishers' pages and operators, so they may hold anything: '.', '*',
// '>' or a space would split a token, widen a subscription or break the
// subject. Each part is therefore escaped into letters, digits, '-' and
// '_': every other byte becomes _XX (its hex), and the empty string (every
// site's events have no story) is the lone "_", which no escape produces.
// The escaping is one-to-one, so two IDs never share a subject, and an
// ID stays readable in `nats sub` for the operator.

// missedToken is the last token of the subject on which an instance that
// was cut off from NATS tells the others to resync: they may have missed
// what it published meanwhile. Topic subjects have four tokens, it two.
const missedToken = "missed"

// maxWireSize bounds a message the bus decodes; ours are a few hundred
// bytes, and a larger one is someone else's.
const maxWireSize = 16 << 10

// subjectToken escapes one part of a subject.
func subjectToken(s string) string {
	if s == "" {
		return "_"
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "_%02x", c)
	}
	return b.String()
}

// topicSubject is the subject events on t are published to, or, where t
// leaves the site or story open, the wildcard subject that receives them.
func topicSubject(prefix string, t parley.Topic) string {
	site, story := "*", "*"
	if t.SiteID != "" {
		site = subjectToken(t.SiteID)
		if t.StoryID != "" {
			story = subjectToken(t.StoryID)
		}
	}
	return prefix + "." + subjectToken(t.Kind) + "." + site + "." + story
}

// eventSubject is the subject ev is published to.
func eventSubject(prefix string, ev parley.Event) string {
	t := ev.Topic()
	return prefix + "." + subjectToken(t.Kind) + "." + subjectToken(t.SiteID) + "." + subjectToken(t.StoryID)
}

// wireEvent is an event as it crosses NATS: a plain JSON value, with the
// instance that sent it (so that it can skip its own echo) and when (for
// the bus's lag).
type wireEvent struct {
	From    string `json:"from"`
	At      int64  `json:"at"` // Unix microseconds, the sender's clock
	Type    string `json:"type"`
	Site    string `json:"site,omitempty"`
	Story   string `json:"story,omitempty"`
	Comment string `json:"comment,omitempty"`
	User    string `json:"user,omitempty"`
}

func encodeWire(from string, at time.Time, ev parley.Event) ([]byte, error) {
	return json.Marshal(wireEvent{From: from, At: at.UnixMicro(), Type: ev.Type, Site: ev.SiteID, Story: ev.StoryID,
		Comment: ev.CommentID, User: ev.UserID})
}

var errBadWire = errors.New("not a parley event")

// decodeWire reads a message received on subject. Anyone who can publish
// on the server can send one, so it is refused unless it is one of ours
// and belongs on the subject it came by: a message cannot reach
// subscribers of another site or story than its own by its subject.
func decodeWire(prefix, subject string, data []byte) (wireEvent, error) {
	var w wireEvent
	if len(data) > maxWireSize {
		return w, fmt.Errorf("%w: %d bytes", errBadWire, len(data))
	}
	if err := json.Unmarshal(data, &w); err != nil {
		return w, fmt.Errorf("%w: %w", errBadWire, err)
	}
	if w.From == "" || w.Type == "" {
		return w, fmt.Errorf("%w: no sender or type", errBadWire)
	}
	if subject == prefix+"."+missedToken {
		if w.Type != parley.EventMissed {
			return w, fmt.Errorf("%w: %q on the resync subject", errBadWire, w.Type)
		}
		return w, nil
	}
	if w.Type == parley.EventMissed || eventSubject(prefix, w.event()) != subject {
		return w, fmt.Errorf("%w: %q for %q/%q on subject %q", errBadWire, w.Type, w.Site, w.Story, subject)
	}
	return w, nil
}

func (w wireEvent) event() parley.Event {
	return parley.Event{Type: w.Type, SiteID: w.Site, StoryID: w.Story, CommentID: w.Comment, UserID: w.User}
}

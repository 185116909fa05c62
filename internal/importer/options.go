package importer

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/mail"
	"strings"
	"time"

	"parley/internal/transfer"
)

// URLRule rewrites the start of a thread's URL: an archive of
// http://old.example moves to https://new.example. Of several rules whose
// From starts a URL, the longest wins.
type URLRule struct{ From, To string }

// ParseURLRule reads a rule written OLD=NEW, as --map-url takes it.
func ParseURLRule(s string) (URLRule, error) {
	from, to, ok := strings.Cut(s, "=")
	from, to = strings.TrimSpace(from), strings.TrimSpace(to)
	if !ok || from == "" || to == "" {
		return URLRule{}, fmt.Errorf("importer: URL rule %q: write it OLD=NEW, e.g. http://old.example=https://new.example", s)
	}
	return URLRule{From: from, To: to}, nil
}

// mapURL applies the longest rule whose From starts url.
func mapURL(rules []URLRule, url string) string {
	best := -1
	for i, r := range rules {
		if strings.HasPrefix(url, r.From) && (best < 0 || len(r.From) > len(rules[best].From)) {
			best = i
		}
	}
	if best < 0 {
		return url
	}
	return rules[best].To + url[len(rules[best].From):]
}

// maxSSOMap bounds the lines of an SSO map, so that a wrong file (an
// export instead of the map) fails instead of filling memory.
const maxSSOMap = 10_000_000

// ReadSSOMap reads the CSV of --map-sso: one "email,subject" line per
// reader, a header line "email,subject" allowed first. It returns the
// subjects by lower-cased address. A line without a valid address or
// with an empty subject, or an address given twice, is an error that
// names the line: a mapping gives people's comments to accounts, so it
// is not guessed at.
func ReadSSOMap(r io.Reader) (map[string]string, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = 2
	cr.TrimLeadingSpace = true
	cr.ReuseRecord = true
	m := map[string]string{}
	for line := 1; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return m, nil
		}
		if err != nil {
			return nil, fmt.Errorf("importer: SSO map: %w", err)
		}
		email, sub := strings.ToLower(strings.TrimSpace(rec[0])), strings.TrimSpace(rec[1])
		if line == 1 && email == "email" && strings.EqualFold(sub, "subject") {
			continue
		}
		if a, err := mail.ParseAddress(email); err != nil || a.Address != email {
			return nil, fmt.Errorf("importer: SSO map line %d: %q is not an e-mail address", line, rec[0])
		}
		if sub == "" || len(sub) > 255 {
			return nil, fmt.Errorf("importer: SSO map line %d: the subject is 1 to 255 bytes", line)
		}
		if _, dup := m[email]; dup {
			return nil, fmt.Errorf("importer: SSO map line %d: %s is mapped twice", line, email)
		}
		if len(m) >= maxSSOMap {
			return nil, fmt.Errorf("importer: SSO map: more than %d lines", maxSSOMap)
		}
		m[email] = sub
	}
}

// Options are what the operator chose for one import.
type Options struct {
	// Site is the site to import into. It must exist: an import does not
	// guess a site's origins and settings (parley site create first).
	Site string
	// Source is the format's name ("disqus", …): part of the derived IDs
	// of comments and of authors without an e-mail, so that two sources'
	// post 17 stay two comments.
	Source string
	MapURL []URLRule
	// MapSSO gives the subject of a publisher's SSO by lower-cased e-mail:
	// an author with a mapped address becomes the user of "sso:"+subject.
	MapSSO map[string]string
	// DryRun reads, repairs and maps everything, and writes nothing: each
	// story's unit of work is rolled back instead of committed.
	DryRun bool
	// Moderate runs the site's word lists over imported comments: banned
	// → rejected, suspect → pending, with a revision giving the reasons.
	Moderate bool
	// Progress, when set, is called from Run's goroutine a few times a
	// second at most, and once at the end of each phase.
	Progress func(Progress)
	// WorkDir is where the staging file goes; "" is os.TempDir().
	WorkDir string
	// Changed, when set, is called after the unit of a story that this
	// run wrote into has committed (never in a dry run), so that the
	// caller can tell running servers (the unit appended the story's
	// EventStoryChanged to the log; a bus hears of it only this way).
	Changed func(storyID string)
}

// Progress is how far an import is.
type Progress struct {
	Phase string // "reading", then "writing"
	// Done and Total are bytes read of the input's size while reading,
	// and stories done of their number while writing.
	Done, Total int64
	// Comments is posts read so far while reading, comments written (or,
	// in a dry run, that would be) while writing.
	Comments int64
	Elapsed  time.Duration // since Run started
	// Final marks the last call of a phase.
	Final bool
}

// The phases of Progress.
const (
	PhaseReading = "reading"
	PhaseWriting = "writing"
)

// Summary is what an import did.
type Summary struct {
	// Stories, Comments and Commenters are written by this run (new rows;
	// a story counts when this run wrote its row or comments into it).
	Stories, Comments, Commenters int
	// Existing is stories that were there whole already: a repeated or
	// resumed import.
	Existing int
	Repaired map[string]int // by Repair kind, the parser's and Run's
	Skipped  map[string]int // by reason
	Elapsed  time.Duration
	DryRun   bool
}

// Target is the database an import writes into: the transfer.Target of
// our own imports, whose units (parley.Tx) have the identities, word lists
// and RecountStory that Run needs. A parley.Store is one.
type Target interface {
	transfer.Target
	// Words returns a site's entries of a word list and language.
	Words(ctx context.Context, siteID, list, lang string) ([]string, error)
}

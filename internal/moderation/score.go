package moderation

// Scorers: each looks at a comment and says how likely it is to need a
// moderator, as a number in [0,1] with reasons a moderator can read. Run
// asks every scorer a site enabled at once, each under its own timeout, and
// holds the comment for the human queue when any crosses its threshold or
// cannot answer. A scorer never approves: the worst a broken or slow scorer
// can do is send comments to the queue, never let one through.

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"
)

// Scorer rates one comment. Score returns an error when it cannot answer
// (network, refusal, an answer it cannot parse); it must not return a
// low score instead.
type Scorer interface {
	Name() string
	Score(ctx context.Context, in Input) (Score, error)
}

// Input is everything a scorer may see of a comment. It holds no raw IP
// address and no e-mail: Personal is the one exception, filled only for
// scorers whose site setting allows sending the author's details (today
// only Akismet wants them).
type Input struct {
	SiteID, StoryID string
	StoryURL        string // the article's canonical URL, if known
	Lang            string // the story's language (BCP 47), "" if unknown

	// Body is the comment's text as its author wrote it (Markdown source);
	// Links are the targets of the links in its rendered HTML.
	Body  string
	Links []string

	// AccountAge is how long the author has existed (commenter or
	// account); ApprovedComments is how many of theirs on this site were
	// approved.
	AccountAge       time.Duration
	ApprovedComments int

	// AddressHash is the keyed hash of the author's address (see
	// parley.AddressHash), stable for a day: enough to tell one sender
	// from another, useless to find them.
	AddressHash string

	// Personal is nil unless the site allows this scorer to send who wrote.
	Personal *Personal
}

// Personal is what a third party learns of the author when the site
// allows it. Parley stores none of it with the verdict.
type Personal struct {
	Name      string
	Email     string
	IP        string // the raw client address of this request, never stored
	UserAgent string
}

// Score is one scorer's answer: Value in [0,1] (0: nothing to see, 1:
// certainly needs a moderator) and why.
type Score struct {
	Value   float64
	Reasons []Reason
}

// Reason is one human-readable cause of a score. Key and N are stable, so
// that the moderator UI can translate them (key "links", N 3); Text is the
// English sentence for logs and until then ("3 links").
type Reason struct {
	Scorer string `json:"scorer"`
	Key    string `json:"key"`
	N      int    `json:"n,omitempty"`
	Text   string `json:"text"`
}

// Reason keys.
const (
	ReasonLinks       = "links"       // N links
	ReasonMostlyLinks = "mostlyLinks" // more link than text
	ReasonCapitals    = "capitals"    // N percent capitals
	ReasonRepeatChar  = "repeatedCharacter"
	ReasonRepeatWord  = "repeatedWord"
	ReasonRepetitive  = "repetitive" // only N percent of the text is new
	ReasonNewAccount  = "newAccount"
	ReasonModel       = "model"   // the language model's own words in Text
	ReasonSpam        = "spam"    // Akismet: spam
	ReasonBlatant     = "blatant" // Akismet: discard without review
	ReasonUnavailable = "unavailable"
)

// Configured is a scorer as a site enabled it: at or above Threshold the
// comment is held; a scorer still busy after Timeout counts as failed.
// Only with Personal does it see Input.Personal.
type Configured struct {
	Scorer    Scorer
	Threshold float64
	Timeout   time.Duration
	Personal  bool
}

// DefaultTimeout is a scorer's timeout when its configuration has none:
// the author waits for the slowest scorer, so it is short.
const DefaultTimeout = 2 * time.Second

// Result is one scorer's part in a verdict.
type Result struct {
	Scorer  string
	Score   Score
	Err     error // non-nil: the scorer failed, timed out or panicked
	Crossed bool  // Score reached the threshold
}

// Verdict is what the scorers say together. Hold means the comment goes to
// the human queue; Reasons say why (crossed thresholds and unavailable
// scorers), in the order the scorers were configured.
type Verdict struct {
	Hold    bool
	Failed  bool // some scorer failed or timed out (Hold is then true)
	Reasons []Reason
	Results []Result
}

// ErrTimeout is a scorer's error when it did not answer within its timeout.
var ErrTimeout = errors.New("moderation: scorer timed out")

// Run asks every scorer at once, each under its own timeout, and waits for
// all of them (or their timeouts). A scorer that ignores its context is
// abandoned at its timeout, never waited for; one that panics counts as
// failed and does not take the process down. Scores outside [0,1] count
// as failures too. The verdict depends only on the answers, not on which
// came first.
func Run(ctx context.Context, scorers []Configured, in Input) Verdict {
	results := make([]Result, len(scorers))
	done := make(chan struct{}, len(scorers))
	for i, c := range scorers {
		go func() {
			results[i] = runOne(ctx, c, in)
			done <- struct{}{}
		}()
	}
	for range scorers {
		<-done
	}
	v := Verdict{Results: results}
	for _, r := range results {
		switch {
		case r.Err != nil:
			v.Hold, v.Failed = true, true
			v.Reasons = append(v.Reasons, Reason{Scorer: r.Scorer, Key: ReasonUnavailable,
				Text: fmt.Sprintf("scorer %s unavailable", r.Scorer)})
		case r.Crossed:
			v.Hold = true
			v.Reasons = append(v.Reasons, r.Score.Reasons...)
		}
	}
	return v
}

// runOne runs one scorer in a goroutine of its own, so that it can be
// abandoned at its timeout.
func runOne(ctx context.Context, c Configured, in Input) Result {
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	name := safeName(c.Scorer)
	if !c.Personal {
		in.Personal = nil
	}
	ctx, cancel := context.WithTimeoutCause(ctx, timeout, ErrTimeout)
	defer cancel()
	answer := make(chan Result, 1) // buffered: an abandoned scorer does not block forever
	go func() {
		defer func() {
			if p := recover(); p != nil {
				answer <- Result{Scorer: name, Err: fmt.Errorf("moderation: scorer %s panicked: %v", name, p)}
			}
		}()
		s, err := c.Scorer.Score(ctx, in)
		answer <- Result{Scorer: name, Score: s, Err: err}
	}()
	var r Result
	select {
	case r = <-answer:
	case <-ctx.Done():
		r = Result{Scorer: name, Err: fmt.Errorf("moderation: scorer %s: %w", name, context.Cause(ctx))}
	}
	if r.Err != nil && ctx.Err() != nil && !errors.Is(r.Err, context.Cause(ctx)) {
		r.Err = fmt.Errorf("moderation: scorer %s: %w: %w", name, context.Cause(ctx), r.Err)
	}
	if r.Err == nil && (math.IsNaN(r.Score.Value) || r.Score.Value < 0 || r.Score.Value > 1) {
		r.Err = fmt.Errorf("moderation: scorer %s gave %v, outside [0,1]", name, r.Score.Value)
	}
	if r.Err != nil {
		r.Score = Score{}
		return r
	}
	r.Crossed = r.Score.Value >= c.Threshold
	reasons := make([]Reason, len(r.Score.Reasons)) // a copy: the scorer may share its slice
	for i, why := range r.Score.Reasons {
		why.Scorer = name
		reasons[i] = why
	}
	r.Score.Reasons = reasons
	return r
}

// safeName is the scorer's name, or "unnamed" when Name itself panics.
func safeName(s Scorer) (name string) {
	defer func() {
		if recover() != nil {
			name = "unnamed"
		}
	}()
	if s == nil {
		return "unnamed"
	}
	return s.Name()
}

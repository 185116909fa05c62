package service

import (
	"context"
	"fmt"
	"sync"
	"time"

	"parley"
	"parley/internal/moderation"
	"parley/internal/pow"
)

// Proof is a solved proof-of-work challenge sent with a post.
type Proof struct {
	Challenge string
	Solution  string
}

// ProofRequired refuses a post that needs a proof of work first
// (EPRECONDITION, key proofRequired) and carries the challenge to solve.
type ProofRequired struct {
	Challenge pow.Challenge
}

func (e *ProofRequired) Error() string { return errProofRequired.Error() }
func (e *ProofRequired) Unwrap() error { return errProofRequired }

var errProofRequired = parley.Errorf(parley.EPRECONDITION, "Posting from here needs a small proof of work; solve the challenge and send the post again.").Keyed("proofRequired")

// errHoneypot refuses a post whose honeypot field was filled: people
// never see the field, so only a script that fills every field does.
// The refusal is an ordinary one with a key of its own, not a feigned
// success: a person whose browser filled the field by mistake is told,
// and their text is kept.
var errHoneypot = parley.Errorf(parley.EINVALID, "The form could not be sent. Please reload the page and try again.").Keyed("honeypot")

// powPerHour is the window of Moderation.PowAfter.
const powPerHour = time.Hour

// friction holds what bot friction keeps in memory: how often each
// address posted anonymously lately, and the key that signs challenges
// (read once from the store, the same on every instance).
type friction struct {
	posts *moderation.Buckets[postKey]
	mu    sync.Mutex
	key   []byte
}

func newFriction() *friction {
	return &friction{posts: moderation.NewBuckets[postKey](maxPostBuckets)}
}

// powKey returns the key that signs challenges.
func (s *Service) powKey(ctx context.Context) ([]byte, error) {
	f := s.friction
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.key != nil {
		return f.key, nil
	}
	key, err := s.store.Key(ctx, "pow")
	if err != nil {
		return nil, fmt.Errorf("proof-of-work key: %w", err)
	}
	f.key = key
	return key, nil
}

// withoutAccount reports whether a post comes from a reader without an
// account: no credential at all, or only the commenter token of an
// earlier anonymous comment.
func withoutAccount(a *parley.Actor) bool {
	return a == nil || (a.Method == parley.MethodToken && a.Role < parley.RoleStaff)
}

// requireProof asks an anonymous post for a proof of work when the site
// wants one: always (PowAlways), or once its address posted PowAfter
// times within the hour. A post with a valid proof passes, and the proof
// is spent (pow.Redeem, recorded in the database so that no instance
// accepts it twice). A missing or expired proof gets a new challenge
// (ProofRequired); a forged, foreign, insufficient or replayed one is
// refused with pow's own errors.
func (s *Service) requireProof(ctx context.Context, site *parley.Site, a *parley.Actor, ipHash string, p Proof) error {
	m := site.Moderation
	if !withoutAccount(a) || (!m.PowAlways && m.PowAfter == 0) {
		return nil
	}
	addr := s.limitAddress(ctx, ipHash)
	if !m.PowAlways {
		if addr == "" {
			return nil // no address to count: the rate limits hold such posts
		}
		k := postKey{site: site.ID, address: true, id: addr}
		if s.friction.posts.Take(s.now(), m.PowAfter, powPerHour/time.Duration(m.PowAfter), k) == 0 {
			return nil
		}
	}
	key, err := s.powKey(ctx)
	if err != nil {
		return err
	}
	subject := site.ID + "\x00" + addr
	if p.Challenge == "" && p.Solution == "" {
		return &ProofRequired{Challenge: pow.Issue(key, subject, pow.DefaultDifficulty, s.now())}
	}
	err = pow.Redeem(ctx, ledger{s.store, site.ID, s.now()}, key, subject, p.Challenge, p.Solution, s.now())
	if err == pow.ErrExpired {
		return &ProofRequired{Challenge: pow.Issue(key, subject, pow.DefaultDifficulty, s.now())}
	}
	return err
}

// ledger records spent challenges as used token IDs of the site: a table
// every instance shares, purged with the other expired token IDs.
type ledger struct {
	store  parley.Store
	siteID string
	now    time.Time
}

// Seen implements pow.Ledger.
func (l ledger) Seen(ctx context.Context, id string, until time.Time) (bool, error) {
	err := l.store.UseTokenID(ctx, l.siteID, "pow:"+id, until, l.now)
	switch parley.ErrorCode(err) {
	case "":
		return false, nil
	case parley.ECONFLICT:
		return true, nil
	}
	return false, err
}

// Nudge refuses, once, a new comment that suspect words or a scorer
// flagged (EUNPROCESSABLE, key nudge): its author may edit it, or send it
// again with Confirm, and it then goes to the moderators. Reasons say
// what was found, for the author's eyes.
type Nudge struct {
	Reasons []parley.Reason
}

func (e *Nudge) Error() string { return errNudge.Error() }
func (e *Nudge) Unwrap() error { return errNudge }

var errNudge = parley.Errorf(parley.EUNPROCESSABLE, "Your comment may break the house rules. Edit it, or post it anyway and a moderator will look at it before it appears.").Keyed("nudge")

// nudgeReasons are the reasons an author is shown: what they can change
// (words, a scorer's findings), not the rules that hold every comment.
func nudgeReasons(v verdict) []parley.Reason {
	var out []parley.Reason
	for _, r := range v.reasons {
		if r.Check == parley.CheckWords || (r.Check == parley.CheckScorer && r.Key != moderation.ReasonUnavailable) {
			out = append(out, r)
		}
	}
	return out
}

package pow

import (
	"context"
	"fmt"
	"time"
)

// Ledger remembers used challenges. Seen records id as used until until
// and reports whether it was recorded already; it must do both at once
// (an insert that does nothing on conflict), or two posts racing with one
// solution would both pass. Entries may be forgotten after until, when
// Verify refuses the challenge as expired anyway.
type Ledger interface {
	Seen(ctx context.Context, id string, until time.Time) (bool, error)
}

// Redeem is Verify followed by recording the challenge in seen: a solution
// is good once. It returns Verify's errors, ErrReplayed, or the ledger's
// error (then the post must fail: a proof that cannot be recorded is not
// accepted).
func Redeem(ctx context.Context, seen Ledger, key []byte, subject, challenge, solution string, now time.Time) error {
	if err := Verify(key, subject, challenge, solution, now); err != nil {
		return err
	}
	p, _ := parse(challenge) // Verify parsed it
	used, err := seen.Seen(ctx, p.id, p.expires)
	if err != nil {
		return fmt.Errorf("pow: record challenge: %w", err)
	}
	if used {
		return ErrReplayed
	}
	return nil
}

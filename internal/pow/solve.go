package pow

import (
	"context"
	"crypto/sha256"
	"strconv"
)

// Solve finds the smallest solution of challenge, as the widget does, for
// clients written in Go (the load generator, tests). It returns
// ErrMalformed for a token it cannot read and ctx's error when ctx ends
// first.
func Solve(ctx context.Context, challenge string) (string, error) {
	p, ok := parse(challenge)
	if !ok {
		return "", ErrMalformed
	}
	buf := append([]byte(challenge), ':')
	prefix := len(buf)
	for n := uint64(0); ; n++ {
		if n%(1<<16) == 0 && ctx.Err() != nil {
			return "", ctx.Err()
		}
		buf = strconv.AppendUint(buf[:prefix], n, 10)
		if ZeroBits(sha256.Sum256(buf)) >= p.difficulty {
			return strconv.FormatUint(n, 10), nil
		}
	}
}

// Package pow is a small proof-of-work challenge that the widget solves in
// the background before it posts: cheap for one reader (about a second on
// a phone), costly for a script that posts thousands of comments, and with
// no third party and no tracking.
//
// A challenge is stateless: Issue signs its nonce, expiry, difficulty and a
// keyed tag of its subject (say the site and the author's hashed address)
// with HMAC-SHA256, so no table holds what was issued. The solution is a
// decimal counter such that SHA-256(challenge ":" counter) starts with
// difficulty zero bits; finding one takes 2^difficulty hashes on average,
// checking it takes one. Verify checks the signature, the subject, the
// expiry and the work, with an error of its own for each.
//
// A valid solution stays valid until its challenge expires, so on its own
// it can be replayed. The caller must record each challenge's ID until its
// expiry and refuse it the second time: Redeem does both, with a Ledger
// that the store implements (insert if absent, in the database, so that
// every instance agrees).
package pow

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"math/bits"
	"strconv"
	"strings"
	"time"

	"parley"
)

// Bounds of a challenge.
const (
	// TTL is how long a challenge may be solved and used: long enough
	// to write a comment after the widget solved it in the background.
	TTL = 5 * time.Minute
	// DefaultDifficulty is what a site should ask of the widget's script
	// engine (widget/src/pow.ts): 2^16 = 65,536 hashes on average, 3 times
	// that for the slowest 5% of challenges. Measured on this project's
	// 2-core server under load: the script engine in headless Chromium
	// 0.72-1.31 M hashes/s, so 0.05-0.09 s; a phone, 3-5 times slower,
	// 0.2-0.4 s on average and under about a second at the 95th
	// percentile. A Go client (Solve) does 3.1-4.9 M hashes/s a core, so
	// each comment costs a script 15-20 ms of a core: friction against
	// floods, not a wall. WebCrypto managed only 25,000-94,000 hashes/s
	// (a promise and a thread hop per digest); with it, use 12.
	DefaultDifficulty = 16
	// MaxDifficulty is the hardest challenge Issue makes: 2^32 hashes are
	// an hour on a phone, so more helps nobody.
	MaxDifficulty = 32
	// maxToken bounds what Verify parses.
	maxToken = 200
	// maxSolution is a counter of up to 2^64: 20 digits.
	maxSolution = 20
)

// version starts every token, so that a later format can be told apart.
const version = "p1"

// Errors of Verify and Redeem, each with its own key. ErrRequired is for
// the caller to answer a post that carries no proof at all.
var (
	ErrRequired     = parley.Errorf(parley.EFORBIDDEN, "a proof of work is required").Keyed("powRequired")
	ErrMalformed    = parley.Errorf(parley.EINVALID, "the proof of work is malformed").Keyed("powMalformed")
	ErrForged       = parley.Errorf(parley.EFORBIDDEN, "the challenge was not issued here").Keyed("powForged")
	ErrWrongSubject = parley.Errorf(parley.EFORBIDDEN, "the challenge was issued for someone else").Keyed("powWrongSubject")
	ErrExpired      = parley.Errorf(parley.EFORBIDDEN, "the challenge has expired").Keyed("powExpired")
	ErrInsufficient = parley.Errorf(parley.EFORBIDDEN, "the proof of work does not solve the challenge").Keyed("powInsufficient")
	ErrReplayed     = parley.Errorf(parley.EFORBIDDEN, "the challenge was already used").Keyed("powReplayed")
)

// Challenge is one issued challenge. The widget gets Token (Difficulty and
// ExpiresAt are inside it too) and sends it back with its solution.
type Challenge struct {
	ID         string    `json:"-"` // the nonce: what a Ledger records
	Token      string    `json:"challenge"`
	Difficulty int       `json:"difficulty"`
	ExpiresAt  time.Time `json:"expiresAt"`
}

// Issue makes a challenge for subject of difficulty leading zero bits
// (clamped to 1..MaxDifficulty), valid for TTL from now.
func Issue(key []byte, subject string, difficulty int, now time.Time) Challenge {
	difficulty = max(1, min(MaxDifficulty, difficulty))
	var nonce [16]byte
	rand.Read(nonce[:]) // never fails (crypto/rand)
	c := Challenge{ID: b64(nonce[:]), Difficulty: difficulty, ExpiresAt: now.Add(TTL).Truncate(time.Second).UTC()}
	body := strings.Join([]string{version, c.ID, strconv.FormatInt(c.ExpiresAt.Unix(), 10),
		strconv.Itoa(difficulty), subjectTag(key, subject)}, ".")
	c.Token = body + "." + b64(sign(key, body))
	return c
}

// parsed is a token's fields.
type parsed struct {
	id, body, tag, mac string
	expires            time.Time
	difficulty         int
}

func parse(token string) (parsed, bool) {
	if len(token) > maxToken {
		return parsed{}, false
	}
	f := strings.Split(token, ".")
	if len(f) != 6 || f[0] != version {
		return parsed{}, false
	}
	exp, err1 := strconv.ParseInt(f[2], 10, 64)
	d, err2 := strconv.Atoi(f[3])
	if err1 != nil || err2 != nil || d < 1 || d > MaxDifficulty {
		return parsed{}, false
	}
	return parsed{id: f[1], body: strings.Join(f[:5], "."), tag: f[4], mac: f[5], expires: time.Unix(exp, 0), difficulty: d}, true
}

// Verify checks solution for challenge, issued under key for subject, at
// now. It returns ErrMalformed, ErrForged, ErrWrongSubject, ErrExpired or
// ErrInsufficient, in that order of checks, or nil. It does not know
// whether the challenge was used before: see Redeem.
func Verify(key []byte, subject, challenge, solution string, now time.Time) error {
	p, ok := parse(challenge)
	if !ok || !validSolution(solution) {
		return ErrMalformed
	}
	if !hmac.Equal([]byte(p.mac), []byte(b64(sign(key, p.body)))) {
		return ErrForged
	}
	if !hmac.Equal([]byte(p.tag), []byte(subjectTag(key, subject))) {
		return ErrWrongSubject
	}
	if !now.Before(p.expires) {
		return ErrExpired
	}
	if ZeroBits(Hash(challenge, solution)) < p.difficulty {
		return ErrInsufficient
	}
	return nil
}

// validSolution accepts a decimal counter of at most maxSolution digits.
func validSolution(s string) bool {
	if s == "" || len(s) > maxSolution {
		return false
	}
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// Hash is the work: SHA-256 of the challenge, a colon and the solution.
func Hash(challenge, solution string) [sha256.Size]byte {
	return sha256.Sum256([]byte(challenge + ":" + solution))
}

// ZeroBits counts the leading zero bits of h.
func ZeroBits(h [sha256.Size]byte) int {
	n := 0
	for _, b := range h {
		if b != 0 {
			return n + bits.LeadingZeros8(b)
		}
		n += 8
	}
	return n
}

func sign(key []byte, body string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("parley pow\x00" + body))
	return m.Sum(nil)
}

// subjectTag binds a challenge to its subject without showing it: a
// keyed hash, 96 bits, in the token.
func subjectTag(key []byte, subject string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("parley pow subject\x00" + subject))
	return b64(m.Sum(nil)[:12])
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

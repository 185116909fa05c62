package parley

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// The default posting limit: 5 comments per minute for each reader and
// each address. A newsroom's fastest honest commenter, answering replies
// under a breaking story, writes one comment every 20 to 30 seconds, and
// a burst of 5 lets them answer a few replies in a row; a script posting
// a comment a second is held to one in 12 seconds after its first five.
// Shared addresses (a newsroom's office, a mobile carrier's NAT) are why
// the burst is not smaller: a whole office behind one address shares it.
const (
	DefaultRatePosts = 5
	DefaultRatePer   = time.Minute
)

// RateLimit is a site's limit on posting comments: Posts comments at once
// and Posts per Per after that, for each reader and each client address
// (token buckets). The zero value is the default, 5 per minute. Off lets
// everything through, the same text twice too (no duplicate check), for a
// trusted load test. Staff, moderators and admins are never limited.
type RateLimit struct {
	Off   bool          `json:"off,omitempty"`
	Posts int           `json:"posts,omitempty"`
	Per   time.Duration `json:"per,omitempty"`
}

// Rate returns the burst and the period of the limit, the defaults when
// none was set.
func (l RateLimit) Rate() (posts int, per time.Duration) {
	if l.Posts == 0 {
		return DefaultRatePosts, DefaultRatePer
	}
	return l.Posts, l.Per
}

// String writes the limit as ParseRateLimit reads it: "5/1m0s" or "off".
func (l RateLimit) String() string {
	if l.Off {
		return "off"
	}
	n, per := l.Rate()
	return strconv.Itoa(n) + "/" + per.String()
}

// Validate returns EINVALID unless the limit can be stored: at most a
// million posts over a second to a day, so that the bucket's refill
// (Per/Posts) never rounds to nothing.
func (l RateLimit) Validate() error {
	if l.Posts == 0 && l.Per == 0 {
		return nil
	}
	if l.Posts < 1 || l.Posts > 1_000_000 || l.Per < time.Second || l.Per > 24*time.Hour {
		return Errorf(EINVALID, "A rate limit is 1 to 1000000 comments per 1s to 24h, such as 5/1m, or off.").Keyed("rateLimit")
	}
	return nil
}

// ParseRateLimit reads "N/DURATION" (such as 5/1m: five comments, then one
// more every 12 seconds) or "off". A DURATION without a number ("5/m")
// reads as one of its unit.
func ParseRateLimit(s string) (RateLimit, error) {
	if s == "off" {
		return RateLimit{Off: true}, nil
	}
	n, per, ok := strings.Cut(s, "/")
	posts, err := strconv.Atoi(n)
	if !ok || err != nil {
		return RateLimit{}, Errorf(EINVALID, "A rate limit is N/DURATION, such as 5/1m, or off; not %q.", s).Keyed("rateLimit")
	}
	if per != "" && strings.IndexAny(per[:1], "0123456789") < 0 {
		per = "1" + per
	}
	d, err := time.ParseDuration(per)
	if err != nil {
		return RateLimit{}, Errorf(EINVALID, "A rate limit is N/DURATION, such as 5/1m, or off; not %q.", s).Keyed("rateLimit")
	}
	l := RateLimit{Posts: posts, Per: d}
	if err := l.Validate(); err != nil {
		return RateLimit{}, err
	}
	return l, nil
}

// Set lets a RateLimit be a flag.Value.
func (l *RateLimit) Set(s string) error {
	v, err := ParseRateLimit(s)
	if err != nil {
		return fmt.Errorf("%s", ErrorMessage(err))
	}
	*l = v
	return nil
}

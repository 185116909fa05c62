package moderation

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Buckets keeps a token bucket per key, in memory, per instance: a limit,
// not a record (design §2), so that a restart forgets it and several
// instances each allow their own share. Each call names the rate, so that
// one Buckets serves keys of different rates (one site's limit and
// another's), and a bucket whose rate changed follows the new one.
//
// The map is bounded: when it is full, the buckets that have refilled
// (whose keys would be allowed anyway) are forgotten, and if that frees
// nothing it starts over, so that a flood of distinct keys costs at most
// max buckets of memory. Create it with NewBuckets.
type Buckets[K comparable] struct {
	mu      sync.Mutex
	max     int
	buckets map[K]*rate.Limiter
}

// NewBuckets remembers at most max keys.
func NewBuckets[K comparable](max int) *Buckets[K] {
	return &Buckets[K]{max: max, buckets: map[K]*rate.Limiter{}}
}

// Take takes one token at now from the bucket of every key, each holding
// burst tokens and gaining one every every, or from none of them: it
// returns 0 when every bucket had one, else the longest wait until all
// will, and then charges none, so that a refusal by one bucket (the
// address's) does not use up another (the reader's).
func (b *Buckets[K]) Take(now time.Time, burst int, every time.Duration, keys ...K) time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	limit := rate.Every(every)
	var wait time.Duration
	res := make([]*rate.Reservation, 0, 2)
	for _, k := range keys {
		r := b.bucket(k, now, limit, burst).ReserveN(now, 1)
		res = append(res, r)
		wait = max(wait, r.DelayFrom(now))
	}
	if wait > 0 {
		for _, r := range res {
			r.CancelAt(now)
		}
	}
	return wait
}

// bucket returns key's bucket at the rate asked for, making one if there
// is none. A bucket of another rate is made anew, full: a publisher who
// raised a limit for readers stuck behind it helps them at once, and one
// who lowered it grants one last burst, which a rare setting change can
// afford.
func (b *Buckets[K]) bucket(key K, now time.Time, limit rate.Limit, burst int) *rate.Limiter {
	l, ok := b.buckets[key]
	if ok && l.Limit() == limit && l.Burst() == burst {
		return l
	}
	if !ok && len(b.buckets) >= b.max {
		b.forget(now)
	}
	l = rate.NewLimiter(limit, burst)
	b.buckets[key] = l
	return l
}

// forget drops the buckets that are full again, or all when none is.
func (b *Buckets[K]) forget(now time.Time) {
	for k, l := range b.buckets {
		if l.TokensAt(now) >= float64(l.Burst()) {
			delete(b.buckets, k)
		}
	}
	if len(b.buckets) >= b.max {
		clear(b.buckets)
	}
}

// Len returns how many keys have a bucket.
func (b *Buckets[K]) Len() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.buckets)
}

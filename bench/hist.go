package main

import (
	"math"
	"math/bits"
	"time"
)

// The histogram keeps latencies in microseconds in log-linear buckets: exact
// below 64 µs, then 32 buckets per power of two, so any percentile is within
// about 3 % of the true value while each worker records without locks or
// allocation. Values above maxShift octaves are clamped.
const (
	subBits  = 5
	subCount = 1 << subBits // buckets per octave
	maxShift = 40
	nBuckets = (maxShift + 2) * subCount
)

type histogram struct {
	counts [nBuckets]uint64
	n      uint64
	sum    time.Duration
	min    time.Duration
	max    time.Duration
}

// bucketOf maps a value in microseconds to its bucket index.
func bucketOf(us uint64) int {
	if us < 2*subCount {
		return int(us)
	}
	shift := bits.Len64(us) - (subBits + 1)
	if shift > maxShift {
		return nBuckets - 1
	}
	return (shift+1)*subCount + int(us>>shift) - subCount
}

// bucketRange returns the smallest and largest microsecond value of a bucket.
func bucketRange(idx int) (lo, hi uint64) {
	if idx < 2*subCount {
		return uint64(idx), uint64(idx)
	}
	shift := idx/subCount - 1
	m := uint64(idx%subCount + subCount)
	return m << shift, (m+1)<<shift - 1
}

// Record adds one observation.
func (h *histogram) Record(d time.Duration) {
	if d < 0 {
		d = 0
	}
	h.counts[bucketOf(uint64(d/time.Microsecond))]++
	if h.n == 0 || d < h.min {
		h.min = d
	}
	if d > h.max {
		h.max = d
	}
	h.n++
	h.sum += d
}

// Merge adds all observations of o to h.
func (h *histogram) Merge(o *histogram) {
	if o.n == 0 {
		return
	}
	for i, c := range o.counts {
		h.counts[i] += c
	}
	if h.n == 0 || o.min < h.min {
		h.min = o.min
	}
	if o.max > h.max {
		h.max = o.max
	}
	h.n += o.n
	h.sum += o.sum
}

// Count returns the number of observations.
func (h *histogram) Count() uint64 { return h.n }

// Percentile returns the q-quantile (0 < q <= 1) using the nearest-rank
// method: the midpoint of the bucket holding the ceil(q*n)-th smallest value,
// clamped to the observed min and max. It returns 0 for an empty histogram.
func (h *histogram) Percentile(q float64) time.Duration {
	if h.n == 0 {
		return 0
	}
	rank := uint64(math.Ceil(q * float64(h.n)))
	rank = max(1, min(rank, h.n))
	var seen uint64
	for i, c := range h.counts {
		seen += c
		if seen >= rank {
			lo, hi := bucketRange(i)
			d := time.Duration((lo+hi)/2) * time.Microsecond
			return max(h.min, min(d, h.max))
		}
	}
	return h.max
}

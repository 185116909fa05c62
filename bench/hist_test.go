package main

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

func TestBucketRange(t *testing.T) {
	for _, v := range []uint64{0, 1, 63, 64, 65, 127, 128, 1000, 12345, 999_999, 60_000_000, 1 << 40} {
		lo, hi := bucketRange(bucketOf(v))
		if v < lo || v > hi {
			t.Errorf("value %d lands in bucket [%d, %d]", v, lo, hi)
		}
		if width := hi - lo; float64(width) > float64(v)/subCount {
			t.Errorf("bucket of %d is %d wide, want at most %d", v, width, v/subCount)
		}
	}
	for i := 1; i < nBuckets; i++ {
		_, prevHi := bucketRange(i - 1)
		if lo, _ := bucketRange(i); lo != prevHi+1 {
			t.Fatalf("bucket %d starts at %d, want %d (previous ends at %d)", i, lo, prevHi+1, prevHi)
		}
	}
}

func TestPercentileExact(t *testing.T) {
	var h histogram
	if got := h.Percentile(0.5); got != 0 {
		t.Errorf("empty Percentile(0.5) = %v, want 0", got)
	}
	for i := 60; i >= 1; i-- { // order must not matter
		h.Record(time.Duration(i) * time.Microsecond)
	}
	for q, want := range map[float64]time.Duration{0.5: 30 * time.Microsecond, 0.99: 60 * time.Microsecond,
		0.01: time.Microsecond, 1: 60 * time.Microsecond} {
		if got := h.Percentile(q); got != want {
			t.Errorf("Percentile(%v) = %v, want %v", q, got, want)
		}
	}
}

// TestPercentileAccuracy compares with an exact nearest-rank percentile of
// sorted samples spread log-uniformly from 10 µs to 1 s, over merged histograms.
func TestPercentileAccuracy(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var parts [4]histogram
	samples := make([]time.Duration, 20000)
	for i := range samples {
		us := math.Exp(math.Log(10) + rng.Float64()*(math.Log(1e6)-math.Log(10)))
		samples[i] = time.Duration(us) * time.Microsecond
		parts[i%4].Record(samples[i])
	}
	var h histogram
	for i := range parts {
		h.Merge(&parts[i])
	}
	if h.Count() != uint64(len(samples)) {
		t.Fatalf("merged count %d, want %d", h.Count(), len(samples))
	}
	slices.Sort(samples)
	for _, q := range []float64{0.5, 0.9, 0.99, 0.999} {
		want := samples[int(math.Ceil(q*float64(len(samples))))-1]
		got := h.Percentile(q)
		if rel := math.Abs(float64(got-want)) / float64(want); rel > 1.0/subCount {
			t.Errorf("Percentile(%v) = %v, exact %v (error %.1f%%)", q, got, want, rel*100)
		}
	}
}

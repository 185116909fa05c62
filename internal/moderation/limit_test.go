package moderation

import (
	"testing"
	"time"
)

// TestBucketsAllOrNone: a key passes burst times and then waits every; a
// call with two keys passes only when both have a token, and a refusal by
// one charges neither.
func TestBucketsAllOrNone(t *testing.T) {
	const burst, every = 3, 10 * time.Second
	b := NewBuckets[string](100)
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	for i := range burst {
		if w := b.Take(now, burst, every, "address"); w != 0 {
			t.Fatalf("take %d waits %v", i+1, w)
		}
	}
	if w := b.Take(now, burst, every, "reader", "address"); w != every {
		t.Fatalf("reader behind a spent address waits %v, want %v", w, every)
	}
	for i := range burst {
		if w := b.Take(now, burst, every, "reader", "other address"); w != 0 {
			t.Fatalf("the reader's take %d from another address waits %v: the refusal charged them", i+1, w)
		}
	}
	if w := b.Take(now, burst, every, "reader", "third address"); w != every {
		t.Errorf("the reader past their burst waits %v, want %v", w, every)
	}
	if w := b.Take(now.Add(every), burst, every, "address"); w != 0 {
		t.Errorf("after every the address waits %v", w)
	}
}

// TestBucketsFollowRate: a bucket whose rate changed (a site's new limit)
// follows the new one at once.
func TestBucketsFollowRate(t *testing.T) {
	b := NewBuckets[string](100)
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	b.Take(now, 1, time.Hour, "k")
	if w := b.Take(now, 1, time.Hour, "k"); w != time.Hour {
		t.Fatalf("second take waits %v, want 1h", w)
	}
	if w := b.Take(now.Add(time.Second), 10, time.Second, "k"); w != 0 {
		t.Errorf("after the rate rose to 10, one a second,, a take a second later waits %v", w)
	}
}

// TestBucketsBounded: a flood of distinct keys never holds more than max
// buckets, and a full map forgets the refilled buckets before the one
// still waiting.
func TestBucketsBounded(t *testing.T) {
	b := NewBuckets[int](4)
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	for i := range 100 {
		b.Take(now, 1, time.Minute, i)
		if n := b.Len(); n > 4 {
			t.Fatalf("%d buckets after %d keys, want at most 4", n, i+1)
		}
	}
	b = NewBuckets[int](2)
	b.Take(now.Add(-time.Hour), 1, time.Minute, 1) // refilled by now
	b.Take(now, 1, time.Minute, 2)
	b.Take(now, 1, time.Minute, 3)
	if n := b.Len(); n != 2 {
		t.Errorf("%d buckets, want 2", n)
	}
	if w := b.Take(now, 1, time.Minute, 2); w == 0 {
		t.Errorf("the waiting key was forgotten")
	}
}

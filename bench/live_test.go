package main

import (
	"bufio"
	"slices"
	"strings"
	"testing"
)

func TestLiveStoriesSpreadReaders(t *testing.T) {
	st := liveStories("hot", []string{"a", "b", "c"}, 10, 4)
	got := []int{st[0].readers, st[1].readers, st[2].readers, st[3].readers}
	if want := []int{4, 2, 2, 2}; !slices.Equal(got, want) {
		t.Errorf("readers per story %v, want %v", got, want)
	}
}

// TestLiveReaderCountsProbes reads a stream with two probes, a repeated one
// and an unrelated event: two arrivals, one out of order, the last ID kept.
func TestLiveReaderCountsProbes(t *testing.T) {
	b := new(liveBoard)
	_, p0 := b.add(1)
	_, p1 := b.add(1)
	stream := "retry: 3000\n\n" +
		"id: 7\nevent: created\ndata: {\"comment\":{\"html\":\"<p>Probe lvprobe0x of</p>\"}}\n\n" +
		": ping\n\n" +
		"id: 8\nevent: reaction\ndata: {\"x\":\"lvprobe1x\"}\n\n" +
		"id: 9\nevent: created\ndata: {\"comment\":{\"html\":\"<p>Probe lvprobe1x of</p>\"}}\n\n" +
		"id: 10\nevent: created\ndata: {\"comment\":{\"html\":\"<p>Probe lvprobe0x of</p>\"}}\n\n"
	lr := &liveReader{board: b, seen: -1}
	lr.read(bufio.NewReader(strings.NewReader(stream)))
	if p0.left.Load() != 0 || p1.left.Load() != 0 {
		t.Errorf("left %d and %d, want both probes arrived", p0.left.Load(), p1.left.Load())
	}
	if n := b.lat.Count(); n != 2 {
		t.Errorf("%d arrivals timed, want 2", n)
	}
	if d := b.disorder.Load(); d != 1 {
		t.Errorf("%d out of order, want 1", d)
	}
	if lr.last != "10" {
		t.Errorf("last event ID %q, want 10", lr.last)
	}
}

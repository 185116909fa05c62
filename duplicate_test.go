package parley

import (
	"testing"
	"time"
)

// TestIDFloor: IDs made at t or later sort at or after IDFloor(t), those
// made a millisecond earlier before it.
func TestIDFloor(t *testing.T) {
	at := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	floor := IDFloor(at)
	for range 100 {
		if id := NewID(at); id < floor {
			t.Fatalf("NewID(t) = %s sorts before IDFloor(t) = %s", id, floor)
		}
		if id := NewID(at.Add(-time.Millisecond)); id >= floor {
			t.Fatalf("NewID(t-1ms) = %s sorts at or after IDFloor(t) = %s", id, floor)
		}
	}
}

package config

import (
	"io"
	"testing"
	"time"
)

// TestDrainDelay: 5s by default, PARLEY_DRAIN_DELAY sets it, the flag
// wins, 0 is allowed, and a negative or malformed delay is refused.
func TestDrainDelay(t *testing.T) {
	none := func(string) string { return "" }
	for _, tc := range []struct {
		args []string
		env  string
		want time.Duration
	}{
		{nil, "", DefaultDrainDelay},
		{nil, "30s", 30 * time.Second},
		{[]string{"--drain-delay", "0"}, "30s", 0},
	} {
		env := func(k string) string {
			if k == "PARLEY_DRAIN_DELAY" {
				return tc.env
			}
			return ""
		}
		c, err := ParseServe(tc.args, env, io.Discard)
		if err != nil || c.DrainDelay != tc.want {
			t.Errorf("ParseServe(%q, PARLEY_DRAIN_DELAY=%q) = %v, %v; want %v", tc.args, tc.env, c.DrainDelay, err, tc.want)
		}
	}
	for _, args := range [][]string{{"--drain-delay", "-1s"}, {"--drain-delay", "soon"}} {
		if _, err := ParseServe(args, none, io.Discard); err == nil {
			t.Errorf("ParseServe(%q) accepted", args)
		}
	}
	if _, err := ParseServe(nil, func(k string) string { return map[string]string{"PARLEY_DRAIN_DELAY": "soon"}[k] }, io.Discard); err == nil {
		t.Errorf("PARLEY_DRAIN_DELAY=soon accepted")
	}
}

package main

import (
	"testing"
	"time"

	"parley"
)

// TestSiteRateLimitFlag: --rate-limit is stored by create and update, an
// update without it keeps it, off round-trips, and a bad value changes
// nothing.
func TestSiteRateLimitFlag(t *testing.T) {
	cli := newSiteCLI(t)
	limit := func() parley.RateLimit { return cli.site("news").RateLimit }
	if err := cli.run("site", "create", "--id", "news"); err != nil {
		t.Fatal(err)
	}
	if got := limit(); got.String() != "5/1m0s" {
		t.Errorf("default = %v, want 5/1m0s", got)
	}
	if err := cli.run("site", "create", "--id", "load", "--rate-limit", "off"); err != nil {
		t.Fatal(err)
	}
	if got := cli.site("load").RateLimit; !got.Off {
		t.Errorf("created with --rate-limit off: %+v", got)
	}
	steps := []struct {
		args []string
		want parley.RateLimit
	}{
		{[]string{"--rate-limit", "20/10m"}, parley.RateLimit{Posts: 20, Per: 10 * time.Minute}},
		{[]string{"--name", "News"}, parley.RateLimit{Posts: 20, Per: 10 * time.Minute}},
		{[]string{"--rate-limit", "off"}, parley.RateLimit{Off: true}},
		{[]string{"--rate-limit", "3/m"}, parley.RateLimit{Posts: 3, Per: time.Minute}},
	}
	for _, st := range steps {
		if err := cli.run(append([]string{"site", "update", "--id", "news"}, st.args...)...); err != nil {
			t.Fatalf("site update %v: %v", st.args, err)
		}
		if got := limit(); got != st.want {
			t.Errorf("after %v: %+v, want %+v", st.args, got, st.want)
		}
	}
	for _, bad := range []string{"5", "0/1m", "5/1ms", "many/1m", ""} {
		if err := cli.run("site", "update", "--id", "news", "--rate-limit", bad); err == nil {
			t.Errorf("site update --rate-limit %q succeeded", bad)
		}
	}
	if got := limit(); got != (parley.RateLimit{Posts: 3, Per: time.Minute}) {
		t.Errorf("after refused updates: %+v", got)
	}
}

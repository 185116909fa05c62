package main

import (
	"bytes"
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestPipelineWrites: with -moderated-site, the run measures both sites'
// writes and gives the ratio its verdict; without it, the check skips.
func TestPipelineWrites(t *testing.T) {
	fake := newFakeParley()
	srv := httptest.NewServer(fake.handler())
	defer srv.Close()
	cfg := config{Addr: srv.URL, Site: "demo", ModeratedSite: "moderated", Duration: 80 * time.Millisecond, Writers: 2, Readers: 2,
		Seeders: 2, Small: 10, Large: 20, Reuse: true, SeedTimeout: 10 * time.Second}
	var out, log bytes.Buffer
	if err := run(context.Background(), cfg, &out, &log); err != nil {
		t.Fatalf("run: %v\n%s", err, log.String())
	}
	for _, want := range []string{"| writes, 2 posters, pipeline off (demo) |", "| writes, 2 posters, pipeline on (moderated) |",
		"writes/s with the moderation pipeline on vs off, same run: "} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if c := pipelineWritesCheck(&results{}); c.Result != "SKIP" {
		t.Errorf("check without the scenarios = %+v, want SKIP", c)
	}
	r := &results{Scenarios: []scenario{{Kind: "pipeline-off-writes", Rate: 1000}, {Kind: "pipeline-on-writes", Rate: 850}}}
	if c := pipelineWritesCheck(r); c.Result != "MISS" || !strings.HasPrefix(c.Value, "0.85") {
		t.Errorf("check at 0.85 = %+v, want MISS", c)
	}
}

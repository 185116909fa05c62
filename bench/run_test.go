package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestRunAgainstFake runs the whole benchmark briefly against the fake
// Parley, then again with -reuse to check that seeding is skipped.
func TestRunAgainstFake(t *testing.T) {
	fake := newFakeParley()
	srv := httptest.NewServer(fake.handler())
	defer srv.Close()
	jsonPath := filepath.Join(t.TempDir(), "out.json")
	cfg := config{Addr: srv.URL, Site: "demo", Duration: 80 * time.Millisecond, Writers: 4, Readers: 4,
		Seeders: 4, Small: 30, Large: 90, Reuse: true, JSON: jsonPath, SeedTimeout: 10 * time.Second}
	if err := cfg.validate(); err != nil {
		t.Fatal(err)
	}
	var out, log bytes.Buffer
	if err := run(context.Background(), cfg, &out, &log); err != nil {
		t.Fatalf("run: %v\n%s", err, log.String())
	}
	for _, want := range []string{"| writes, 4 posters |", "| writes, 4 posters, durable-append baseline |", "| page 1, 30 story, parley |", "| page 1, 90 story, baseline |",
		"cached read ratio vs baseline, 90 story", "page 1 of the 30 story as served",
		"| page 1, 30 story, c1, parley |", "| counts, 20 stories, baseline |", "first screen (page 1, 30 story) vs baseline, c1",
		"counts of 20 stories vs baseline, c4"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if !regexp.MustCompile(`(?m)^- (PASS|MISS) acknowledged writes/s: [0-9,]+; the durable-append baseline of the same run: [0-9,]+, so [0-9.]+ of it `).MatchString(out.String()) {
		t.Errorf("output lacks a verdict on writes/s:\n%s", out.String())
	}
	total, replies, deepest := fake.stats("bench-90")
	if total != 90 || replies < 15 || replies > 45 || deepest > maxDepth {
		t.Errorf("large story: %d comments, %d replies, depth %d; want 90, about a third, <= %d", total, replies, deepest, maxDepth)
	}
	checkJSON(t, jsonPath)

	cfg.SkipWrites, cfg.JSON = true, ""
	out.Reset()
	if err := run(context.Background(), cfg, &out, &log); err != nil {
		t.Fatalf("second run: %v", err)
	}
	if total, _, _ := fake.stats("bench-90"); total != 90 {
		t.Errorf("reused story has %d comments after the second run, want 90 (no reseeding)", total)
	}
	if !strings.Contains(out.String(), "SKIP acknowledged writes/s") {
		t.Errorf("second run does not skip writes:\n%s", out.String())
	}
}

// checkJSON checks the results file of the fake run: both pages, all rows
// and checks, and a measured read ratio.
func checkJSON(t *testing.T, path string) {
	t.Helper()
	var r results
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatal(err)
	}
	if len(r.Pages) != 2 || r.Pages[1].ETag != `"90"` || r.Pages[1].CommentCount != 90 {
		t.Errorf("JSON pages = %+v, want the large story's ETag and count", r.Pages)
	}
	if len(r.Scenarios) != 10 || len(r.Checks) != 9 || r.Scenarios[1].Kind != "write-baseline" || r.Scenarios[2].OK == 0 || r.Scenarios[2].Ratio == 0 {
		t.Errorf("JSON has %d scenarios, %d checks, baseline %+v, reads %+v", len(r.Scenarios), len(r.Checks), r.Scenarios[1], r.Scenarios[2])
	}
}

func TestValidateLoopbackOnly(t *testing.T) {
	base := config{Duration: time.Second, Writers: 1, Readers: 1, Seeders: 1, Small: 1, Large: 2, SeedTimeout: time.Second}
	for addr, ok := range map[string]bool{"http://127.0.0.1:8080": true, "http://localhost:1": true, "http://[::1]:80": true,
		"http://10.0.0.1:8080": false, "http://example.org": false, "127.0.0.1:8080": false} {
		c := base
		c.Addr = addr
		if err := c.validate(); (err == nil) != ok {
			t.Errorf("validate(%q) = %v, want ok=%v", addr, err, ok)
		}
	}
}

// TestRunSignedInAndCompared runs the bench with the site's SSO secret and
// a second server: signed-in posters write with sessions the fake issued,
// both write loops and the compared server's reads are reported, and
// their ratios are judged.
func TestRunSignedInAndCompared(t *testing.T) {
	fake, other := newFakeParley(), newFakeParley()
	srv, otherSrv := httptest.NewServer(fake.handler()), httptest.NewServer(other.handler())
	defer srv.Close()
	defer otherSrv.Close()
	secret := filepath.Join(t.TempDir(), "sso.secret")
	if err := os.WriteFile(secret, []byte(fakeSSOSecret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := config{Addr: srv.URL, Compare: otherSrv.URL, Site: "demo", Duration: 80 * time.Millisecond, Writers: 4, Readers: 4,
		Seeders: 4, Small: 30, Large: 90, SeedTimeout: 10 * time.Second, SSOSecretFile: secret, SSOKID: "bench",
		PID: os.Getpid(), ComparePID: os.Getpid()} // both fakes serve from this process
	if err := cfg.validate(); err != nil {
		t.Fatal(err)
	}
	var out, log bytes.Buffer
	if err := run(context.Background(), cfg, &out, &log); err != nil {
		t.Fatalf("run: %v\n%s", err, log.String())
	}
	for _, want := range []string{"| writes, 4 posters |", "| writes, 4 signed-in posters (SSO sessions) |",
		"| page 1, 30 story, compared server |", "| page 1, 90 story, compared server |"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	// The server CPU note needs a clock tick (10 ms) of CPU in each loop,
	// which these short runs may not reach: TestOnServer checks it.
	cpu := `[0-9,]+ [a-z/]+(; server CPU [0-9.]+ µs vs [0-9.]+ µs per request, [0-9.]+)?\)`
	for _, want := range []string{`signed-in vs anonymous writes/s, same run: [0-9.]+ \([0-9,]+ vs ` + cpu, `cached read ratio vs the compared server, 30 story: [0-9.]+ \([0-9,]+ vs ` + cpu,
		`cached read ratio vs the compared server, 90 story: [0-9.]+ \([0-9,]+ vs ` + cpu} {
		if !regexp.MustCompile(`(?m)^- (PASS|MISS) ` + want).MatchString(out.String()) {
			t.Errorf("output lacks a verdict matching %q:\n%s", want, out.String())
		}
	}
	if fake.signedPosts == 0 {
		t.Error("no post was made with a session")
	}
	for _, f := range []*fakeParley{fake, other} {
		for _, story := range []string{"30", "90"} {
			n, _ := strconv.Atoi(story)
			if total, _, _ := f.stats(findStory(f, "bench-"+story+"-")); total != n {
				t.Errorf("story of %s comments has %d on one of the servers", story, total)
			}
		}
	}

	cfg.SSOSecretFile = filepath.Join(t.TempDir(), "wrong.secret")
	os.WriteFile(cfg.SSOSecretFile, []byte(strings.Repeat("w", 40)), 0o600)
	if err := run(context.Background(), cfg, io.Discard, io.Discard); err == nil || !strings.Contains(err.Error(), "sso exchange") {
		t.Errorf("run with the wrong secret: %v, want the exchange's refusal", err)
	}
}

// findStory returns the ID of the fake's story that starts with prefix.
func findStory(f *fakeParley, prefix string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	for id := range f.stories {
		if strings.HasPrefix(id, prefix) {
			return id
		}
	}
	return ""
}

func TestValidateCompare(t *testing.T) {
	base := config{Addr: "http://127.0.0.1:8080", Duration: time.Second, Writers: 1, Readers: 1, Seeders: 1, Small: 1, Large: 2, SeedTimeout: time.Second}
	for addr, ok := range map[string]bool{"": true, "http://127.0.0.1:8081": true, "http://127.0.0.1:8080": false, "http://10.0.0.1:8081": false, "127.0.0.1:8081": false} {
		c := base
		c.Compare = addr
		if err := c.validate(); (err == nil) != ok {
			t.Errorf("validate with -compare %q = %v, want ok=%v", addr, err, ok)
		}
	}
}

// TestOnServer: the CPU time of the server's process during a loop is
// recorded, and a row with it compares with another as cpuNote says.
func TestOnServer(t *testing.T) {
	pid := os.Getpid()
	if _, err := readProcCPU(pid); err != nil {
		t.Fatal(err)
	}
	st := onServer(pid, func() loopStats {
		// The baseline is read inside the loop, after onServer read its own:
		// a tick between two readings outside would end the loop at once.
		start, _ := readProcCPU(pid)
		n := 0
		for now, _ := readProcCPU(pid); now == start; now, _ = readProcCPU(pid) {
			n++ // burn CPU until the process's time moves by a tick
		}
		return loopStats{OK: uint64(n), Latency: new(histogram)}
	})
	if st.CPU <= 0 {
		t.Fatalf("CPU during the loop = %v, want > 0", st.CPU)
	}
	if st := onServer(0, func() loopStats { return loopStats{OK: 1} }); st.CPU != 0 {
		t.Errorf("CPU without a PID = %v, want 0", st.CPU)
	}
	a := scenario{CPUPerOp: 210 * time.Microsecond}
	b := scenario{CPUPerOp: 200 * time.Microsecond}
	if got, want := cpuNote(a, b), "; server CPU 210.0 µs vs 200.0 µs per request, 1.05"; got != want {
		t.Errorf("cpuNote = %q, want %q", got, want)
	}
	if got := cpuNote(a, scenario{}); got != "" {
		t.Errorf("cpuNote without a measurement = %q, want none", got)
	}
}

package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"
)

// scenario is one row of the result table.
type scenario struct {
	Name  string `json:"name"`
	Kind  string `json:"kind"`            // "writes", "parley" or "baseline"
	Story string `json:"story,omitempty"` // size label of the story read, or countsLabel
	// Readers is set on a read row measured over other than -readers
	// connections (the c1 rows); find skips those, findAt finds them.
	Readers int           `json:"readers,omitempty"`
	Unit    string        `json:"unit"` // "writes/s" or "req/s"
	Rate    float64       `json:"rate"`
	P50     time.Duration `json:"p50Ns"`
	P99     time.Duration `json:"p99Ns"`
	OK      uint64        `json:"ok"`
	Failed  uint64        `json:"failed"`
	Elapsed time.Duration `json:"elapsedNs"`
	Served  int           `json:"servedBytes,omitempty"` // body as served
	Raw     int           `json:"rawBytes,omitempty"`    // body decoded
	Gzip    bool          `json:"gzip,omitempty"`
	Ratio   float64       `json:"ratioVsBaseline,omitempty"`
	// CPUPerOp is the server's CPU time per successful request, when its
	// PID was given (-pid, -compare-pid).
	CPUPerOp time.Duration `json:"serverCPUPerOpNs,omitempty"`
}

func newScenario(name, kind, unit string, st loopStats) scenario {
	s := scenario{Name: name, Kind: kind, Unit: unit, Rate: st.Rate(), OK: st.OK, Failed: st.Failed, Elapsed: st.Elapsed,
		P50: st.Latency.Percentile(0.50), P99: st.Latency.Percentile(0.99)}
	if st.OK > 0 {
		s.CPUPerOp = st.CPU / time.Duration(st.OK)
	}
	return s
}

// check is one target with its verdict.
type check struct {
	Name   string `json:"name"`
	Value  string `json:"value"`
	Target string `json:"target"`
	Result string `json:"result"` // PASS, MISS or SKIP
}

func verdict(pass bool) string {
	if pass {
		return "PASS"
	}
	return "MISS"
}

// results is everything one run measured; it is also the JSON file's shape.
type results struct {
	Started   time.Time     `json:"started"`
	Addr      string        `json:"addr"`
	Site      string        `json:"site"`
	Duration  string        `json:"duration"`
	Writers   int           `json:"writers"`
	Readers   int           `json:"readers"`
	Seeds     []seedResult  `json:"seeds"`
	Pages     []pageInfo    `json:"pages"`
	Scenarios []scenario    `json:"scenarios"`
	Checks    []check       `json:"checks"`
	Memory    *memoryResult `json:"memory,omitempty"`
	Idle      *idleResult   `json:"idle,omitempty"`
	Live      *liveResult   `json:"live,omitempty"`
	Settle    *settleResult `json:"settle,omitempty"`
}

// pageInfo describes a recorded page 1, for the notes under the table.
type pageInfo struct {
	Story        string `json:"story"`
	CommentCount int    `json:"commentCount"`
	TopLevel     int    `json:"topLevelOnPage"`
	ETag         string `json:"etag,omitempty"`
}

// writeTable prints the markdown table and the checks.
func writeTable(w io.Writer, r *results) {
	fmt.Fprintf(w, "\n| scenario | rate | p50 | p99 | body bytes (gzip / raw) | ratio vs baseline | server CPU / request | non-OK |\n")
	fmt.Fprintf(w, "|---|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, s := range r.Scenarios {
		fmt.Fprintf(w, "| %s | %s %s | %s | %s | %s | %s | %s | %d |\n", s.Name, thousands(s.Rate), s.Unit,
			ms(s.P50), ms(s.P99), bodyCell(s), ratioCell(s.Ratio), cpuCell(s.CPUPerOp), s.Failed)
	}
	fmt.Fprintln(w)
	for _, c := range r.Checks {
		fmt.Fprintf(w, "- %s %s: %s (target %s)\n", c.Result, c.Name, c.Value, c.Target)
	}
	for _, p := range r.Pages {
		fmt.Fprintf(w, "- note: %s has commentCount %d; page 1 holds %d top-level comments\n",
			p.Story, p.CommentCount, p.TopLevel)
	}
}

func bodyCell(s scenario) string {
	if s.Raw == 0 {
		return "–"
	}
	if !s.Gzip {
		return "not gzipped / " + thousands(float64(s.Raw))
	}
	return thousands(float64(s.Served)) + " / " + thousands(float64(s.Raw))
}

func ratioCell(r float64) string {
	if r == 0 {
		return "–"
	}
	return strconv.FormatFloat(r, 'f', 2, 64)
}

func cpuCell(d time.Duration) string {
	if d == 0 {
		return "–"
	}
	return us(d)
}

// us formats a duration in microseconds, one decimal.
func us(d time.Duration) string {
	return strconv.FormatFloat(float64(d)/float64(time.Microsecond), 'f', 1, 64) + " µs"
}

func ms(d time.Duration) string {
	return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 2, 64) + " ms"
}

// thousands formats a non-negative number with no decimals and comma
// grouping, which keeps wide tables readable.
func thousands(v float64) string {
	s := strconv.FormatInt(int64(v+0.5), 10)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// writeJSON stores the results in path.
func writeJSON(path string, r *results) error {
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return fmt.Errorf("encode results: %w", err)
	}
	if err := os.WriteFile(path, append(data, '\n'), 0o644); err != nil {
		return fmt.Errorf("write results: %w", err)
	}
	return nil
}

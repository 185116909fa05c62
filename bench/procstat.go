package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The memory and idle scenarios look at the server from outside, as an
// operator would: resident memory and CPU time from /proc/PID, and the
// live heap from the runtime's own GC trace (GODEBUG=gctrace=1 on the
// server, its stderr in a file). Nothing in the server exists for them.

// procMemory is one reading of /proc/PID/status, in bytes.
type procMemory struct {
	RSS, HWM int64
}

// readProcMemory reads VmRSS and VmHWM (peak RSS since start) of pid.
func readProcMemory(pid int) (procMemory, error) {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return procMemory{}, fmt.Errorf("read status of %d: %w", pid, err)
	}
	var m procMemory
	sc := bufio.NewScanner(bytes.NewReader(raw))
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		f := strings.Fields(v) // "123456 kB"
		if len(f) != 2 || f[1] != "kB" {
			continue
		}
		n, _ := strconv.ParseInt(f[0], 10, 64)
		switch k {
		case "VmRSS":
			m.RSS = n << 10
		case "VmHWM":
			m.HWM = n << 10
		}
	}
	return m, nil
}

// clockTicks is USER_HZ, the unit of utime and stime; 100 on every Linux
// Parley runs on.
const clockTicks = 100

// readProcCPU returns the CPU time pid has used, user plus system, from
// fields 14 and 15 of /proc/PID/stat.
func readProcCPU(pid int) (time.Duration, error) {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, fmt.Errorf("read stat of %d: %w", pid, err)
	}
	// The command name (field 2) may hold spaces; fields after it follow
	// the last ')'.
	i := bytes.LastIndexByte(raw, ')')
	if i < 0 {
		return 0, fmt.Errorf("stat of %d: no command name", pid)
	}
	f := strings.Fields(string(raw[i+1:])) // f[0] is field 3 (state)
	if len(f) < 13 {
		return 0, fmt.Errorf("stat of %d: %d fields", pid, len(f))
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("stat of %d: bad utime/stime %q %q", pid, f[11], f[12])
	}
	return time.Duration(utime+stime) * time.Second / clockTicks, nil
}

// rssSampler records the highest VmRSS of a process while it runs.
type rssSampler struct {
	pid  int
	stop chan struct{}
	wg   sync.WaitGroup
	peak int64
	err  error
}

// sampleRSS reads pid's RSS every interval until Stop.
func sampleRSS(ctx context.Context, pid int, interval time.Duration) *rssSampler {
	s := &rssSampler{pid: pid, stop: make(chan struct{})}
	s.wg.Go(func() {
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			m, err := readProcMemory(pid)
			if err != nil {
				s.err = err
				return
			}
			s.peak = max(s.peak, m.RSS)
			select {
			case <-ctx.Done():
				return
			case <-s.stop:
				return
			case <-t.C:
			}
		}
	})
	return s
}

// Stop ends sampling and returns the peak RSS seen.
func (s *rssSampler) Stop() (int64, error) {
	close(s.stop)
	s.wg.Wait()
	return s.peak, s.err
}

// gcLine matches the heap sizes of a gctrace line: "A->B->C MB", where C
// is the heap the collection found live.
var gcLine = regexp.MustCompile(`^gc \d+ .* (\d+)->(\d+)->(\d+) MB`)

// gcTrace follows the live heap reported in a server's GC trace file.
type gcTrace struct {
	path   string
	offset int64
}

// openGCTrace starts following path from its current end.
func openGCTrace(path string) (*gcTrace, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("gc trace: %w", err)
	}
	return &gcTrace{path: path, offset: fi.Size()}, nil
}

// maxLive returns the largest live heap (bytes, MB resolution) and the
// number of collections traced since the trace was opened.
func (g *gcTrace) maxLive() (live int64, gcs int, err error) {
	f, err := os.Open(g.path)
	if err != nil {
		return 0, 0, fmt.Errorf("gc trace: %w", err)
	}
	defer f.Close()
	if _, err := f.Seek(g.offset, 0); err != nil {
		return 0, 0, fmt.Errorf("gc trace: %w", err)
	}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		m := gcLine.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		mb, _ := strconv.ParseInt(m[3], 10, 64)
		live, gcs = max(live, mb<<20), gcs+1
	}
	return live, gcs, sc.Err()
}

// mib formats bytes as MiB with one decimal.
func mib(n int64) string { return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MiB" }

// quietShare is the share of one core below which the server counts as
// idle, read over quietWindow (/proc's CPU times tick every 10 ms).
const (
	quietShare  = 0.1
	quietWindow = 500 * time.Millisecond
)

// waitQuiet waits until pid uses less than quietShare of a core over one
// quietWindow, or until limit has passed, and says how long that took.
//
// Why: seeding leaves work behind on the server (the follower derives the
// events of every seeded comment, SQLite checkpoints its WAL), and a read
// loop started at once shares the cores with it. Measured with 20,000
// seeded comments, the first read loop's CPU per request came to 1.26
// times the static server's, the second's to 1.00.
func waitQuiet(ctx context.Context, pid int, limit time.Duration, log io.Writer) error {
	start := time.Now()
	prev, err := readProcCPU(pid)
	if err != nil {
		return err
	}
	for time.Since(start) < limit {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(quietWindow):
		}
		now, err := readProcCPU(pid)
		if err != nil {
			return err
		}
		share := (now - prev).Seconds() / quietWindow.Seconds()
		prev = now
		if share < quietShare {
			fmt.Fprintf(log, "server quiet after %s (%.0f%% of a core)\n", time.Since(start).Round(time.Millisecond), 100*share)
			return nil
		}
	}
	fmt.Fprintf(log, "server still busy after %s; measuring anyway\n", limit)
	return nil
}

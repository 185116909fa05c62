package main

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestProcReadings reads this process's own memory and CPU the way the
// memory and idle scenarios read the server's.
func TestProcReadings(t *testing.T) {
	m, err := readProcMemory(os.Getpid())
	if err != nil {
		t.Skipf("no /proc here: %v", err)
	}
	if m.RSS <= 0 || m.HWM < m.RSS {
		t.Errorf("RSS %d, HWM %d: want 0 < RSS <= HWM", m.RSS, m.HWM)
	}
	cpu0, err := readProcCPU(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	for start := time.Now(); time.Since(start) < 50*time.Millisecond; { // burn some CPU
	}
	cpu1, err := readProcCPU(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if cpu1 < cpu0 {
		t.Errorf("CPU time went back from %v to %v", cpu0, cpu1)
	}
	if _, err := readProcMemory(-1); err == nil {
		t.Error("no error for a process that does not exist")
	}
}

// TestGCTrace follows a trace file from where it was opened and reads the
// largest live heap from the lines written since.
func TestGCTrace(t *testing.T) {
	path := filepath.Join(t.TempDir(), "stderr")
	old := "gc 1 @0.010s 1%: 0.01+0.2+0.01 ms clock, 0.02+0/0.1/0+0.02 ms cpu, 900->900->800 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 2 P\n"
	if err := os.WriteFile(path, []byte(old), 0o644); err != nil {
		t.Fatal(err)
	}
	g, err := openGCTrace(path)
	if err != nil {
		t.Fatal(err)
	}
	f, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString("time=... level=INFO msg=\"parley listening\"\n")
	f.WriteString("gc 2 @1.0s 3%: 0.01+0.2+0.01 ms clock, 0.02+0/0.1/0+0.02 ms cpu, 300->310->87 MB, 435 MB goal, 0 MB stacks, 0 MB globals, 2 P\n")
	f.WriteString("gc 3 @2.0s 3%: 0.01+0.2+0.01 ms clock, 0.02+0/0.1/0+0.02 ms cpu, 250->260->64 MB, 320 MB goal, 0 MB stacks, 0 MB globals, 2 P (forced)\n")
	f.Close()
	live, gcs, err := g.maxLive()
	if err != nil || live != 87<<20 || gcs != 2 {
		t.Errorf("maxLive = %d MiB over %d GCs (%v), want 87 MiB over 2 (the line before opening does not count)", live>>20, gcs, err)
	}
}

// TestWaitQuiet: the wait for a quiet server goes on as soon as it is idle,
// and gives up, saying so, while it stays busy.
func TestWaitQuiet(t *testing.T) {
	pid := os.Getpid()
	var log strings.Builder
	if err := waitQuiet(t.Context(), pid, 5*time.Second, &log); err != nil || !strings.Contains(log.String(), "server quiet after") {
		t.Errorf("idle: %v, log %q; want it quiet", err, log.String())
	}
	stop := make(chan struct{})
	var spinning sync.WaitGroup
	spinning.Go(func() {
		for {
			select {
			case <-stop:
				return
			default:
			}
		}
	})
	log.Reset()
	err := waitQuiet(t.Context(), pid, 1200*time.Millisecond, &log)
	close(stop)
	spinning.Wait()
	if err != nil || !strings.Contains(log.String(), "still busy") {
		t.Errorf("spinning: %v, log %q; want it still busy", err, log.String())
	}
}

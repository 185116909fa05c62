package service_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"parley"
	"parley/internal/markup"
	"parley/internal/realtime"
	"parley/internal/service"
	"parley/internal/store/sqlite"
)

// BenchmarkPostPosters is the bench's moderated write run in process: 16
// posters, each a commenter of its own, post to one story (as bench/ does)
// through the whole pipeline on SQLite, whose group commit then shares
// each fsync among the posts queued together. It reports the process's
// CPU time per post (cpu-µs/op), which moves much less with the machine's
// load than the rate does: the lever for writes/s on a shared machine.
//
//	go test ./internal/service -run '^$' -bench PostPosters -benchtime 5000x
func BenchmarkPostPosters(b *testing.B) {
	path := filepath.Join(b.TempDir(), "parley.db")
	store, err := sqlite.Open(b.Context(), path)
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	svc := service.New(store, markup.New(), realtime.NewBus(), quietLog())
	benchSites(b, svc)
	const posters = 16
	ctxs := make([]func(i int) error, posters)
	for p := range ctxs {
		u := &parley.User{ID: parley.NewID(time.Now()), SiteID: "on", Name: fmt.Sprintf("Leser %d", p), CreatedAt: time.Now()}
		if err := store.CreateUser(b.Context(), u); err != nil {
			b.Fatal(err)
		}
		ctx := parley.WithActor(b.Context(), &parley.Actor{User: u, SiteID: "on", Role: parley.RoleCommenter, Method: parley.MethodToken})
		ctxs[p] = func(i int) error {
			in := service.NewComment{SiteID: "on", StoryID: "story", Body: fmt.Sprintf("%s %d", postersBody, i), Story: service.StoryInfo{Lang: "de"}}
			_, err := svc.Post(ctx, in)
			return err
		}
	}
	before, wrote := cpuTime(b), writtenBytes(b)
	b.ResetTimer()
	var wg sync.WaitGroup
	for p, post := range ctxs {
		wg.Go(func() {
			for i := p; i < b.N; i += posters {
				if err := post(i); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	b.StopTimer()
	b.ReportMetric(float64((cpuTime(b)-before).Microseconds())/float64(b.N), "cpu-µs/op")
	b.ReportMetric(float64(writtenBytes(b)-wrote)/1024/float64(b.N), "written-kB/op")
}

const postersBody = "Leider: Das Thema *Verkehr* ist eine schwierige Frage, und ich sehe das anders. Mehr dazu unter https://example.org/a. " +
	"Außerdem: Das Thema Miete ist eine wichtige Frage, und ich würde mir mehr Details wünschen."

// cpuTime is the CPU time (user and system) the process has used.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// writtenBytes is what the process has passed to write calls (wchar of
// /proc/self/io): on SQLite the WAL frames of its commits and their
// checkpoints, about 4 kB for every page that a commit changed. 0 where
// the file is missing.
func writtenBytes(b *testing.B) int64 {
	data, err := os.ReadFile("/proc/self/io")
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(data)) {
		if v, ok := strings.CutPrefix(line, "wchar: "); ok {
			n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			if err != nil {
				b.Fatal(err)
			}
			return n
		}
	}
	return 0
}

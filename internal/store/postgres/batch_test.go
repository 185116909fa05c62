package postgres

import (
	"context"
	"errors"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"parley"
	"parley/internal/store/postgres/pgtest"
)

// newComment returns an approved top-level comment on st.
func newComment(st *parley.Story, body string) *parley.Comment {
	at := parley.Now()
	c := &parley.Comment{ID: parley.NewID(at), SiteID: st.SiteID, StoryID: st.ID, AuthorID: "bench", AuthorName: "Bench",
		Body: body, HTML: "<p>" + body + "</p>", Status: parley.StatusApproved, CreatedAt: at}
	c.RootID = c.ID
	return c
}

// request returns the batcher's request for c, as CreateComment makes it.
func request(c *parley.Comment) *commentRequest {
	e := parley.Transition("", c.Status, 0)
	args := append(commentArgs(c), 0, e.StoryCount > 0, e.Author.Approved, e.Author.Pending, e.Author.Rejected)
	return &commentRequest{ctx: context.Background(), args: args, done: make(chan commentResult, 1)}
}

// TestBatchOneFails writes a batch in which one comment's story does not
// exist: the pipeline's transaction is rolled back, each comment is
// written again alone, and only that one's caller sees an error.
func TestBatchOneFails(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	st := seedStory(t, s, "batch", 0)
	gone := &parley.Story{SiteID: st.SiteID, ID: "no-such-story"}
	cs := []*parley.Comment{newComment(st, "eins"), newComment(gone, "zwei"), newComment(st, "drei")}
	reqs := make([]*commentRequest, len(cs))
	for i, c := range cs {
		reqs[i] = request(c)
	}
	s.batch.write(reqs)
	for i, r := range reqs {
		res := <-r.done
		err := translate(res.err, "comment")
		switch {
		case i == 1 && parley.ErrorCode(err) != parley.ENOTFOUND:
			t.Errorf("comment on a missing story: %v, want ENOTFOUND", err)
		case i != 1 && (err != nil || res.inserted != 1):
			t.Errorf("comment %d: inserted %d, %v", i, res.inserted, err)
		}
	}
	got, err := s.Story(ctx, st.SiteID, st.ID)
	if err != nil || got.CommentCount != 2 {
		t.Fatalf("Story = %+v, %v; want CommentCount 2", got, err)
	}
	for _, i := range []int{0, 2} {
		if _, err := s.Comment(ctx, cs[i].ID); err != nil {
			t.Errorf("comment %d not stored: %v", i, err)
		}
	}
}

// TestBatchConcurrentPosters has many posters write at once, so that
// their comments share batches: every comment is stored, counted once and
// logged once.
func TestBatchConcurrentPosters(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	st := seedStory(t, s, "posters", 0)
	const posters, each = 16, 25
	var wg sync.WaitGroup
	errs := make(chan error, posters*each)
	for range posters {
		wg.Go(func() {
			for range each {
				errs <- s.CreateComment(ctx, newComment(st, "Ein Kommentar"))
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("CreateComment: %v", err)
		}
	}
	got, err := s.Story(ctx, st.SiteID, st.ID)
	if err != nil || got.CommentCount != posters*each {
		t.Fatalf("Story = %+v, %v; want CommentCount %d", got, err, posters*each)
	}
	var events int
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM events WHERE site_id = $1 AND story_id = $2`, st.SiteID, st.ID).Scan(&events); err != nil || events != posters*each {
		t.Fatalf("events = %d, %v; want %d", events, err, posters*each)
	}
}

// TestBatchClosed refuses comments after Close, as unavailable, and lets
// the ones queued before it commit.
func TestBatchClosed(t *testing.T) {
	s, err := Open(context.Background(), pgtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	st := seedStory(t, s, "closed", 0)
	if err := s.CreateComment(context.Background(), newComment(st, "vorher")); err != nil {
		t.Fatalf("CreateComment: %v", err)
	}
	s.Close()
	err = s.CreateComment(context.Background(), newComment(st, "nachher"))
	if parley.ErrorCode(err) != parley.EUNAVAILABLE {
		t.Fatalf("CreateComment after Close = %v, want EUNAVAILABLE", err)
	}
}

// TestBatchCallerLeft skips a comment whose caller left before its batch.
func TestBatchCallerLeft(t *testing.T) {
	s := mustOpen(t)
	st := seedStory(t, s, "left", 0)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	c := newComment(st, "weg")
	if err := s.CreateComment(ctx, c); !errors.Is(err, context.Canceled) && parley.ErrorCode(err) != parley.EUNAVAILABLE {
		t.Fatalf("CreateComment with a cancelled context = %v", err)
	}
	r := request(c)
	r.ctx = ctx
	s.batch.write(live([]*commentRequest{r}))
	if res := <-r.done; !errors.Is(res.err, context.Canceled) {
		t.Fatalf("skipped request answered %v, want context.Canceled", res.err)
	}
	if _, err := s.Comment(context.Background(), c.ID); parley.ErrorCode(err) != parley.ENOTFOUND {
		t.Fatalf("Comment of a skipped request = %v, want ENOTFOUND", err)
	}
}

// BenchmarkCreateCommentBatched has 16 posters write comments to one
// story through the batcher and, in the same run, one statement each
// (the pool's unit without it), so that the two can be compared as a
// ratio on a loaded machine: go test -bench CreateCommentBatched -count 4.
// Besides the rate it reports the CPU time per comment of this process
// and of the database's backends (from /proc), which the machine's load
// moves less than the rate.
func BenchmarkCreateCommentBatched(b *testing.B) {
	s := mustOpen(b)
	st := seedStory(b, s, "hot", 0)
	body := strings.Repeat("Ein Kommentar zur Sache, ", 12)
	for _, mode := range []struct {
		name string
		unit *unit
	}{{"batched", &s.unit}, {"alone", &unit{db: s.pool}}} {
		b.Run(mode.name, func(b *testing.B) {
			goCPU, pgCPU := cpuTime(b, s)
			b.SetParallelism(max(1, 16/runtime.GOMAXPROCS(0)))
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if err := mode.unit.CreateComment(context.Background(), newComment(st, body)); err != nil {
						b.Error(err)
						return
					}
				}
			})
			goAfter, pgAfter := cpuTime(b, s)
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "comments/s")
			b.ReportMetric(float64((goAfter-goCPU).Microseconds())/float64(b.N), "go-µs/op")
			b.ReportMetric(float64((pgAfter-pgCPU).Microseconds())/float64(b.N), "pg-µs/op")
		})
	}
}

// cpuTime returns the CPU time used so far by this process and by the
// backends serving the store's database (on this machine's PostgreSQL).
func cpuTime(b *testing.B, s *Store) (self, backends time.Duration) {
	b.Helper()
	ctx := context.Background()
	rows, _ := s.pool.Query(ctx, `SELECT pid FROM pg_stat_activity WHERE datname = current_database()`)
	pids, err := pgx.CollectRows(rows, pgx.RowTo[int32])
	if err != nil {
		b.Fatalf("backends: %v", err)
	}
	for _, pid := range pids {
		backends += procCPU(strconv.Itoa(int(pid)))
	}
	return procCPU("self"), backends
}

// procCPU reads utime + stime of /proc/PID/stat (clock ticks of 10 ms);
// 0 for a process that is gone or not on this machine.
func procCPU(pid string) time.Duration {
	stat, err := os.ReadFile("/proc/" + pid + "/stat")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+2:]))
	utime, _ := strconv.Atoi(f[11])
	stime, _ := strconv.Atoi(f[12])
	return time.Duration(utime+stime) * 10 * time.Millisecond
}

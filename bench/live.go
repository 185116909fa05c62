package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// Targets of the live scenario (issue 9): every reader gets every probe in
// order, quickly, and an idle reader costs the server little memory.
const (
	maxLiveP99       = 300 * time.Millisecond
	maxBytesPerIdle  = 32 << 10
	liveOpeners      = 64               // streams being opened at once
	liveSettle       = 5 * time.Second  // idle time before RSS is read
	liveProbeTimeout = 30 * time.Second // how long one probe may take to reach all
)

// liveResult is what the live scenario measured of the server.
type liveResult struct {
	Readers    int           `json:"readers"`
	Stories    int           `json:"stories"` // cold stories, besides the hot one
	HotReaders int           `json:"hotReaders"`
	OpenTime   time.Duration `json:"openNs"`
	RSSNone    int64         `json:"rssNoneBytes"` // before any stream
	RSSIdle    int64         `json:"rssIdleBytes"` // all streams open and idle
	PerReader  int64         `json:"bytesPerIdleReader"`
	IdleCPU    time.Duration `json:"idleCpuNs"` // server CPU over the settle window
	Probes     int           `json:"probes"`
	Deliveries uint64        `json:"deliveries"` // probe arrivals timed
	Want       int64         `json:"want"`       // probe arrivals expected
	P50        time.Duration `json:"p50Ns"`
	P99        time.Duration `json:"p99Ns"`
	Max        time.Duration `json:"maxNs"`
	Lost       int64         `json:"lost"`
	Disorder   int64         `json:"disorder"`
	Reconnects int64         `json:"reconnects"`
	DialFails  int64         `json:"dialFails"`
	ProbeCPU   time.Duration `json:"probeCpuNs"` // server CPU while the probes ran
}

// liveStory is one watched story and the readers on it.
type liveStory struct {
	id      string
	readers int
}

// liveStories spreads n readers: hot of them on one story, the others round
// robin over the cold stories.
func liveStories(hotID string, cold []string, n, hot int) []liveStory {
	out := []liveStory{{id: hotID, readers: min(hot, n)}}
	for _, id := range cold {
		out = append(out, liveStory{id: id})
	}
	for i := range max(0, n-hot) {
		out[1+i%len(cold)].readers++
	}
	return out
}

// measureLive opens the readers, reads the server's RSS before and after,
// and times probe comments from the post to their arrival at every reader
// of their story.
func measureLive(ctx context.Context, cfg config, a *api, stories []liveStory, log io.Writer) (liveResult, error) {
	res := liveResult{Readers: cfg.Readers, Stories: len(stories) - 1, HotReaders: stories[0].readers, Probes: cfg.Probes}
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer wg.Wait()
	defer cancel()
	c := &http.Client{Transport: &http.Transport{DisableCompression: true, MaxIdleConnsPerHost: liveOpeners}}
	defer c.CloseIdleConnections()
	board := new(liveBoard)
	before, err := readProcMemory(cfg.PID)
	if err != nil {
		return res, err
	}
	res.RSSNone = before.RSS
	fmt.Fprintf(log, "live: opening %d streams on %d stories (%d on the hot one); server RSS %s\n",
		cfg.Readers, len(stories), stories[0].readers, mib(before.RSS))
	t0 := time.Now()
	if err := openLive(ctx, c, a, stories, board, &wg); err != nil {
		return res, err
	}
	res.OpenTime = time.Since(t0)
	fmt.Fprintf(log, "live: %d streams open in %v (%d connect retries); idle for %v\n",
		cfg.Readers, res.OpenTime.Round(time.Millisecond), board.dialFails.Load(), liveSettle)
	cpu, err := onServerCPU(cfg.PID, func() { sleepCtx(ctx, liveSettle) })
	if err != nil {
		return res, err
	}
	idle, err := readProcMemory(cfg.PID)
	if err != nil {
		return res, err
	}
	res.IdleCPU, res.RSSIdle = cpu, idle.RSS
	res.PerReader = (idle.RSS - before.RSS) / int64(max(1, cfg.Readers))
	fmt.Fprintf(log, "live: server RSS %s with the streams idle (%d B each); %d probes\n", mib(idle.RSS), res.PerReader, cfg.Probes)
	res.ProbeCPU, err = onServerCPU(cfg.PID, func() { err = probeLive(ctx, a, stories, board, cfg.Probes, &res) })
	if err != nil {
		return res, err
	}
	board.mu.Lock()
	res.Deliveries, res.P50, res.P99, res.Max = board.lat.Count(), board.lat.Percentile(0.5), board.lat.Percentile(0.99), board.lat.Percentile(1)
	board.mu.Unlock()
	res.Disorder, res.Reconnects, res.DialFails = board.disorder.Load(), board.reconnects.Load(), board.dialFails.Load()
	if cfg.Hold > 0 {
		fmt.Fprintf(log, "live: holding the streams open for %v\n", cfg.Hold)
		sleepCtx(ctx, cfg.Hold)
	}
	return res, nil
}

// openLive opens every reader, liveOpeners at a time, each followed by a
// goroutine of its own until ctx ends.
func openLive(ctx context.Context, c *http.Client, a *api, stories []liveStory, board *liveBoard, wg *sync.WaitGroup) error {
	jobs := make(chan string)
	var failed atomic.Value
	var openers sync.WaitGroup
	for range liveOpeners {
		openers.Go(func() {
			for u := range jobs {
				lr := &liveReader{url: u, board: board, seen: -1}
				br, closeFn, err := lr.open(ctx, c)
				if err != nil {
					failed.CompareAndSwap(nil, err)
					continue
				}
				wg.Go(func() { lr.follow(ctx, c, br, closeFn) })
			}
		})
	}
	for _, st := range stories {
		u := a.storyURL(st.id, "events")
		for range st.readers {
			jobs <- u
		}
	}
	close(jobs)
	openers.Wait()
	if err, _ := failed.Load().(error); err != nil {
		return err
	}
	return ctx.Err()
}

// probeLive posts n probes one at a time, a third of them to the hot story
// and the others to a random cold one, and waits for each to reach every
// reader of its story (or liveProbeTimeout: what is missing then is lost).
func probeLive(ctx context.Context, a *api, stories []liveStory, board *liveBoard, n int, res *liveResult) error {
	rng := rand.New(rand.NewPCG(textSeed, 9))
	var token string
	for i := range n {
		st := stories[0]
		if i%3 != 0 && len(stories) > 1 {
			st = stories[1+rng.IntN(len(stories)-1)]
		}
		k, p := board.add(st.readers)
		res.Want += int64(st.readers)
		req := &postRequest{Body: fmt.Sprintf("Probe %s%dx of the live run.", probeMarker, k),
			Author: &postAuthor{Name: "Live Probe"}}
		if status, _, err := a.post(ctx, st.id, req, &token); err != nil || status != http.StatusCreated {
			return fmt.Errorf("probe post to %s: status %d, %v", st.id, status, err)
		}
		select {
		case <-p.done:
		case <-time.After(liveProbeTimeout):
		case <-ctx.Done():
			return ctx.Err()
		}
		res.Lost += p.left.Load()
	}
	return nil
}

// onServerCPU runs fn and returns the CPU time server pid used meanwhile.
func onServerCPU(pid int, fn func()) (time.Duration, error) {
	c0, err := readProcCPU(pid)
	if err != nil {
		return 0, err
	}
	fn()
	c1, err := readProcCPU(pid)
	return c1 - c0, err
}

func sleepCtx(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}

// runLive seeds the stories, runs the live scenario and adds its checks.
func runLive(ctx context.Context, cfg config, a *api, prefix string, r *results, log io.Writer) error {
	hot := cfg.Hot
	if hot < 0 {
		hot = cfg.Readers / 10
	}
	cold := storyIDs(prefix, cfg.Stories)
	hotID := prefix + "hot"
	if err := seedMany(ctx, cfg, a, append([]string{hotID}, cold...), 1, log); err != nil {
		return err
	}
	m, err := measureLive(ctx, cfg, a, liveStories(hotID, cold, cfg.Readers, hot), log)
	r.Live = &m
	if err != nil {
		return err
	}
	r.Checks = append(r.Checks, liveChecks(&m)...)
	return nil
}

// liveChecks turns the live measurements into checks.
func liveChecks(m *liveResult) []check {
	return []check{{
		Name: fmt.Sprintf("post to receipt, %d probes to %d readers (%d on the hot story)", m.Probes, m.Readers, m.HotReaders),
		Value: fmt.Sprintf("p50 %s, p99 %s, max %s over %s arrivals (server CPU %v)",
			ms(m.P50), ms(m.P99), ms(m.Max), thousands(float64(m.Deliveries)), m.ProbeCPU.Round(time.Millisecond)),
		Target: "p99 <= " + ms(maxLiveP99),
		Result: verdict(m.Deliveries > 0 && m.P99 <= maxLiveP99),
	}, {
		Name:   fmt.Sprintf("server memory per idle reader, %d readers", m.Readers),
		Value:  fmt.Sprintf("%s B (RSS %s → %s; idle CPU %v over %v)", thousands(float64(m.PerReader)), mib(m.RSSNone), mib(m.RSSIdle), m.IdleCPU, liveSettle),
		Target: fmt.Sprintf("<= %s B", thousands(maxBytesPerIdle)),
		Result: verdict(m.PerReader <= maxBytesPerIdle),
	}, {
		Name:   "probe arrivals lost or out of order",
		Value:  fmt.Sprintf("%d lost, %d out of order of %s (%d reconnects)", m.Lost, m.Disorder, thousands(float64(m.Want)), m.Reconnects),
		Target: "0",
		Result: verdict(m.Lost == 0 && m.Disorder == 0),
	}}
}

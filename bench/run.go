package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"runtime"
	"time"
)

// textSeed fixes the generated text, so every run posts the same workload.
const textSeed = 20260101

// run performs every measurement of one benchmark run and prints the table.
func run(ctx context.Context, cfg config, stdout, stderr io.Writer) error {
	switch cfg.Scenario {
	case "fleet": // on several servers, none of them -addr
		return runFleet(ctx, cfg, fmt.Sprintf("%08x", rand.Uint32()), stdout, stderr)
	case "import": // no server: the parley command as a child
		return runImport(ctx, cfg, stdout, stderr)
	}
	conns := max(cfg.Readers, cfg.Writers, cfg.Seeders)
	client := &http.Client{Transport: newTransport(conns), Timeout: 30 * time.Second}
	defer client.CloseIdleConnections()
	a := &api{base: cfg.Addr, site: cfg.Site, client: client}
	if err := a.waitReady(ctx, 10*time.Second); err != nil {
		return err
	}
	r := &results{Started: time.Now().UTC(), Addr: cfg.Addr, Site: cfg.Site,
		Duration: cfg.Duration.String(), Writers: cfg.Writers, Readers: cfg.Readers}
	suffix := fmt.Sprintf("%08x", rand.Uint32())
	if cfg.Scenario == "memory" || cfg.Scenario == "idle" || cfg.Scenario == "live" {
		return runScenario(ctx, cfg, a, suffix, r, stdout, stderr)
	}
	for _, pid := range []int{cfg.PID, cfg.ComparePID} {
		if _, err := readProcCPU(pid); pid != 0 && err != nil {
			return fmt.Errorf("server CPU: %w", err)
		}
	}
	if !cfg.SkipWrites {
		var key *ssoKey // signed-in writes too, with the site's secret
		if cfg.SSOSecretFile != "" {
			var err error
			if key, err = loadSSOKey(cfg.SSOSecretFile, cfg.SSOKID); err != nil {
				return err
			}
		}
		if err := measureWrites(ctx, cfg, a, key, suffix, stderr, r); err != nil {
			return err
		}
		if cfg.ModeratedSite != "" {
			if err := measurePipelineWrites(ctx, cfg, a, suffix, stderr, r); err != nil {
				return err
			}
		}
	}
	if cfg.WritesOnly {
		r.Checks = []check{writesCheck(r), sessionWritesCheck(r), pipelineWritesCheck(r)}
		writeTable(stdout, r)
		return ctx.Err()
	}
	stories, err := seedAll(ctx, cfg, a, suffix, stderr, r)
	if err != nil {
		return err
	}
	var other *api
	if cfg.Compare != "" {
		if other, err = comparedServer(ctx, cfg, client, suffix, stderr, r); err != nil {
			return err
		}
	}
	if err := waitServersQuiet(ctx, cfg, stderr); err != nil {
		return err
	}
	for i, story := range stories {
		n := []int{cfg.Small, cfg.Large}[i]
		if err := measurePage1(ctx, cfg, a, other, story, sizeLabel(n), stderr, r); err != nil {
			return err
		}
	}
	if err := measureFirstScreen(ctx, cfg, a, other, stories, suffix, stderr, r); err != nil {
		return err
	}
	r.Checks = evaluate(cfg, r)
	writeTable(stdout, r)
	if cfg.JSON != "" {
		return writeJSON(cfg.JSON, r)
	}
	return ctx.Err()
}

// quietLimit bounds the wait for the servers to finish what seeding left
// them to do.
const quietLimit = time.Minute

// waitServersQuiet waits for the server (and the compared one) to go
// quiet after seeding, where their PIDs are known; see waitQuiet. (Not
// the memory scenario's settle step, which waits after writes and
// measures RSS.)
func waitServersQuiet(ctx context.Context, cfg config, log io.Writer) error {
	for _, pid := range []int{cfg.PID, cfg.ComparePID} {
		if pid == 0 {
			continue
		}
		if err := waitQuiet(ctx, pid, quietLimit, log); err != nil {
			return fmt.Errorf("wait for server %d to go quiet: %w", pid, err)
		}
	}
	return nil
}

// seedAll seeds the small and the large story and returns their IDs.
func seedAll(ctx context.Context, cfg config, a *api, suffix string, log io.Writer, r *results) ([]string, error) {
	ctx, cancel := context.WithTimeout(ctx, cfg.SeedTimeout)
	defer cancel()
	s := &seeder{api: a, workers: cfg.Seeders, seed: textSeed + 1, log: log}
	var ids []string
	for _, n := range []int{cfg.Small, cfg.Large} {
		id := fmt.Sprintf("bench-%d-%s", n, suffix)
		if cfg.Reuse {
			id = fmt.Sprintf("bench-%d", n)
		}
		res, err := s.seedStory(ctx, id, n)
		r.Seeds = append(r.Seeds, res)
		if err != nil {
			return nil, err
		}
		if res.Posted > 0 {
			fmt.Fprintf(log, "seeded %s: %d comments in %v (%.0f/s), %d failed\n", id, res.Posted,
				res.Elapsed.Round(time.Millisecond), float64(res.Posted)/res.Elapsed.Seconds(), res.Failed)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// readLoop measures GETs of u for d over a fresh set of keep-alive connections
// (and the CPU time of the server pid, unless 0),
// so Parley and the baseline start alike, and closes them afterwards so
// that a server shutting down does not wait for them. An unrecorded run of
// a tenth of the duration first opens all connections, so that dialing is
// not part of the measurement.
func readLoop(ctx context.Context, cfg config, u string, d time.Duration, pid int) loopStats {
	c := &http.Client{Transport: newTransport(cfg.Readers), Timeout: 30 * time.Second}
	defer c.CloseIdleConnections()
	runtime.GC() // start each loop with a clean heap in this process
	runLoop(ctx, cfg.Readers, d/10, maxOpsPerLoop, readOps(c, u))
	return onServer(pid, func() loopStats { return runLoop(ctx, cfg.Readers, d, maxOpsPerLoop, readOps(c, u)) })
}

// sizeLabel names a story by its size: 1000 -> "1k".
func sizeLabel(n int) string {
	if n >= 1000 && n%1000 == 0 {
		return fmt.Sprintf("%dk", n/1000)
	}
	return fmt.Sprint(n)
}

// runScenario runs the memory or the idle scenario: for the memory one,
// first the write loop (so that a memory limit can be seen not to cost
// writes), then seeding and the reads of many stories.
func runScenario(ctx context.Context, cfg config, a *api, suffix string, r *results, stdout, stderr io.Writer) error {
	prefix := fmt.Sprintf("bench-%s-%s-", cfg.Scenario, suffix)
	if cfg.Reuse {
		prefix = fmt.Sprintf("bench-%s-", cfg.Scenario)
	}
	ids := storyIDs(prefix, cfg.Stories)
	var err error
	switch cfg.Scenario {
	case "memory":
		if cfg.TotalWrites > 0 {
			var m settleResult
			m, err = measureSettle(ctx, cfg, a, "bench-settle-"+suffix, stderr)
			r.Settle = &m
			if err != nil {
				return err
			}
			r.Checks = append(r.Checks, settleCheck(&m))
		}
		if !cfg.SkipWrites {
			fmt.Fprintf(stderr, "writes: %d posters for %v\n", cfg.Writers, cfg.Duration)
			st := runLoop(ctx, cfg.Writers, cfg.Duration, maxOpsPerLoop, writeOps(a, "bench-w-"+suffix, new(parentPool), textSeed))
			r.Scenarios = append(r.Scenarios, newScenario(fmt.Sprintf("writes, %d posters", cfg.Writers), "writes", "writes/s", st))
		}
		if err = seedMany(ctx, cfg, a, ids, cfg.PerStory, stderr); err == nil {
			var m memoryResult
			m, err = measureMemory(ctx, cfg, a, ids, stderr)
			r.Memory = &m
		}
	case "idle":
		if err = seedMany(ctx, cfg, a, ids, 1, stderr); err == nil {
			var m idleResult
			m, err = measureIdle(ctx, cfg, a, ids, stderr)
			r.Idle = &m
		}
	case "live":
		err = runLive(ctx, cfg, a, prefix, r, stderr)
	}
	if err != nil {
		return err
	}
	r.Checks = append(evaluateScenario(r), r.Checks...)
	writeTable(stdout, r)
	if cfg.JSON != "" {
		return writeJSON(cfg.JSON, r)
	}
	return ctx.Err()
}

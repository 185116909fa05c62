package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// serveBaselineArg makes the bench binary act as the baseline server for a
// page recorded in the file that follows it.
const serveBaselineArg = "-serve-baseline"

// baselineProcess is the replay server running as a process of its own.
// Parley runs in its own process, with its own runtime and scheduler, on
// the same two cores as the load generator; a baseline inside the load
// generator's process would not pay for that, and the ratio would flatter
// the baseline.
type baselineProcess struct {
	URL   string
	cmd   *exec.Cmd
	stdin io.Closer
	dir   string
}

// startBaselineProcess re-executes this binary as a replay server for p.
func startBaselineProcess(ctx context.Context, p *page) (*baselineProcess, error) {
	dir, err := os.MkdirTemp("", "parley-baseline-")
	if err != nil {
		return nil, fmt.Errorf("baseline temp dir: %w", err)
	}
	b := &baselineProcess{dir: dir}
	file := filepath.Join(dir, "page.json")
	raw, err := json.Marshal(p)
	if err == nil {
		err = os.WriteFile(file, raw, 0o600)
	}
	self, err2 := os.Executable()
	if err != nil || err2 != nil {
		b.Close()
		return nil, fmt.Errorf("prepare baseline: %v %v", err, err2)
	}
	b.cmd = exec.CommandContext(ctx, self, serveBaselineArg, file)
	b.cmd.Stderr = os.Stderr
	stdout, _ := b.cmd.StdoutPipe()
	if b.stdin, err = b.cmd.StdinPipe(); err == nil {
		err = b.cmd.Start()
	}
	if err != nil {
		b.Close()
		return nil, fmt.Errorf("start baseline process: %w", err)
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if b.URL = strings.TrimSpace(line); err != nil || !strings.HasPrefix(b.URL, "http://127.0.0.1:") {
		b.Close()
		return nil, fmt.Errorf("baseline process did not start: %q %v", line, err)
	}
	return b, nil
}

// Close stops the baseline process: closing its stdin tells it to exit.
func (b *baselineProcess) Close() error {
	if b.stdin != nil {
		b.stdin.Close()
	}
	if b.cmd != nil && b.cmd.Process != nil {
		b.cmd.Wait()
	}
	return os.RemoveAll(b.dir)
}

// serveBaseline is the child side: serve the recorded page until the
// parent closes stdin (or dies).
func serveBaseline(ctx context.Context, file string, stdout io.Writer) error {
	raw, err := os.ReadFile(file)
	if err != nil {
		return fmt.Errorf("read page: %w", err)
	}
	var p page
	if err := json.Unmarshal(raw, &p); err != nil {
		return fmt.Errorf("decode page: %w", err)
	}
	b, err := startBaseline(newReplayHandler(&p))
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, b.URL)
	io.Copy(io.Discard, os.Stdin)
	return b.Close(ctx)
}

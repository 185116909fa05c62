package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"parley/internal/config"
)

// healthcheck runs `parley healthcheck`: it asks the server on this
// machine's --addr (PARLEY_ADDR) for /healthz and fails unless it answers
// 200. Container images without a shell or curl run it as their
// HEALTHCHECK.
func healthcheck(ctx context.Context, args []string, env func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("parley healthcheck", flag.ContinueOnError)
	fs.SetOutput(stderr)
	def := env("PARLEY_ADDR")
	if def == "" {
		def = config.DefaultAddr
	}
	addr := fs.String("addr", def, "the server's listen address (env PARLEY_ADDR)")
	path := fs.String("path", "/healthz", "the path to ask: /healthz (alive) or /readyz (taking traffic)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	_, port, err := net.SplitHostPort(*addr)
	if err != nil {
		return fmt.Errorf("addr %q: %w", *addr, err)
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+net.JoinHostPort("127.0.0.1", port)+*path, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("healthcheck: %s answered %s", *path, resp.Status)
	}
	fmt.Fprintln(stdout, "ok")
	return nil
}

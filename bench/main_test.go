package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"testing"
)

// TestMain lets the test binary play the baseline process, as the bench
// binary does, since the read scenario re-executes its own binary.
func TestMain(m *testing.M) {
	if len(os.Args) == 3 && os.Args[1] == serveBaselineArg {
		if err := serveBaseline(context.Background(), os.Args[2], os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func TestScenarioFlags(t *testing.T) {
	tests := []struct {
		args    []string
		wantErr bool
		stories int
	}{
		{args: nil, stories: 0},
		{args: []string{"-scenario", "memory", "-pid", "7", "-gctrace", "/tmp/x"}, stories: 5000},
		{args: []string{"-scenario", "idle", "-pid", "7"}, stories: 2000},
		{args: []string{"-scenario", "idle", "-pid", "7", "-stories", "10"}, stories: 10},
		{args: []string{"-scenario", "idle"}, wantErr: true},                  // no pid
		{args: []string{"-scenario", "memory", "-pid", "7"}, wantErr: true},   // no trace
		{args: []string{"-scenario", "sideways", "-pid", "7"}, wantErr: true}, // unknown
		{args: []string{"-scenario", "idle", "-pid", "7", "-stories", "1000000"}, wantErr: true},
	}
	for _, tt := range tests {
		c, err := parseFlags(tt.args, io.Discard)
		if (err != nil) != tt.wantErr {
			t.Errorf("parseFlags(%q): %v, want error %v", tt.args, err, tt.wantErr)
			continue
		}
		if err == nil && c.Stories != tt.stories {
			t.Errorf("parseFlags(%q): %d stories, want %d", tt.args, c.Stories, tt.stories)
		}
	}
}

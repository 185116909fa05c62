package main

import (
	"bytes"
	"io"
	"log/slog"
	"math"
	"runtime/debug"
	"strings"
	"testing"

	"parley/internal/config"
)

// TestLimitMemory checks that serve hands the runtime the memory limit
// the settings ask for, leaves GOMEMLIMIT's alone, and restores the
// previous one when it returns.
func TestLimitMemory(t *testing.T) {
	before := debug.SetMemoryLimit(-1)
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want int64 // -1: unchanged
	}{
		{"set", []string{"--memory-limit", "300MiB"}, nil, 300 << 20},
		{"env", nil, map[string]string{"PARLEY_MEMORY_LIMIT": "1GiB"}, 1 << 30},
		{"off", []string{"--memory-limit", "off"}, nil, math.MaxInt64},
		{"auto from the cache", []string{"--cache-size", "32MiB"}, nil, -2},
		{"GOMEMLIMIT wins over auto", nil, map[string]string{"GOMEMLIMIT": "123MiB"}, -1},
		{"a setting wins over GOMEMLIMIT", []string{"--memory-limit", "200MiB"}, map[string]string{"GOMEMLIMIT": "123MiB"}, 200 << 20},
	}
	for _, tt := range tests {
		cfg, err := config.ParseServe(tt.args, func(k string) string { return tt.env[k] }, io.Discard)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		want := tt.want
		switch want {
		case -1:
			want = before
		case -2: // the auto value, bounded by this machine's cgroup if any
			want, _ = cfg.ResolveMemoryLimit(config.CgroupMemoryLimit("/"))
		}
		var logs bytes.Buffer
		restore := limitMemory(cfg, func(k string) string { return tt.env[k] }, slog.New(slog.NewTextHandler(&logs, nil)))
		got := debug.SetMemoryLimit(-1)
		restore()
		if got != want {
			t.Errorf("%s: memory limit %d, want %d", tt.name, got, want)
		}
		if !strings.Contains(logs.String(), `msg="memory limit"`) {
			t.Errorf("%s: no log line says the limit: %s", tt.name, logs.String())
		}
		if now := debug.SetMemoryLimit(-1); now != before {
			t.Fatalf("%s: limit %d after restore, want %d", tt.name, now, before)
		}
	}
}

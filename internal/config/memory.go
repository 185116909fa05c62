package config

import (
	"bufio"
	"bytes"
	"fmt"
	"math"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// Memory settings.
const (
	// DefaultCacheSize is the page cache's budget: the encoded and
	// compressed thread pages kept in memory.
	DefaultCacheSize = 64 << 20
	// MemoryLimitAuto lets the server choose its memory limit (see
	// Config.ResolveMemoryLimit); MemoryLimitOff sets none.
	MemoryLimitAuto = 0
	MemoryLimitOff  = -1
	// baseMemory is what the Go heap needs besides the page cache:
	// buffers of requests in flight, rendering, goroutine stacks.
	baseMemory = 96 << 20
	// minMemoryLimit is the smallest limit accepted: below it the
	// collector would run without pause.
	minMemoryLimit = 32 << 20
)

// ParseSize reads a size such as 256MiB, 512MB, 1GiB, 1.5GB or 1048576 (bytes).
func ParseSize(s string) (int64, error) {
	num := strings.TrimRightFunc(s, func(r rune) bool { return r < '0' || r > '9' })
	unit := strings.ToLower(strings.TrimSpace(s[len(num):]))
	mult := map[string]float64{"": 1, "b": 1, "kb": 1e3, "mb": 1e6, "gb": 1e9, "tb": 1e12,
		"kib": 1 << 10, "mib": 1 << 20, "gib": 1 << 30, "tib": 1 << 40}[unit]
	v, err := strconv.ParseFloat(num, 64)
	if err != nil || mult == 0 || v < 0 || strings.ContainsAny(num, "eE+-") {
		return 0, fmt.Errorf("size %q: use a number of bytes or a unit such as 256MiB, 512MB or 1GiB", s)
	}
	if n := v * mult; n < math.MaxInt64 {
		return int64(n), nil
	}
	return 0, fmt.Errorf("size %q is too large", s)
}

// parseMemoryLimit reads --memory-limit: "auto" (or empty), "off" or a size.
func parseMemoryLimit(s string) (int64, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "auto":
		return MemoryLimitAuto, nil
	case "off", "none":
		return MemoryLimitOff, nil
	}
	n, err := ParseSize(s)
	if err != nil {
		return 0, fmt.Errorf("memory limit: %w (or auto, or off)", err)
	}
	if n < minMemoryLimit {
		return 0, fmt.Errorf("memory limit %s is below %d MiB", s, minMemoryLimit>>20)
	}
	return n, nil
}

// ResolveMemoryLimit returns the soft memory limit the Go runtime gets
// (math.MaxInt64 for none) and why, given the cgroup's limit (0: none).
//
// Why a limit by default: the server sets GOGC=400, because rendering
// allocates a lot and a rarer collection gives a sixth more writes, but
// the heap then grows to five times what is live: reading page 1 of 5,000
// stories with a 64 MiB cache (live heap ~90 MiB) took RSS to 750 MiB.
// Below the limit GOGC=400 still decides; near it the collector runs
// sooner, so the heap stays near what is live and writes, whose live heap
// is small, do not pay. Auto is the lower of: two cache budgets plus
// 96 MiB (224 MiB for the default cache: a full cache, the pages being
// rebuilt after an eviction, and the rest), and the cgroup's limit less
// an eighth (at least 32 MiB) for what the runtime does not count, such
// as SQLite's page cache.
func (c *Config) ResolveMemoryLimit(cgroup int64) (int64, string) {
	switch {
	case c.MemoryLimit == MemoryLimitOff:
		return math.MaxInt64, "off"
	case c.MemoryLimit > 0:
		return c.MemoryLimit, "setting"
	}
	limit, why := 2*c.CacheSize+baseMemory, "cache size"
	if cgroup > 0 {
		if fit := cgroup - max(cgroup/8, 32<<20); fit < limit {
			limit, why = max(fit, minMemoryLimit), "cgroup"
		}
	}
	return limit, why
}

// CgroupMemoryLimit returns the memory limit of the cgroup this process
// runs in, 0 if there is none, reading the files under root ("/" but in
// tests): cgroup v2 memory.max, or v1 memory.limit_in_bytes, of the
// process's cgroup and every parent that is mounted (the lowest wins).
func CgroupMemoryLimit(root string) int64 {
	self, _ := os.ReadFile(filepath.Join(root, "proc/self/cgroup"))
	base := filepath.Join(root, "sys/fs/cgroup")
	var limit int64
	lower := func(n int64) {
		if n > 0 && (limit == 0 || n < limit) {
			limit = n
		}
	}
	sc := bufio.NewScanner(bytes.NewReader(self))
	for sc.Scan() {
		parts := strings.SplitN(sc.Text(), ":", 3)
		if len(parts) != 3 {
			continue
		}
		switch {
		case parts[0] == "0" && parts[1] == "": // v2
			lower(walkUp(base, parts[2], "memory.max"))
		case slices.Contains(strings.Split(parts[1], ","), "memory"): // v1
			lower(walkUp(filepath.Join(base, "memory"), parts[2], "memory.limit_in_bytes"))
		}
	}
	// Without /proc, or in a namespace that shows only the container's
	// own cgroup at the root.
	lower(readLimit(filepath.Join(base, "memory.max")))
	lower(readLimit(filepath.Join(base, "memory", "memory.limit_in_bytes")))
	return limit
}

// walkUp returns the lowest limit in file of dir/cg and its parents.
func walkUp(dir, cg, file string) int64 {
	var limit int64
	for p := path.Clean("/" + cg); ; p = path.Dir(p) {
		if n := readLimit(filepath.Join(dir, filepath.FromSlash(p), file)); n > 0 && (limit == 0 || n < limit) {
			limit = n
		}
		if p == "/" {
			return limit
		}
	}
}

// readLimit reads one limit file: a number of bytes, or "max" (v2) or a
// number near 2^63 (v1) for none, which are 0.
func readLimit(file string) int64 {
	b, err := os.ReadFile(file)
	if err != nil {
		return 0
	}
	n, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
	if err != nil || n <= 0 || n >= 1<<60 {
		return 0
	}
	return n
}

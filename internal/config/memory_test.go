package config

import (
	"io"
	"math"
	"os"
	"path/filepath"
	"testing"
)

func TestParseSize(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		bad  bool
	}{
		{in: "256MiB", want: 256 << 20},
		{in: "512MB", want: 512e6},
		{in: "1GiB", want: 1 << 30},
		{in: "1gib", want: 1 << 30},
		{in: "1.5GB", want: 1.5e9},
		{in: "64KiB", want: 64 << 10},
		{in: "1048576", want: 1 << 20},
		{in: "100B", want: 100},
		{in: "", bad: true},
		{in: "MiB", bad: true},
		{in: "12 parsecs", bad: true},
		{in: "-1GiB", bad: true},
		{in: "1e9", bad: true},
		{in: "NaNMiB", bad: true},
		{in: "99999999999TiB", bad: true},
	}
	for _, tt := range tests {
		got, err := ParseSize(tt.in)
		if tt.bad != (err != nil) || got != tt.want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d (error: %v)", tt.in, got, err, tt.want, tt.bad)
		}
	}
}

func TestMemorySettings(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		env        map[string]string
		cache, mem int64
		wantErr    bool
	}{
		{name: "defaults", cache: 64 << 20, mem: MemoryLimitAuto},
		{name: "flags", args: []string{"--cache-size", "128MiB", "--memory-limit", "1GiB"}, cache: 128 << 20, mem: 1 << 30},
		{name: "env", env: map[string]string{"PARLEY_CACHE_SIZE": "16MB", "PARLEY_MEMORY_LIMIT": "512MB"}, cache: 16e6, mem: 512e6},
		{name: "off", args: []string{"--memory-limit", "off"}, cache: 64 << 20, mem: MemoryLimitOff},
		{name: "auto", env: map[string]string{"PARLEY_MEMORY_LIMIT": "auto"}, cache: 64 << 20, mem: MemoryLimitAuto},
		{name: "limit too small", args: []string{"--memory-limit", "1MiB"}, wantErr: true},
		{name: "limit not a size", args: []string{"--memory-limit", "lots"}, wantErr: true},
		{name: "cache too small", args: []string{"--cache-size", "1KiB"}, wantErr: true},
		{name: "cache not a size", env: map[string]string{"PARLEY_CACHE_SIZE": "big"}, wantErr: true},
	}
	for _, tt := range tests {
		c, err := ParseServe(tt.args, env(tt.env), io.Discard)
		if tt.wantErr {
			if err == nil {
				t.Errorf("%s: ParseServe = %+v, want an error", tt.name, c)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if c.CacheSize != tt.cache || c.MemoryLimit != tt.mem {
			t.Errorf("%s: cache %d, memory limit %d; want %d, %d", tt.name, c.CacheSize, c.MemoryLimit, tt.cache, tt.mem)
		}
	}
}

func TestResolveMemoryLimit(t *testing.T) {
	const mib = 1 << 20
	tests := []struct {
		name         string
		cache, limit int64
		cgroup       int64
		want         int64
	}{
		{"auto, no container: from the cache", 64 * mib, MemoryLimitAuto, 0, 224 * mib},
		{"auto, bigger cache", 256 * mib, MemoryLimitAuto, 0, 608 * mib},
		{"auto, large container: from the cache", 64 * mib, MemoryLimitAuto, 4096 * mib, 224 * mib},
		{"auto, 256 MiB container: headroom", 64 * mib, MemoryLimitAuto, 256 * mib, 224 * mib},
		{"auto, 200 MiB container: headroom", 64 * mib, MemoryLimitAuto, 200 * mib, 168 * mib},
		{"auto, 128 MiB container: at least 32 MiB headroom", 64 * mib, MemoryLimitAuto, 128 * mib, 96 * mib},
		{"auto, tiny container", 64 * mib, MemoryLimitAuto, 40 * mib, 32 * mib},
		{"set wins over the container", 64 * mib, 1024 * mib, 256 * mib, 1024 * mib},
		{"off", 64 * mib, MemoryLimitOff, 256 * mib, math.MaxInt64},
	}
	for _, tt := range tests {
		c := Config{CacheSize: tt.cache, MemoryLimit: tt.limit}
		if got, why := c.ResolveMemoryLimit(tt.cgroup); got != tt.want {
			t.Errorf("%s: %d MiB (%s), want %d MiB", tt.name, got/mib, why, tt.want/mib)
		}
	}
}

func TestCgroupMemoryLimit(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  int64
	}{
		{"none", nil, 0},
		{"v2 container root", map[string]string{"proc/self/cgroup": "0::/\n", "sys/fs/cgroup/memory.max": "268435456\n"}, 256 << 20},
		{"v2 unlimited", map[string]string{"proc/self/cgroup": "0::/\n", "sys/fs/cgroup/memory.max": "max\n"}, 0},
		{"v2 nested, parent lower", map[string]string{"proc/self/cgroup": "0::/kube/pod/app\n",
			"sys/fs/cgroup/kube/pod/app/memory.max": "max\n", "sys/fs/cgroup/kube/pod/memory.max": "536870912\n"}, 512 << 20},
		{"v2 nested, own lower", map[string]string{"proc/self/cgroup": "0::/kube/pod/app\n",
			"sys/fs/cgroup/kube/pod/app/memory.max": "104857600\n", "sys/fs/cgroup/kube/memory.max": "536870912\n"}, 100 << 20},
		{"v1", map[string]string{"proc/self/cgroup": "5:cpu,cpuacct:/x\n4:memory:/docker/abc\n",
			"sys/fs/cgroup/memory/docker/abc/memory.limit_in_bytes": "1073741824\n"}, 1 << 30},
		{"v1 unlimited", map[string]string{"proc/self/cgroup": "4:memory:/\n",
			"sys/fs/cgroup/memory/memory.limit_in_bytes": "9223372036854771712\n"}, 0},
		{"v1 namespace shows the root", map[string]string{"proc/self/cgroup": "4:memory:/docker/abc\n",
			"sys/fs/cgroup/memory/memory.limit_in_bytes": "268435456\n"}, 256 << 20},
		{"no proc", map[string]string{"sys/fs/cgroup/memory.max": "268435456"}, 256 << 20},
		{"garbage", map[string]string{"proc/self/cgroup": "0::/\n", "sys/fs/cgroup/memory.max": "lots\n"}, 0},
		{"escape attempt", map[string]string{"proc/self/cgroup": "0::/../../../etc\n"}, 0},
	}
	for _, tt := range tests {
		root := t.TempDir()
		for name, body := range tt.files {
			p := filepath.Join(root, name)
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		if got := CgroupMemoryLimit(root); got != tt.want {
			t.Errorf("%s: %d, want %d", tt.name, got, tt.want)
		}
	}
}

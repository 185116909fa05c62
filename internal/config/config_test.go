package config

import (
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

func env(m map[string]string) Env { return func(k string) string { return m[k] } }

func TestParseServe(t *testing.T) {
	secret := filepath.Join(t.TempDir(), "db")
	if err := os.WriteFile(secret, []byte("postgres://u:pw@db/parley\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		want    Config
		wantErr bool
	}{
		{name: "defaults", want: Config{Addr: ":8080", Database: "sqlite:parley.db", LogLevel: slog.LevelInfo, ShutdownTimeout: 15 * time.Second, LogFormat: LogText, PublicURL: "http://localhost:8080"}},
		{name: "env", env: map[string]string{"PARLEY_ADDR": "127.0.0.1:9000", "PARLEY_DATABASE": "sqlite:/tmp/x.db", "PARLEY_DEMO": "true", "PARLEY_LOG_LEVEL": "debug"},
			want: Config{Addr: "127.0.0.1:9000", Database: "sqlite:/tmp/x.db", Demo: true, LogLevel: slog.LevelDebug, ShutdownTimeout: 15 * time.Second, LogFormat: LogText, PublicURL: "http://127.0.0.1:9000"}},
		{name: "flags win over env", args: []string{"--addr", ":7000", "--demo"}, env: map[string]string{"PARLEY_ADDR": ":9000"},
			want: Config{Addr: ":7000", Database: "sqlite:parley.db", Demo: true, LogLevel: slog.LevelInfo, ShutdownTimeout: 15 * time.Second, LogFormat: LogText, PublicURL: "http://localhost:7000"}},
		{name: "database from file", env: map[string]string{"PARLEY_DATABASE_FILE": secret},
			want: Config{Addr: ":8080", Database: "postgres://u:pw@db/parley", LogLevel: slog.LevelInfo, ShutdownTimeout: 15 * time.Second, LogFormat: LogText, PublicURL: "http://localhost:8080"}},
		{name: "public URL from env, normalized", env: map[string]string{"PARLEY_PUBLIC_URL": "HTTPS://Comments.Example/parley/"},
			want: Config{Addr: ":8080", Database: "sqlite:parley.db", LogLevel: slog.LevelInfo, ShutdownTimeout: 15 * time.Second, LogFormat: LogText, PublicURL: "https://comments.example/parley"}},
		{name: "public URL flag wins", args: []string{"--public-url", "https://c.example"}, env: map[string]string{"PARLEY_PUBLIC_URL": "https://other.example"},
			want: Config{Addr: ":8080", Database: "sqlite:parley.db", LogLevel: slog.LevelInfo, ShutdownTimeout: 15 * time.Second, LogFormat: LogText, PublicURL: "https://c.example"}},
		{name: "public URL default port dropped", args: []string{"--public-url", "https://c.example:443"},
			want: Config{Addr: ":8080", Database: "sqlite:parley.db", LogLevel: slog.LevelInfo, ShutdownTimeout: 15 * time.Second, LogFormat: LogText, PublicURL: "https://c.example"}},
		{name: "public URL from a specific addr", args: []string{"--addr", "[::1]:7001"},
			want: Config{Addr: "[::1]:7001", Database: "sqlite:parley.db", LogLevel: slog.LevelInfo, ShutdownTimeout: 15 * time.Second, LogFormat: LogText, PublicURL: "http://[::1]:7001"}},
		{name: "public URL from an addr on every interface", args: []string{"--addr", "0.0.0.0:7002"},
			want: Config{Addr: "0.0.0.0:7002", Database: "sqlite:parley.db", LogLevel: slog.LevelInfo, ShutdownTimeout: 15 * time.Second, LogFormat: LogText, PublicURL: "http://localhost:7002"}},
		{name: "public URL relative", args: []string{"--public-url", "/parley"}, wantErr: true},
		{name: "public URL without scheme", args: []string{"--public-url", "comments.example"}, wantErr: true},
		{name: "public URL ftp", args: []string{"--public-url", "ftp://comments.example"}, wantErr: true},
		{name: "public URL javascript", args: []string{"--public-url", "javascript:alert(1)"}, wantErr: true},
		{name: "public URL with query", args: []string{"--public-url", "https://c.example/?x=1"}, wantErr: true},
		{name: "public URL with empty query", args: []string{"--public-url", "https://c.example/?"}, wantErr: true},
		{name: "public URL with fragment", args: []string{"--public-url", "https://c.example/#top"}, wantErr: true},
		{name: "public URL with user", args: []string{"--public-url", "https://good@evil.example"}, wantErr: true},
		{name: "public URL without host", args: []string{"--public-url", "https:///x"}, wantErr: true},
		{name: "unreadable secret file", env: map[string]string{"PARLEY_DATABASE_FILE": "/nonexistent/secret"}, wantErr: true},
		{name: "bad addr", args: []string{"--addr", "8080"}, wantErr: true},
		{name: "bad database", args: []string{"--database", "mysql://x"}, wantErr: true},
		{name: "empty sqlite path", args: []string{"--database", "sqlite:"}, wantErr: true},
		{name: "bad log level", args: []string{"--log-level", "loud"}, wantErr: true},
		{name: "stray argument", args: []string{"extra"}, wantErr: true},
		{name: "connection limits", args: []string{"--max-connections", "900", "--live-per-address", "8"}, env: map[string]string{"PARLEY_CONNECTIONS_PER_ADDRESS": "32"},
			want: Config{Addr: ":8080", Database: "sqlite:parley.db", LogLevel: slog.LevelInfo, ShutdownTimeout: 15 * time.Second, LogFormat: LogText, PublicURL: "http://localhost:8080",
				MaxConnections: 900, ConnectionsPerAddress: 32, LivePerAddress: 8}},
		{name: "negative connection limit", args: []string{"--max-connections", "-1"}, wantErr: true},
		{name: "connection limit not a number", env: map[string]string{"PARLEY_LIVE_PER_ADDRESS": "many"}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseServe(tt.args, env(tt.env), io.Discard)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("ParseServe(%v) = %+v, want an error", tt.args, got)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseServe(%v): %v", tt.args, err)
			}
			if tt.want.CacheSize == 0 { // the rows above predate the setting
				tt.want.CacheSize = DefaultCacheSize
			}
			if tt.want.DrainDelay == 0 { // likewise
				tt.want.DrainDelay = DefaultDrainDelay
			}
			if tt.want.ConnectionsPerAddress == 0 && tt.want.LivePerAddress == 0 { // and these
				tt.want.ConnectionsPerAddress, tt.want.LivePerAddress = DefaultConnectionsPerAddress, DefaultLivePerAddress
			}
			if !reflect.DeepEqual(*got, tt.want) { // TrustedProxies is a slice
				t.Errorf("ParseServe(%v) = %+v, want %+v", tt.args, *got, tt.want)
			}
		})
	}
}

func TestPublicURLOn(t *testing.T) {
	ln := &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 43210}
	for in, want := range map[string]string{
		"http://127.0.0.1:0":         "http://127.0.0.1:43210",
		"http://localhost:0":         "http://localhost:43210",
		"http://localhost:8080":      "http://localhost:8080",
		"https://comments.example":   "https://comments.example",
		"https://c.example:0/prefix": "https://c.example:43210/prefix",
	} {
		if got := PublicURLOn(in, ln); got != want {
			t.Errorf("PublicURLOn(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTrustedProxies(t *testing.T) {
	env := func(m map[string]string) Env { return func(k string) string { return m[k] } }
	for _, tc := range []struct {
		name string
		args []string
		env  map[string]string
		want string
		bad  bool
	}{
		{"none", nil, nil, "", false},
		{"flags", []string{"--trusted-proxy", "10.0.0.0/8", "--trusted-proxy", "192.0.2.7"}, nil, "10.0.0.0/8,192.0.2.7/32", false},
		{"env", nil, map[string]string{"PARLEY_TRUSTED_PROXY": "10.1.2.3/8, fd00::/8"}, "10.0.0.0/8,fd00::/8", false},
		{"flag replaces env", []string{"--trusted-proxy", "::1"}, map[string]string{"PARLEY_TRUSTED_PROXY": "10.0.0.0/8"}, "::1/128", false},
		{"garbage", []string{"--trusted-proxy", "proxy.example"}, nil, "", true},
		{"garbage in env", nil, map[string]string{"PARLEY_TRUSTED_PROXY": "10.0.0.0/99"}, "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := ParseServe(tc.args, env(tc.env), io.Discard)
			if tc.bad {
				if err == nil {
					t.Fatalf("ParseServe accepted %v %v", tc.args, tc.env)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := (*prefixList)(&c.TrustedProxies).String(); got != tc.want {
				t.Errorf("TrustedProxies = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestFleetFlags(t *testing.T) {
	env := func(k string) string {
		return map[string]string{"PARLEY_NATS_URL": "nats://127.0.0.1:4222", "PARLEY_LOG_FORMAT": "json", "PARLEY_METRICS_ADDR": ":9464"}[k]
	}
	c, err := ParseServe(nil, env, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.NATSURL != "nats://127.0.0.1:4222" || c.LogFormat != LogJSON || c.MetricsAddr != ":9464" {
		t.Errorf("fleet settings from env = %q %q %q", c.NATSURL, c.LogFormat, c.MetricsAddr)
	}
	for _, args := range [][]string{{"--log-format", "xml"}, {"--metrics-addr", "9464"}, {"--nats-url", "localhost"}} {
		if _, err := ParseServe(args, func(string) string { return "" }, io.Discard); err == nil {
			t.Errorf("ParseServe(%q) accepted", args)
		}
	}
}

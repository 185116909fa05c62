package config

import (
	"io"
	"log/slog"
	"os"
	"path/filepath"
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
		{name: "defaults", want: Config{Addr: ":8080", Database: "sqlite:parley.db", LogLevel: slog.LevelInfo, ShutdownTimeout: 15 * time.Second}},
		{name: "env", env: map[string]string{"PARLEY_ADDR": "127.0.0.1:9000", "PARLEY_DATABASE": "sqlite:/tmp/x.db", "PARLEY_DEMO": "true", "PARLEY_LOG_LEVEL": "debug"},
			want: Config{Addr: "127.0.0.1:9000", Database: "sqlite:/tmp/x.db", Demo: true, LogLevel: slog.LevelDebug, ShutdownTimeout: 15 * time.Second}},
		{name: "flags win over env", args: []string{"--addr", ":7000", "--demo"}, env: map[string]string{"PARLEY_ADDR": ":9000"},
			want: Config{Addr: ":7000", Database: "sqlite:parley.db", Demo: true, LogLevel: slog.LevelInfo, ShutdownTimeout: 15 * time.Second}},
		{name: "database from file", env: map[string]string{"PARLEY_DATABASE_FILE": secret},
			want: Config{Addr: ":8080", Database: "postgres://u:pw@db/parley", LogLevel: slog.LevelInfo, ShutdownTimeout: 15 * time.Second}},
		{name: "unreadable secret file", env: map[string]string{"PARLEY_DATABASE_FILE": "/nonexistent/secret"}, wantErr: true},
		{name: "bad addr", args: []string{"--addr", "8080"}, wantErr: true},
		{name: "bad database", args: []string{"--database", "mysql://x"}, wantErr: true},
		{name: "empty sqlite path", args: []string{"--database", "sqlite:"}, wantErr: true},
		{name: "bad log level", args: []string{"--log-level", "loud"}, wantErr: true},
		{name: "stray argument", args: []string{"extra"}, wantErr: true},
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
			if *got != tt.want {
				t.Errorf("ParseServe(%v) = %+v, want %+v", tt.args, *got, tt.want)
			}
		})
	}
}

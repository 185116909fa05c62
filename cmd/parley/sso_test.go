package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"parley"
)

// TestSiteSSOFlags: secrets come from files, whitespace trimmed, several
// at once by kid for rotation; the JWKS URL, issuer, role switch and
// session lifetime are stored; a bad setting changes nothing.
func TestSiteSSOFlags(t *testing.T) {
	dir := t.TempDir()
	dsn := "sqlite:" + filepath.Join(dir, "parley.db")
	getenv := func(k string) string { return map[string]string{"PARLEY_DATABASE": dsn}[k] }
	cmd := func(args ...string) error {
		var stdout, stderr bytes.Buffer
		return run(t.Context(), args, getenv, &stdout, &stderr)
	}
	file := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	secret1, secret2 := strings.Repeat("1", 40), strings.Repeat("2", 40)
	steps := [][]string{
		{"site", "create", "--id", "news"},
		{"site", "update", "--id", "news", "--sso-secret-file", file("s1", "  "+secret1+"\n"), "--sso-kid", "2026-01"},
		{"site", "update", "--id", "news", "--sso-secret-file", file("s2", secret2), "--sso-kid", "2026-06"},
		{"site", "update", "--id", "news", "--sso-remove-kid", "2026-01", "--session-ttl", "168h",
			"--sso-jwks-url", "https://pub.example/.well-known/jwks.json", "--sso-issuer", "https://pub.example", "--sso-roles"},
	}
	for _, args := range steps {
		if err := cmd(args...); err != nil {
			t.Fatalf("parley %s: %v", strings.Join(args, " "), err)
		}
	}
	want := parley.SSO{Secrets: []parley.SSOSecret{{KID: "2026-06", Secret: secret2}}, JWKSURL: "https://pub.example/.well-known/jwks.json", Issuer: "https://pub.example", Roles: true}
	check := func(when string) {
		t.Helper()
		store, err := openStore(t.Context(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer store.Close()
		s, err := store.Site(t.Context(), "news")
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, s.SSO); diff != "" {
			t.Errorf("%s: SSO (-want +got):\n%s", when, diff)
		}
		if s.SessionTTL != 168*time.Hour {
			t.Errorf("%s: SessionTTL = %v, want 168h", when, s.SessionTTL)
		}
	}
	check("after the updates")
	fails := []struct {
		args []string
		want string
	}{
		{[]string{"--sso-secret-file", file("short", "tooshort"), "--sso-kid", "x"}, "at least 32 bytes"},
		{[]string{"--sso-secret-file", file("s3", secret1)}, "needs --sso-kid"},
		{[]string{"--sso-kid", "x"}, "is missing"},
		{[]string{"--sso-secret-file", filepath.Join(dir, "absent"), "--sso-kid", "x"}, "read SSO secret"},
		{[]string{"--sso-jwks-url", "ftp://pub.example/jwks"}, "JWKS URL"},
		{[]string{"--session-ttl", "1s"}, "session lifetime"},
	}
	for _, f := range fails {
		err := cmd(append([]string{"site", "update", "--id", "news"}, f.args...)...)
		if err == nil || !strings.Contains(err.Error(), f.want) {
			t.Errorf("site update %s = %v, want an error containing %q", strings.Join(f.args, " "), err, f.want)
		}
	}
	check("after the refused updates")
}

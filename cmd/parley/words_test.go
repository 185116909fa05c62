package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"parley"
)

// runOut runs `parley args…` on the CLI's database with stdin, and returns
// what it printed.
func (c *siteCLI) runOut(stdin string, args ...string) (string, error) {
	getenv := func(k string) string { return map[string]string{"PARLEY_DATABASE": c.dsn}[k] }
	var stdout, stderr bytes.Buffer
	if args[0] == "words" {
		err := words(c.t.Context(), args[1:], getenv, strings.NewReader(stdin), &stdout, &stderr)
		return stdout.String(), err
	}
	err := run(c.t.Context(), args, getenv, &stdout, &stderr)
	return stdout.String(), err
}

// TestWordsCLI: words are added, imported from a file and from stdin,
// listed and removed per site, list and language; bad input is refused;
// each change is in the audit log.
func TestWordsCLI(t *testing.T) {
	c := newSiteCLI(t)
	if err := c.run("site", "create", "--id", "news"); err != nil {
		t.Fatal(err)
	}
	must := func(stdin string, args ...string) string {
		t.Helper()
		out, err := c.runOut(stdin, args...)
		if err != nil {
			t.Fatalf("parley %s: %v", strings.Join(args, " "), err)
		}
		return out
	}
	site := []string{"--site", "news", "--list", "banned", "--lang", "de"}
	if out := must("", append(append([]string{"words", "add"}, site...), "Quatschkopf", "dumm*")...); out != "added 2 words; the banned list of de has 2\n" {
		t.Errorf("add = %q", out)
	}
	file := filepath.Join(t.TempDir(), "words.txt")
	os.WriteFile(file, []byte("# Beleidigungen\nHohlkopf\n\nquatschkopf\nDummbatz\n"), 0o600)
	if out := must("", append(append([]string{"words", "import"}, site...), file)...); out != "added 3 words; the banned list of de has 5\n" {
		t.Errorf("import = %q", out)
	}
	if out := must("Trottel\n", append(append([]string{"words", "import"}, site...), "-")...); !strings.HasPrefix(out, "added 1 words") {
		t.Errorf("import - = %q", out)
	}
	if out := must("", append(append([]string{"words", "remove"}, site...), "Hohlkopf", "nie")...); out != "removed 1 words; the banned list of de has 5\n" {
		t.Errorf("remove = %q", out)
	}
	if out := must("", append([]string{"words", "list"}, site...)...); out != "Dummbatz\nQuatschkopf\nTrottel\ndumm*\nquatschkopf\n" {
		t.Errorf("list = %q", out)
	}
	if out := must("", "words", "list", "--site", "news", "--list", "suspect", "--lang", "de"); out != "" {
		t.Errorf("list of another list = %q, want nothing", out)
	}
	for _, bad := range [][]string{
		{"words", "add", "--site", "news", "--list", "hated", "--lang", "de", "x"},
		{"words", "add", "--site", "news", "--list", "banned", "--lang", "12", "x"},
		{"words", "add", "--site", "news", "--list", "banned", "--lang", "de", "a*b"},
		{"words", "add", "--site", "nosuch", "--list", "banned", "--lang", "de", "x"},
		{"words", "add", "--site", "news", "--list", "banned", "--lang", "de"},
		{"words", "import", "--site", "news", "--list", "banned", "--lang", "de", "/nonexistent"},
		{"words", "purge"},
	} {
		if _, err := c.runOut("", bad...); err == nil {
			t.Errorf("parley %s passed", strings.Join(bad, " "))
		}
	}
	store, err := openStore(t.Context(), c.dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	log, err := store.Audit(t.Context(), parley.AuditQuery{SiteID: "news", Action: parley.AuditWordsChanged, Limit: 10})
	if err != nil || len(log) != 4 {
		t.Errorf("audit = %d entries, %v; want 4", len(log), err)
	}
}

// TestModerationFlags: the site's moderation settings from `site update`,
// only those given changing, and a story's own pre-moderation.
func TestModerationFlags(t *testing.T) {
	c := newSiteCLI(t)
	if err := c.run("site", "create", "--id", "news", "--premoderation", "links", "--link-allowlist", "News.example, wikipedia.org"); err != nil {
		t.Fatal(err)
	}
	scorers := filepath.Join(t.TempDir(), "scorers.json")
	os.WriteFile(scorers, []byte(`[{"name":"local","enabled":true,"threshold":0.6}]`), 0o600)
	if err := c.run("site", "update", "--id", "news", "--premoderation-new", "5", "--close-after", "30", "--premoderate-after", "7",
		"--pow-after", "3", "--pow", "always", "--default-words=false", "--scorers", scorers); err != nil {
		t.Fatal(err)
	}
	m := c.site("news").Moderation
	if m.Premoderation != parley.PremoderateLinks || strings.Join(m.LinkAllowlist, ",") != "news.example,wikipedia.org" || m.TrustAfter != 5 ||
		m.CloseAfterDays != 30 || m.PremoderateAfterDays != 7 || m.PowAfter != 3 || !m.PowAlways || !m.NoDefaultWords || !strings.Contains(string(m.Scorers), `"local"`) {
		t.Errorf("moderation = %+v", m)
	}
	if err := c.run("site", "update", "--id", "news", "--premoderation", "off", "--pow", "off", "--scorers", ""); err != nil {
		t.Fatal(err)
	}
	if m := c.site("news").Moderation; m.Premoderation != "" || m.PowAlways || m.Scorers != nil || m.TrustAfter != 5 {
		t.Errorf("moderation after turning off = %+v", m)
	}
	for _, bad := range [][]string{
		{"site", "update", "--id", "news", "--premoderation", "some"},
		{"site", "update", "--id", "news", "--pow", "sometimes"},
		{"site", "update", "--id", "news", "--link-allowlist", "https://x.example/"},
		{"site", "update", "--id", "news", "--close-after", "-1"},
		{"site", "update", "--id", "news", "--scorers", scorers + ".missing"},
		{"story", "update", "--site", "news", "--id", "s1", "--premoderation", "most"},
		{"story", "update", "--site", "news", "--id", "s1"},
	} {
		if err := c.run(bad...); err == nil {
			t.Errorf("parley %s passed", strings.Join(bad, " "))
		}
	}
	out, err := c.runOut("", "story", "update", "--site", "news", "--id", "s1", "--premoderation", "all")
	if err != nil || out != "updated story s1 of site news: premoderation all\n" {
		t.Errorf("story update = %q, %v", out, err)
	}
	if out, err := c.runOut("", "story", "update", "--site", "news", "--id", "s1", "--premoderation", "site"); err != nil || !strings.HasSuffix(out, "premoderation site\n") {
		t.Errorf("story update to site = %q, %v", out, err)
	}
}

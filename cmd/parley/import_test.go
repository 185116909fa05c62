package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"parley"
	"parley/internal/importer"
	"parley/internal/realtime/natstest"
)

// lineParser reads a test format of tab-separated lines, so that the
// command's tests read a real file through importer.Input:
//
//	thread	KEY	URL	TITLE
//	post	KEY	THREAD	PARENT	NAME	EMAIL	RFC3339	BODY
//
// Anything else is a read error with its line number, as a parser's.
func lineParser(ctx context.Context, in *importer.Input, e importer.Emitter) error {
	r, err := in.Open("")
	if err != nil {
		return err
	}
	defer r.Close()
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		f := strings.Split(sc.Text(), "\t")
		switch {
		case f[0] == "thread" && len(f) == 4:
			err = e.Thread(ctx, &importer.Thread{Key: f[1], URL: f[2], Title: f[3], Lang: "fr"})
		case f[0] == "post" && len(f) == 8:
			at, _ := time.Parse(time.RFC3339, f[6])
			err = e.Post(ctx, &importer.Post{Key: f[1], Thread: f[2], Parent: f[3], Author: importer.Author{Name: f[4], Email: f[5]},
				CreatedAt: at, Body: f[7], Format: importer.FormatHTML})
		default:
			return fmt.Errorf("line %d: not a thread or post line", n)
		}
		if err != nil {
			return err
		}
	}
	return sc.Err()
}

const lineExport = "thread\t1\thttp://ancien.example/blog/pain\tLe pain du dimanche\n" +
	"thread\t2\thttp://ancien.example/blog/velo\tÀ vélo jusqu'à la mer\n" +
	"post\t10\t1\t\tMarie\tmarie@exemple.example\t2018-05-06T08:00:00Z\t<p>Quelle belle croûte, bravo !</p>\n" +
	"post\t11\t1\t10\tJules\t\t2018-05-06T09:30:00Z\t<p>Merci, la recette est de ma grand-mère.</p>\n" +
	"post\t12\t1\t99\tMarie\tmarie@exemple.example\t2018-05-06T10:00:00Z\t<p>Et la farine, laquelle ?</p>\n" +
	"post\t20\t2\t\tJules\t\t2018-07-01T18:00:00Z\t<p>Combien de kilomètres <em>en tout</em> ?</p>\n"

// importEnv is an environment with a fresh SQLite database holding site
// news.
func importEnv(t *testing.T) func(string) string {
	t.Helper()
	return newsSiteEnv(t, "sqlite:"+filepath.Join(t.TempDir(), "parley.db"))
}

// newsSiteEnv is an environment whose database, at dsn, holds the site
// "news" (https://news.example), as the import and backup tests start.
func newsSiteEnv(t *testing.T, dsn string) func(string) string {
	t.Helper()
	env := func(k string) string {
		if k == "PARLEY_DATABASE" {
			return dsn
		}
		return ""
	}
	var out bytes.Buffer
	if err := run(t.Context(), []string{"site", "create", "--id", "news", "--origin", "https://news.example"}, env, &out, &out); err != nil {
		t.Fatalf("site create: %v\n%s", err, out.String())
	}
	return env
}

func tempFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

var testParsers = map[string]importer.Parser{"disqus": lineParser}

// TestImportOther imports a file through the command: the summary on
// standard output, progress lines on standard error (not a terminal), a
// second run that adds nothing, and a dry run that says so and writes
// nothing.
func TestImportOther(t *testing.T) {
	file := tempFile(t, "export.tsv", lineExport)
	env := importEnv(t)
	var stdout, stderr bytes.Buffer
	args := []string{"disqus", file, "--site", "news", "--map-url", "http://ancien.example=https://nouveau.example", "--work-dir", t.TempDir()}
	if err := importWith(t.Context(), args, env, &stdout, &stderr, testParsers); err != nil {
		t.Fatalf("import: %v\n%s", err, stderr.String())
	}
	for _, want := range []string{"imported disqus " + file + " into site news:", "stories:    2\n", "comments:   4\n",
		"commenters: 2\n", "existing:   0 stories", "repaired:   4 html-body, 1 missing-email, 1 orphan\n", "skipped:    nothing\n", "time:"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, stdout.String())
		}
	}
	for _, want := range []string{"reading: 100%, 4 comments, ", "writing: 100% (2 of 2 stories), 4 comments, ", "done in "} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("progress lacks %q:\n%s", want, stderr.String())
		}
	}
	if strings.Contains(stderr.String(), "\r") {
		t.Errorf("progress redraws a line off a terminal: %q", stderr.String())
	}
	stdout.Reset()
	if err := importWith(t.Context(), args, env, &stdout, io.Discard, testParsers); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdout.String(), "comments:   0\n") || !strings.Contains(stdout.String(), "existing:   2 stories") {
		t.Errorf("second run:\n%s", stdout.String())
	}
	dry := importEnv(t)
	stdout.Reset()
	flagsFirst := []string{"disqus", "--site", "news", "--dry-run", "--progress", "none", file} // flags before FILE too
	if err := importWith(t.Context(), flagsFirst, dry, &stdout, &stderr, testParsers); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdout.String(), "nothing was written") || !strings.Contains(stdout.String(), "comments:   4\n") {
		t.Errorf("dry run says:\n%s", stdout.String())
	}
	var export bytes.Buffer
	if err := run(t.Context(), []string{"export", "--site", "news"}, dry, &export, io.Discard); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(export.String(), `"type":"story"`) {
		t.Errorf("a dry run wrote stories:\n%s", export.String())
	}
}

// TestImportErrors: bad input is a clear error, never a panic, and
// nothing is written.
func TestImportErrors(t *testing.T) {
	good := tempFile(t, "export.tsv", lineExport)
	broken := tempFile(t, "broken.tsv", lineExport+"<disqus>\n")
	badSSO := tempFile(t, "sso.csv", "email,subject\nnot-an-address,7\n")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"disqus", good}, "usage:"},
		{[]string{"disqus", "--site", "news"}, "usage:"},
		{[]string{"myspace", good, "--site", "news"}, `import format "myspace"`},
		{[]string{"coral", good, "--site", "news"}, "without its parser"},
		{[]string{"disqus", good, "--site", "elsewhere"}, "does not exist"},
		{[]string{"disqus", good, "--site", "news", "--map-url", "nowhere"}, "OLD=NEW"},
		{[]string{"disqus", good, "--site", "news", "--progress", "loud"}, "--progress"},
		{[]string{"disqus", good, "--site", "news", "--map-sso", badSSO}, "line 2"},
		{[]string{"disqus", filepath.Join(t.TempDir(), "missing.tsv"), "--site", "news"}, "no such file"},
		{[]string{"disqus", broken, "--site", "news"}, "line 7: not a thread or post line"},
	} {
		env := importEnv(t)
		var stdout, stderr bytes.Buffer
		err := importWith(t.Context(), c.args, env, &stdout, &stderr, testParsers)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("import %v: %v, want an error with %q", c.args, err, c.want)
		}
		var export bytes.Buffer
		if err := run(t.Context(), []string{"export", "--site", "news"}, env, &export, io.Discard); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(export.String(), `"type":"comment"`) {
			t.Errorf("import %v wrote comments", c.args)
		}
	}
}

// TestImportRoundTrip imports another system's file, exports the site,
// imports that into an empty database with `parley import parley`, and
// exports again: the same bytes.
func TestImportRoundTrip(t *testing.T) {
	env := importEnv(t)
	file := tempFile(t, "export.tsv", lineExport)
	if err := importWith(t.Context(), []string{"disqus", file, "--site", "news", "--moderate"}, env, io.Discard, io.Discard, testParsers); err != nil {
		t.Fatal(err)
	}
	first := filepath.Join(t.TempDir(), "first.jsonl")
	if err := run(t.Context(), []string{"export", "--site", "news", "--out", first}, env, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(t.TempDir(), "empty.db")
	emptyEnv := func(k string) string {
		if k == "PARLEY_DATABASE" {
			return "sqlite:" + empty
		}
		return ""
	}
	if err := run(t.Context(), []string{"import", "parley", first, "--site", "news"}, emptyEnv, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	var again bytes.Buffer
	if err := run(t.Context(), []string{"export", "--site", "news"}, emptyEnv, &again, io.Discard); err != nil {
		t.Fatal(err)
	}
	want, _ := os.ReadFile(first)
	if !bytes.Equal(want, again.Bytes()) {
		t.Errorf("export after the round trip differs:\n%s\n---\n%s", want, again.Bytes())
	}
	for _, kind := range []string{"story", "comment", "user", "revision"} {
		if !bytes.Contains(want, []byte(`{"type":"`+kind+`"`)) {
			t.Errorf("the export has no %s line", kind)
		}
	}
}

// TestImportPublishesOverNATS: with PARLEY_NATS_URL set, running servers
// hear of every story an import wrote.
func TestImportPublishesOverNATS(t *testing.T) {
	ns := natstest.Start(t)
	got := listenOverNATS(t, ns.URL, parley.Topic{Kind: parley.TopicStories, SiteID: "news"})
	db := importEnv(t)
	env := func(k string) string {
		if k == "PARLEY_NATS_URL" {
			return ns.URL
		}
		return db(k)
	}
	file := tempFile(t, "export.tsv", lineExport)
	if err := importWith(t.Context(), []string{"disqus", file, "--site", "news"}, env, io.Discard, io.Discard, testParsers); err != nil {
		t.Fatal(err)
	}
	stories := map[string]bool{}
	for len(stories) < 2 {
		select {
		case ev := <-got:
			if ev.Type == parley.EventStoryChanged {
				stories[ev.StoryID] = true
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("the fleet heard of %v within 10s, want both stories", stories)
		}
	}
}

// TestProgressBar draws the terminal's bar: percent, rate, time left,
// redrawn with \r and ended with a newline.
func TestProgressBar(t *testing.T) {
	var buf bytes.Buffer
	p, err := newProgressPrinter("bar", &buf)
	if err != nil {
		t.Fatal(err)
	}
	p.show(importer.Progress{Phase: importer.PhaseReading, Done: 0, Total: 1000})
	p.show(importer.Progress{Phase: importer.PhaseReading, Done: 250, Total: 1000, Comments: 500, Elapsed: 2 * time.Second})
	p.show(importer.Progress{Phase: importer.PhaseReading, Done: 1000, Total: 1000, Comments: 2000, Elapsed: 8 * time.Second, Final: true})
	out := buf.String()
	for _, want := range []string{"\rreading [######------------------] 25%  500 comments  250 comments/s  ETA 6s",
		"\rreading [########################] 100%  2000 comments  250 comments/s", "\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("bar lacks %q:\n%q", want, out)
		}
	}
}

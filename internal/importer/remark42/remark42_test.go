package remark42

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"parley/internal/importer"
	"parley/internal/importer/importertest"
)

const fixture = "testdata/backup-news-20260601.jsonl"

const (
	kommunalwahl = "https://news.example/2026/03/kommunalwahl"
	harbour      = "https://news.example/2026/04/harbour"
	mercado      = "https://news.example/2026/05/mercado"
	velo         = "https://news.example/2026/05/velo"
)

var (
	lena   = importer.Author{Key: "email_8a7b6c5d4e3f2a1b0c9d", Name: "Lena Hofmann", Email: "lena.hofmann@example.de"}
	jonas  = importer.Author{Key: "github_5f0c1e2d3a4b5c6d7e8f", Name: "Jonas Weber"}
	gast   = importer.Author{Key: "anonymous_3c2b1a0f9e8d7c6b", Name: "Gast aus Linden", Guest: true}
	miriam = importer.Author{Key: "google_0f1e2d3c4b5a69788796", Name: "Miriam Koch"}
	tom    = importer.Author{Key: "google_77aa88bb99cc00dd11ee", Name: "Tom Ashby"}
	priya  = importer.Author{Key: "github_1a2b3c4d5e6f7a8b9c0d", Name: "Priya Natarajan"}
	lucia  = importer.Author{Key: "twitter_5e4d3c2b1a0f9e8d7c6b", Name: "Lucía Fernández"}
	andres = importer.Author{Key: "anonymous_9f8e7d6c5b4a3f2e", Name: "Andrés", Guest: true}
	elodie = importer.Author{Key: "email_0c1d2e3f4a5b6c7d8e9f", Name: "Élodie Martin"}
	hugo   = importer.Author{Key: "github_aa00bb11cc22dd33ee44", Name: "Hugo"}
	erased = importer.Author{Key: "deleted", Name: "deleted"}
)

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t
}

func md(key, thread, parent string, a importer.Author, body, created string) *importer.Post {
	return &importer.Post{Key: key, Thread: thread, Parent: parent, Author: a, Body: body,
		Format: importer.FormatMarkdown, CreatedAt: at(created)}
}

func wantThreads() []*importer.Thread {
	return []*importer.Thread{
		{Key: kommunalwahl, URL: kommunalwahl, Title: "Kommunalwahl: Was die Ergebnisse bedeuten", Closed: true},
		{Key: harbour, URL: harbour, Title: "The harbour plan, explained"},
		{Key: mercado, URL: mercado, Title: "El mercado de abastos reabre"},
		{Key: velo, URL: velo, Title: "Pistes cyclables : le bilan"},
	}
}

func wantPosts() []*importer.Post {
	deleted := md("6b1f0c2e-4444-4a8e-9d1b-0a1b2c3d4e04", kommunalwahl, "", jonas, "", "2026-03-11T19:40:00Z")
	deleted.Status = importer.StatusDeleted
	edited := md("6b1f0c2e-5555-4a8e-9d1b-0a1b2c3d4e05", kommunalwahl, "6b1f0c2e-4444-4a8e-9d1b-0a1b2c3d4e04", miriam,
		"Schade, dass der Beitrag weg ist – ich hätte gern geantwortet.", "2026-03-11T20:05:00Z")
	edited.EditedAt = at("2026-03-11T20:09:12.5Z")
	html := md("9c3e5a7b-0001-4f00-8c00-1d2e3f4a5b01", harbour, "", tom,
		"<p>See <a href=\"https://harbour.example/plan.pdf\">the council&#39;s PDF</a>, page 12:</p>\n"+
			"<blockquote>\n<p>Phase two starts in 2027.</p>\n</blockquote>\n"+
			"<pre><code>budget = 4.2M // per year\n</code></pre>\n", "2026-04-02T12:00:00Z")
	html.Format = importer.FormatHTML
	entities := md("9c3e5a7b-0002-4f00-8c00-1d2e3f4a5b02", harbour, "9c3e5a7b-0001-4f00-8c00-1d2e3f4a5b01", priya,
		"Fish &amp;amp; chips on the quay won&amp;#39;t survive this. &quot;Phase two&quot is a wish, not a date.",
		"2026-04-02T12:30:00Z")
	again := *entities
	noTime := md("d4e5f6a7-0004-4b00-9a00-2b3c4d5e6f04", mercado, "d4e5f6a7-0003-4b00-9a00-2b3c4d5e6f03", lucia,
		"Perdón, quise decir el sábado.", "0001-01-01T00:00:00Z")
	noTime.CreatedAt = time.Time{}
	erasedPost := md("f1a2b3c4-0003-4c00-8b00-3c4d5e6f7a03", velo, "", erased, "", "2026-05-21T11:00:00Z")
	erasedPost.Status = importer.StatusDeleted
	return []*importer.Post{
		md("6b1f0c2e-1111-4a8e-9d1b-0a1b2c3d4e01", kommunalwahl, "", lena,
			"Endlich ist die **Wahlbeteiligung** gestiegen. Gut so!", "2026-03-10T08:15:00Z"),
		md("6b1f0c2e-2222-4a8e-9d1b-0a1b2c3d4e02", kommunalwahl, "6b1f0c2e-1111-4a8e-9d1b-0a1b2c3d4e01", jonas,
			"> Gut so!\n\nNa ja, in meinem Viertel waren es trotzdem nur 41 %.", "2026-03-10T09:02:30Z"),
		// Older than its parent, and mojibake: both the core's to repair.
		md("6b1f0c2e-3333-4a8e-9d1b-0a1b2c3d4e03", kommunalwahl, "6b1f0c2e-2222-4a8e-9d1b-0a1b2c3d4e02", gast,
			"Die StraÃŸenbahn fÃ¤hrt bei uns nur stÃ¼ndlich, da bleibt man lieber daheim.", "2026-03-10T08:00:00Z"),
		deleted,
		edited,
		html,
		entities,
		// An orphan: its parent is not in the file.
		md("9c3e5a7b-0003-4f00-8c00-1d2e3f4a5b03", harbour, "9c3e5a7b-0999-4f00-8c00-1d2e3f4a5b99", tom,
			"Replying to a comment that was removed long ago: the ferry times are wrong too.", "2026-04-03T07:45:00Z"),
		&again,
		// A different comment under an ID already used.
		md("9c3e5a7b-0001-4f00-8c00-1d2e3f4a5b01", harbour, "", priya,
			"Update: the council meets again on 14 April, public gallery open.", "2026-04-04T16:20:00Z"),
		md("", mercado, "", lucia, "¿Alguien sabe si abren también los domingos? ¡Ojalá!", "2026-05-02T09:10:00Z"),
		// Raw Latin-1 bytes in the file, read as the characters meant.
		md("d4e5f6a7-0002-4b00-9a00-2b3c4d5e6f02", mercado, "", andres,
			"Por fin pescado fresco y un café decente. ¡Qué alegría!", "2026-05-02T10:00:00Z"),
		md("d4e5f6a7-0003-4b00-9a00-2b3c4d5e6f03", mercado, "", lucia,
			"Yo fui ayer: el puesto de aceitunas sigue siendo el mejor del barrio.", "2026-05-02T18:30:00Z"),
		noTime,
		md("f1a2b3c4-0001-4c00-8b00-3c4d5e6f7a01", velo, "", elodie,
			"Les pistes sont enfin séparées de la chaussée, « pour de vrai » cette fois.", "2026-05-20T06:30:00Z"),
		md("f1a2b3c4-0002-4c00-8b00-3c4d5e6f7a02", velo, "f1a2b3c4-0001-4c00-8b00-3c4d5e6f7a01", hugo,
			"<b>Attention</b> quand même au carrefour de la gare : le marquage s'arrête net.\n\n`pas de feu vélo`",
			"2026-05-20T07:02:00Z"),
		erasedPost,
	}
}

func check(t *testing.T, got *importertest.Recorder) {
	t.Helper()
	if diff := cmp.Diff(wantThreads(), got.Threads); diff != "" {
		t.Errorf("threads (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(wantPosts(), got.Posts); diff != "" {
		t.Errorf("posts (-want +got):\n%s", diff)
	}
	if len(got.Authors) != 0 {
		t.Errorf("authors = %v, want none: posts carry theirs", got.Authors)
	}
	wantRepairs := map[string]int{importer.RepairEncoding: 1, RepairTimeFormat: 1}
	if diff := cmp.Diff(wantRepairs, got.Repairs); diff != "" {
		t.Errorf("repairs (-want +got):\n%s", diff)
	}
	wantSkips := map[string]int{
		"comment without a page address":        1,
		"line that is not a JSON comment":       1,
		"comment with fields of the wrong type": 1,
	}
	if diff := cmp.Diff(wantSkips, got.Skips); diff != "" {
		t.Errorf("skips (-want +got):\n%s", diff)
	}
}

func TestReadFixture(t *testing.T) {
	f := importertest.Open(t, fixture)
	var got importertest.Recorder
	if err := Read(context.Background(), f, &got); err != nil {
		t.Fatal(err)
	}
	check(t, &got)
}

// TestParseGzip reads the fixture gzipped, as remark42 writes its
// backups (backup-SITE-YYYYMMDD.gz), through importer.Input.
func TestParseGzip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "backup-news-20260601.gz")
	importertest.WriteGzip(t, fixture, path)
	var got importertest.Recorder
	if err := Parse(context.Background(), importer.NewInput(path), &got); err != nil {
		t.Fatal(err)
	}
	check(t, &got)
}

const metaLine = `{"version":1,"users":[],"posts":[]}` + "\n"

func line(url, id, orig string) string {
	return `{"id":"` + id + `","pid":"","text":"","orig":"` + orig + `","user":{"name":"Ana","id":"github_1"},` +
		`"locator":{"site":"news","url":"` + url + `"},"time":"2026-01-02T03:04:05Z"}` + "\n"
}

func TestReadRejects(t *testing.T) {
	raw, err := os.ReadFile(fixture)
	if err != nil {
		t.Fatal(err)
	}
	cut := bytes.Index(raw, []byte("Phase two starts"))
	tests := []struct {
		name, in, want string
	}{
		{"empty file", "", "not a Remark42 backup"},
		{"truncated in the meta", metaLine[:20], "line 1"},
		{"truncated in a comment", string(raw[:cut]), "line 7: the file ends inside a comment"},
		{"a Commento export", `{"version":1,"comments":[],"commenters":[]}`, "not a Remark42 backup"},
		{"a comment first", line("https://a.example/", "c1", "Hallo"), "not a Remark42 backup"},
		{"an array", "[]\n", "not a Remark42 backup"},
		{"another version", `{"version":2,"users":[],"posts":[]}` + "\n", "backup version 2"},
		{"two records on the first line", `{"version":1,"posts":[]}{"version":1}` + "\n", "more than one record"},
		{"deep nesting in the meta", `{"version":1,"users":[` + strings.Repeat("[", 10000) + "\n", "line 1"},
		{"users not a list", `{"version":1,"users":"everyone"}` + "\n", "where a list belongs"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var rec importertest.Recorder
			err := Read(context.Background(), strings.NewReader(tt.in), &rec)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want one saying %q", err, tt.want)
			}
		})
	}
}

func TestReadSkips(t *testing.T) {
	tests := []struct {
		name, in, reason string
	}{
		{"deep nesting in a comment", strings.Repeat("[", 10000) + "\n", "line that is not a JSON comment"},
		{"a field over 8 KiB", line("https://a.example/"+strings.Repeat("x", MaxField), "c1", "Hola"),
			"comment with an ID, name or address over 8 KiB"},
		{"a body over 1 MiB", line("https://a.example/", "c1", strings.Repeat("é", MaxBody/2+1)), "comment text over 1 MiB"},
		{"a user entry of the wrong shape", "", "meta user entry with fields of the wrong type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			meta := metaLine
			if tt.in == "" {
				meta = `{"version":1,"users":[{"id":7}],"posts":[]}` + "\n"
			}
			in := meta + tt.in + line("https://a.example/", "c2", "Bonjour")
			var rec importertest.Recorder
			if err := Read(context.Background(), strings.NewReader(in), &rec); err != nil {
				t.Fatal(err)
			}
			if rec.Skips[tt.reason] != 1 {
				t.Errorf("skips = %v, want %q once", rec.Skips, tt.reason)
			}
			if len(rec.Posts) != 1 || rec.Posts[0].Key != "c2" {
				t.Errorf("posts = %v, want the next line's comment c2", rec.Posts)
			}
		})
	}
}

// hugeLine yields one comment whose text is n bytes, without holding it.
func hugeLine(n int64) io.Reader {
	return importertest.Huge(metaLine+`{"id":"big","locator":{"url":"https://a.example/"},"orig":"`,
		"a", n, "\"}\n"+line("https://a.example/", "after", "Ciao"))
}

// TestReadHugeField reads a 100 MB comment: it is skipped, the next one
// read, and nowhere near its size is allocated.
func TestReadHugeField(t *testing.T) {
	var rec importertest.Recorder
	var err error
	alloc := importertest.Allocated(func() { err = Read(context.Background(), hugeLine(100<<20), &rec) })
	if err != nil {
		t.Fatal(err)
	}
	if rec.Skips["comment line over 8 MiB"] != 1 || len(rec.Posts) != 1 {
		t.Errorf("skips = %v, posts = %d; want the huge line skipped and the next read", rec.Skips, len(rec.Posts))
	}
	if alloc > 32<<20 {
		t.Errorf("allocated %d MB reading a 100 MB line, want it bounded", alloc>>20)
	}
}

// TestReadHugeMeta reads a meta record with a 100 MB user ID: an error,
// with nowhere near its size allocated.
func TestReadHugeMeta(t *testing.T) {
	in := importertest.Huge(`{"version":1,"users":[{"id":"`, "b", 100<<20, "")
	var err error
	alloc := importertest.Allocated(func() { err = Read(context.Background(), in, &importertest.Recorder{}) })
	if err == nil || !strings.Contains(err.Error(), "over 1 MiB") {
		t.Errorf("err = %v, want a user entry over 1 MiB", err)
	}
	if alloc > 32<<20 {
		t.Errorf("allocated %d MB reading a 100 MB meta entry, want it bounded", alloc>>20)
	}
}

// TestReadLatin1InMeta: invalid UTF-8 in the meta record is read as
// Windows-1252 and counted, and the e-mail found is the one meant.
func TestReadLatin1InMeta(t *testing.T) {
	in := "{\"version\":1,\"users\":[{\"id\":\"github_1\",\"details\":{\"email\":\"jos\xe9@example.es\"}}]}\n" +
		line("https://a.example/", "c1", "Hola")
	var rec importertest.Recorder
	if err := Read(context.Background(), strings.NewReader(in), &rec); err != nil {
		t.Fatal(err)
	}
	if len(rec.Posts) != 1 || rec.Posts[0].Author.Email != "josé@example.es" {
		t.Fatalf("posts = %+v, want one by josé@example.es", rec.Posts)
	}
	if rec.Repairs[importer.RepairEncoding] != 1 {
		t.Errorf("repairs = %v, want one broken-encoding", rec.Repairs)
	}
}

func TestReadCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	f := importertest.Open(t, fixture)
	rec := &importertest.Canceller{After: 1, Cancel: cancel}
	if err := Read(ctx, f, rec); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if len(rec.Posts) != 1 {
		t.Errorf("read %d posts after the cancel, want it to stop at 1", len(rec.Posts))
	}
}

var errStage = errors.New("staging is full")

func TestReadEmitterError(t *testing.T) {
	f := importertest.Open(t, fixture)
	if err := Read(context.Background(), f, &importertest.Failing{PostErr: errStage}); !errors.Is(err, errStage) {
		t.Fatalf("err = %v, want the emitter's", err)
	}
}

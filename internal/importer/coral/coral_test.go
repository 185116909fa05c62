package coral

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"parley/internal/importer"
	"parley/internal/importer/importertest"
)

// The fixtures in testdata/ follow Coral's models (github.com/coralproject/
// talk, server/src/core/server/models/{user,story,comment}) as mongoexport
// writes them in Extended JSON v2
// (https://www.mongodb.com/docs/manual/reference/mongodb-extended-json/):
// site/ one document a line, array/ with --jsonArray (stories.json also
// with --pretty).

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

func post(key, thread, parent, author, body string, st importer.Status, created string) *importer.Post {
	return &importer.Post{
		Key: key, Thread: thread, Parent: parent, Author: importer.Author{Key: author},
		Body: body, Format: importer.FormatHTML, Status: st, CreatedAt: at(created),
	}
}

func wantSite() *importertest.Recorder {
	edited := post("c-3", "s-radwege", "c-2", "u-greta",
		"<p>Stimmt, dort ist es eng. Nachtrag: Die Ampel wird im Sommer umgebaut.</p>",
		importer.StatusApproved, "2021-03-01T09:00:00Z")
	edited.EditedAt = at("2021-03-01T09:04:30Z")
	deleted := post("c-6", "s-radwege", "", "", "", importer.StatusDeleted, "2021-03-01T11:00:00Z")
	empty := post("c-23", "s-sequia", "", "u-lucia", "", importer.StatusDeleted, "2021-04-01T10:00:00Z")
	library := []*importer.Post{
		post("c-10", "s-library", "", "u-james", "<p>The vote was 7 to 2. The minutes say the budget line is <code>LIB-2021-04</code>, if you want to look it up.</p>", importer.StatusApproved, "2021-03-10T08:00:00Z"),
		post("c-11", "s-library", "c-10", "u-amelie", "<p>Will the old reading room stay open while they build?</p>", importer.StatusPending, "2021-03-10T09:00:00Z"),
		post("c-12", "s-library", "c-10", "u-greta", "<p>Another waste of our money, if you ask me.</p>", importer.StatusPending, "2021-03-10T09:30:00Z"),
		post("c-13", "s-library", "", "u-james", "<p>Whoever wrote this article has no idea.</p>", importer.StatusRejected, "2021-03-10T10:00:00Z"),
		post("c-14", "s-library", "", "u-amelie", `<p>Cheap watches here: <a href="http://spam.example">spam.example</a></p>`, importer.StatusSpam, "2021-03-10T10:30:00Z"),
		post("c-15", "s-library", "", "u-greta", "<p>Does anyone know when the building work starts?</p>", importer.StatusApproved, "2021-03-11T08:00:00Z"),
		post("c-15", "s-library", "", "u-greta", "<p>Does anyone know when the building work starts?</p>", importer.StatusApproved, "2021-03-11T08:00:00Z"),
		post("c-16", "s-library", "c-15", "u-james", "<p>In May, according to the council.</p>", importer.StatusApproved, "2021-03-11T09:00:00Z"),
		post("c-16", "s-library", "c-15", "u-amelie", "<p>I heard June, actually.</p>", importer.StatusApproved, "2021-03-11T09:10:00Z"),
		post("", "s-library", "", "u-james", "<p>Good news for the town, finally.</p>", importer.StatusApproved, "2021-03-12T08:00:00Z"),
	}
	posts := []*importer.Post{
		post("c-1", "s-radwege", "", "u-greta", `<p>Endlich! Die Pläne der Stadt stehen <a href="https://zeitung.example/plan.pdf">hier</a>.</p><blockquote>Bis 2023 sollen 40 km fertig sein.</blockquote><p>Ich glaube es erst, wenn ich darauf fahre.</p>`, importer.StatusApproved, "2021-03-01T07:00:00Z"),
		post("c-2", "s-radwege", "c-1", "u-juergen", "<p>Die Kreuzung am Bahnhof ist viel zu gefÃ¤hrlich, da mÃ¼sste man zuerst ran.</p>", importer.StatusApproved, "2021-03-01T08:30:00Z"),
		edited,
		post("c-4", "s-radwege", "c-1", "u-james", "<p>Gilt das auch für die Nordstadt?</p>", importer.StatusApproved, "2021-03-01T06:59:00Z"),
		post("c-5", "s-radwege", "c-gibt-es-nicht", "u-greta", "<p>Genau meine Meinung.</p>", importer.StatusApproved, "2021-03-01T10:00:00Z"),
		deleted,
		post("c-7", "s-radwege", "c-6", "u-greta", "<p>Da hast du recht, aber der Ton war daneben.</p>", importer.StatusApproved, "2021-03-01T11:30:00Z"),
	}
	posts = append(posts, library...)
	posts = append(posts,
		post("c-20", "s-sequia", "", "u-lucia", "<p>En mi pueblo ya cortan el agua por las noches.</p>", importer.StatusApproved, "2021-04-01T07:00:00Z"),
		post("c-21", "s-sequia", "c-20", "u-amelie", "<p>¿Y qué dice la Junta?</p>", importer.StatusApproved, "2021-04-01T08:00:00Z"),
		post("c-22", "s-sequia", "c-21", "u-lucia", "<p>Que &amp;aacute;nimo y paciencia, y que la sequ&iacutea pasar&aacute; pronto.</p>", importer.StatusApproved, "2021-04-01T09:00:00Z"),
		empty,
		post("c-24", "s-sequia", "", "u-amelie", "<p>Hay que ahorrar agua entre todos.</p>", importer.StatusApproved, "2021-04-01T09:00:00Z"),
		post("c-26", "s-sequia", "c-20", "u-lucia", "<p>En España nunca se ha visto algo así.</p>", importer.StatusApproved, "2021-04-01T13:00:00Z"),
		post("c-30", "s-noel", "", "u-amelie", "<p>Le vin chaud y est toujours aussi bon, mais les prix ont doublé !</p>", importer.StatusApproved, "2020-12-02T18:00:00Z"),
		post("c-31", "s-noel", "c-30", "u-greta", "<p>C&#39;est vrai, j&#39;y étais samedi.</p>", importer.StatusApproved, "2020-12-03T10:00:00Z"),
	)
	return &importertest.Recorder{
		Authors: []*importer.Author{
			{Key: "u-greta", Name: "Greta Hoffmann", Email: "greta.hoffmann@example.de"},
			{Key: "u-james", Name: "James White", Email: "james.white@example.co.uk", SSO: "cms-4711"},
			{Key: "u-lucia", Name: "Lucía Romero"},
			{Key: "u-amelie", Name: "Amélie Rousseau", Email: "amelie.rousseau@example.fr"},
			{Key: "u-juergen", Name: "Jürgen Schäfer", Email: "juergen@example.de"},
		},
		Threads: []*importer.Thread{
			{Key: "s-radwege", URL: "https://zeitung.example/lokales/radwege-innenstadt", Title: "Neue Radwege für die Innenstadt", CreatedAt: at("2021-03-01T06:12:00Z")},
			{Key: "s-library", URL: "https://herald.example/news/library-vote", Title: "Council approves the new library", Closed: true, CreatedAt: at("2021-03-10T07:00:00Z")},
			{Key: "s-sequia", URL: "https://diario.example/sociedad/sequia-andalucia", Title: "La sequía llega a Andalucía", CreatedAt: at("2021-04-01T00:00:00Z")},
			{Key: "s-noel", URL: "https://journal.example/culture/marche-de-noel", Title: "Le marché de Noël revient place Kléber", Closed: true, CreatedAt: at("2020-12-01T09:00:00Z")},
		},
		Posts: posts,
		Repairs: map[string]int{
			importer.RepairEncoding: 2, // Jürgen's name, c-26's body
			RepairDate:              2, // s-noel's publishedAt, c-24's createdAt
			RepairStatus:            2, // c-20 "approved", c-21 ACCEPTED
			RepairEmpty:             1, // c-23
		},
		Skips: map[string]int{
			"user deleted in Coral":   1,
			"story without an ID":     1,
			"comment without a story": 1,
		},
	}
}

func parseDir(t *testing.T, dir string) *importertest.Recorder {
	t.Helper()
	var rec importertest.Recorder
	if err := Parse(context.Background(), importer.NewInput(dir), &rec); err != nil {
		t.Fatalf("Parse %s: %v", dir, err)
	}
	return &rec
}

func compare(t *testing.T, got, want *importertest.Recorder) {
	t.Helper()
	if d := cmp.Diff(want, got, cmpopts.IgnoreUnexported(importertest.Recorder{})); d != "" {
		t.Errorf("records differ (-want +got):\n%s", d)
	}
}

func TestParseSite(t *testing.T) {
	compare(t, parseDir(t, "testdata/site"), wantSite())
}

// TestParseGzip reads the same folder with each collection gzipped, as
// Input finds name.json.gz for name.json.
func TestParseGzip(t *testing.T) {
	dir := t.TempDir()
	entries, err := os.ReadDir("testdata/site")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		importertest.WriteGzip(t, filepath.Join("testdata/site", e.Name()), filepath.Join(dir, e.Name()+".gz"))
	}
	compare(t, parseDir(t, dir), wantSite())
}

// TestParseArrays reads mongoexport --jsonArray output, on one line and
// with --pretty.
func TestParseArrays(t *testing.T) {
	site := wantSite()
	want := &importertest.Recorder{
		Authors: []*importer.Author{site.Authors[1], site.Authors[3]},
		Threads: []*importer.Thread{site.Threads[1]},
		Posts:   site.Posts[7:9],
	}
	compare(t, parseDir(t, "testdata/array"), want)
}

func TestParseMissingCollection(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"users.json", "comments.json"} {
		if err := os.WriteFile(filepath.Join(dir, name), nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	err := Parse(context.Background(), importer.NewInput(dir), &importertest.Recorder{})
	if err == nil || !strings.Contains(err.Error(), "stories.json") {
		t.Errorf("Parse without stories.json = %v, want an error naming it", err)
	}
	if err := Parse(context.Background(), importer.NewInput("testdata/site/users.json"), &importertest.Recorder{}); err == nil {
		t.Error("Parse of a file, not a folder, succeeded")
	}
}

// TestReadTellsCollections reads documents of every collection from one
// stream, as the fuzz target does, and passes over the kinds not read.
func TestReadTellsCollections(t *testing.T) {
	in := `{"id":"u1","username":"Ana","role":"COMMENTER"}
{"id":"s1","url":"https://a.example/1","createdAt":{"$date":"2021-01-01T00:00:00Z"}}
{"id":"a1","actionType":"REACTION","commentID":"c1","userID":"u1"}
{"id":"c1","storyID":"s1","authorID":"u1","revisions":[{"body":"<p>Hola</p>"}],"status":"NONE"}
`
	var rec importertest.Recorder
	if err := Read(context.Background(), strings.NewReader(in), &rec); err != nil {
		t.Fatal(err)
	}
	want := &importertest.Recorder{
		Authors: []*importer.Author{{Key: "u1", Name: "Ana"}},
		Threads: []*importer.Thread{{Key: "s1", URL: "https://a.example/1", CreatedAt: at("2021-01-01T00:00:00Z")}},
		Posts:   []*importer.Post{{Key: "c1", Thread: "s1", Author: importer.Author{Key: "u1"}, Body: "<p>Hola</p>", Format: importer.FormatHTML}},
		Skips:   map[string]int{"document of no collection read (not a user, story or comment)": 1},
	}
	compare(t, &rec, want)
}

func TestDates(t *testing.T) {
	for _, c := range []struct {
		in   string
		want time.Time
		odd  bool
	}{
		{`{"$date":"2021-03-04T05:06:07.123Z"}`, at("2021-03-04T05:06:07.123Z"), false},
		{`{"$date":"2021-03-04T06:06:07+01:00"}`, at("2021-03-04T05:06:07Z"), false},
		{`{"$date":{"$numberLong":"1614834367123"}}`, at("2021-03-04T05:06:07.123Z"), false},
		{`{"$date":1614834367123}`, at("2021-03-04T05:06:07.123Z"), false},
		{`{"$date":"2021-03-04T06:06:07.123+0100"}`, at("2021-03-04T05:06:07.123Z"), true},
		{`"2021-03-04 05:06:07"`, at("2021-03-04T05:06:07Z"), true},
		{`"2021-03-04T05:06:07Z"`, at("2021-03-04T05:06:07Z"), true},
		{`{"$date":{"$numberLong":"-86400000"}}`, time.Time{}, false}, // 1969: no comment
		{`{"$date":{"$numberLong":"99999999999999999"}}`, time.Time{}, false},
		{`{"$date":"gestern"}`, time.Time{}, false},
		{`{"$date":[1]}`, time.Time{}, false},
		{`null`, time.Time{}, false},
		{`false`, time.Time{}, false},
		{`{}`, time.Time{}, false},
		{`17`, time.Time{}, false},
	} {
		var d date
		if err := d.UnmarshalJSON([]byte(c.in)); err != nil {
			t.Errorf("%s: %v", c.in, err)
		}
		if !d.t.Equal(c.want) || d.odd != c.odd || d.t.Location() != time.UTC {
			t.Errorf("%s = %v (odd %v), want %v (odd %v)", c.in, d.t, d.odd, c.want, c.odd)
		}
	}
}

func TestStatuses(t *testing.T) {
	for _, c := range []struct {
		in    string
		spam  bool
		want  importer.Status
		fixed bool
	}{
		{"NONE", false, importer.StatusApproved, false},
		{"APPROVED", false, importer.StatusApproved, false},
		{"PREMOD", false, importer.StatusPending, false},
		{"SYSTEM_WITHHELD", true, importer.StatusPending, false},
		{"REJECTED", false, importer.StatusRejected, false},
		{"REJECTED", true, importer.StatusSpam, false},
		{"rejected ", false, importer.StatusRejected, true},
		{"ACCEPTED", false, importer.StatusApproved, true},
		{"", false, importer.StatusApproved, true},
		{"FEATURED", false, importer.StatusPending, true},
	} {
		got, fixed := status(c.in, c.spam)
		if got != c.want || fixed != c.fixed {
			t.Errorf("status(%q, %v) = %v, %v; want %v, %v", c.in, c.spam, got, fixed, c.want, c.fixed)
		}
	}
}

// TestHostile feeds inputs no Coral wrote: each either ends in an error
// that says where, or is passed over while what follows is still read.
func TestHostile(t *testing.T) {
	good := `{"id":"c9","storyID":"s1","revisions":[{"body":"ok"}],"status":"NONE"}` + "\n"
	deep := strings.Repeat("[", 10000) + strings.Repeat("]", 10000)
	for _, c := range []struct {
		name  string
		in    string
		err   string // part of the error; "" when none
		skip  string
		posts int
	}{
		{"empty", "", "", "", 0},
		{"truncated", good + `{"id":"c1","storyID":"s1","revisions":[{"body":"abgeschnit`, "the file ends inside the document begun on line 2", "", 1},
		{"truncated array", `[` + strings.TrimSpace(good) + `,`, "the file ends inside the array", "", 1},
		{"cut line", good + `{"id":"c1","storyID":"s1","revisions":[{"body":"ab` + "\n" + good, "", "document that is not valid JSON", 2},
		{"cut line outside a string", good + `{"id":"c1","storyID":"s1","revisions":[{` + "\n" + good, "", "document that is not valid JSON", 2},
		{"xml", `<?xml version="1.0"?><disqus/>`, "line 1 (byte 1)", "", 0},
		{"billion laughs", `<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><lolz>&lol2;</lolz>`, "where a document should begin", "", 0},
		{"string root", `"stories"`, "where a document should begin", "", 0},
		{"number in array", `[1]`, "where a document should begin", "", 0},
		{"nested arrays", `[[{}]]`, "where a document should begin", "", 0},
		{"deep", `{"a":` + deep + "}\n" + good, "", "document nested deeper than 64 levels", 1},
		{"deep unclosed", `{"a":` + strings.Repeat("[", 10000), "the file ends inside", "", 0},
		{"not json", `{"id": tru}` + "\n" + good, "", "comment that is not valid Coral JSON", 1},
		{"wrong types", `{"id":1,"storyID":"s1","revisions":"x"}` + "\n" + good, "", "comment that is not valid Coral JSON", 1},
		{"long key", `{"id":"` + strings.Repeat("k", maxField+1) + `","storyID":"s1"}` + "\n" + good, "", "comment with a field over 8 KiB", 1},
		{"long body", `{"id":"c1","storyID":"s1","revisions":[{"body":"` + strings.Repeat("ü", maxBody/2+1) + `"}]}` + "\n" + good, "", "comment body over 1 MiB", 1},
		{"bom", "\xEF\xBB\xBF" + good, "", "", 1},
		{"half bom", "\xEF\xBB", "byte order mark", "", 0},
		{"invalid utf-8 outside strings", "{\xff}\n" + good, "", "comment that is not valid Coral JSON", 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			var rec importertest.Recorder
			err := Read(context.Background(), strings.NewReader(c.in), &rec)
			switch {
			case c.err == "" && err != nil:
				t.Errorf("error %v", err)
			case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)):
				t.Errorf("error %v, want one with %q", err, c.err)
			}
			if c.skip != "" && rec.Skips[c.skip] != 1 {
				t.Errorf("skips %v, want %q once", rec.Skips, c.skip)
			}
			if len(rec.Posts) != c.posts {
				t.Errorf("%d posts, want %d", len(rec.Posts), c.posts)
			}
		})
	}
}

// TestHugeField reads a 100 MB body: the comment is passed over, the next
// one read, and the parser never allocates anything near the body's size.
func TestHugeField(t *testing.T) {
	r := importertest.Huge(`{"id":"c1","storyID":"s1","revisions":[{"body":"`, "x", 100<<20,
		`"}]}`+"\n"+`{"id":"c2","storyID":"s1","revisions":[{"body":"kurz"}]}`+"\n")
	var rec importertest.Recorder
	var err error
	got := importertest.Allocated(func() { err = Read(context.Background(), r, &rec) })
	if err != nil {
		t.Fatal(err)
	}
	if got > 32<<20 {
		t.Errorf("allocated %d MiB reading a 100 MiB field", got>>20)
	}
	if rec.Skips["document over 4 MiB"] != 1 || len(rec.Posts) != 1 || rec.Posts[0].Key != "c2" {
		t.Errorf("skips %v, posts %d; want the huge one skipped and c2 read", rec.Skips, len(rec.Posts))
	}
}

func TestCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	rec := &importertest.Canceller{After: 1, Cancel: cancel}
	err := Parse(ctx, importer.NewInput("testdata/site"), rec)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Parse = %v, want context.Canceled", err)
	}
	if len(rec.Posts) != 1 {
		t.Errorf("%d posts after the cancel, want 1", len(rec.Posts))
	}
}

var errFull = errors.New("disk full")

func TestEmitterError(t *testing.T) {
	err := Parse(context.Background(), importer.NewInput("testdata/site"), &importertest.Failing{ThreadErr: errFull})
	if !errors.Is(err, errFull) {
		t.Errorf("Parse = %v, want the emitter's error", err)
	}
}

// BenchmarkRead reads comments like the ones Coral writes, to measure the
// parser alone (go test -bench Read -benchmem).
func BenchmarkRead(b *testing.B) {
	var buf bytes.Buffer
	body := strings.Repeat("Ein Satz über die Stadt, die Straßen und den Verkehr. ", 8)
	for i := range 2000 {
		fmt.Fprintf(&buf, `{"_id":{"$oid":"60a1f0c2e4b0a1b2c3d4e5f6"},"id":"c%d","tenantID":"t1","storyID":"s%d","authorID":"u%d","parentID":null,`+
			`"revisions":[{"id":"r%d","body":"<p>%s</p>","actionCounts":{},"metadata":{"linkCount":{"$numberInt":"0"}},"createdAt":{"$date":"2021-03-01T07:00:00.000Z"}}],`+
			`"status":"NONE","actionCounts":{},"childIDs":[],"childCount":{"$numberInt":"0"},"tags":[],"createdAt":{"$date":"2021-03-01T07:00:00.000Z"}}`+"\n",
			i, i%10, i%50, i, body)
	}
	b.SetBytes(int64(buf.Len()))
	b.ReportAllocs()
	for b.Loop() {
		if err := Read(context.Background(), bytes.NewReader(buf.Bytes()), new(importertest.Counter)); err != nil {
			b.Fatal(err)
		}
	}
}

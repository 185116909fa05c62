package commento

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"parley/internal/importer"
	"parley/internal/importer/importertest"
)

const fixture = "testdata/commento-news.example.json"

const (
	fussball = "news.example/2026/06/fussball"
	budget   = "news.example/2026/06/budget"
	fiesta   = "news.example/2026/07/fiesta"
	canicule = "news.example/2026/07/canicule"
)

const (
	greta   = "4f1d9a0c7e2b8d3f"
	felix   = "0b9e8c7d6a5f4e3d"
	sam     = "a3c5e7f9b1d2c4e6"
	ines    = "77e1c2b3a4d5e6f7"
	yannick = "19283746afbecd05"
	mateo   = "5d6e7f8091a2b3c4"
	camille = "e0f1a2b3c4d5e6f7"
)

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t
}

func post(key, thread, parent, author, body, created string) *importer.Post {
	p := &importer.Post{Key: key, Thread: thread, Parent: parent, Author: importer.Author{Key: author},
		Body: body, Format: importer.FormatMarkdown, CreatedAt: at(created)}
	if author == "" {
		p.Author.Guest = true
	}
	return p
}

func with(p *importer.Post, s importer.Status) *importer.Post { p.Status = s; return p }

func wantThreads() []*importer.Thread {
	var ts []*importer.Thread
	for _, k := range []string{fussball, budget, fiesta, canicule} {
		ts = append(ts, &importer.Thread{Key: k, URL: "https://" + k})
	}
	return ts
}

func wantAuthors() []*importer.Author {
	return []*importer.Author{
		{Key: greta, Name: "Greta Sommer", Email: "greta.sommer@example.de"},
		{Key: felix, Name: "Felix Braun"},
		{Key: sam, Name: "Sam Okafor", Email: "sam.okafor@example.co.uk"},
		{Key: ines, Name: "Ines Park", Email: "ines.park@example.com"},
		{Key: yannick, Name: "Yannick", Email: "yannick@example.fr"},
		{Key: mateo, Name: "Mateo Ruiz", Email: "mateo.ruiz@example.es"},
		{Key: camille, Name: "Camille Laurent", Email: "camille.laurent@example.fr"},
	}
}

func wantPosts() []*importer.Post {
	html := post("c301a1b2c3d4e5f6", canicule, "", camille, `<p>Pensez à <a href="https://meteo.example/alertes">la carte `+
		`des alertes</a> avant de sortir.</p><blockquote>Buvez de l&#39;eau.</blockquote>`, "2026-07-18T14:00:00Z")
	html.Format = importer.FormatHTML
	twice := post("c303a1b2c3d4e5f6", canicule, "", camille, "Les piscines municipales ouvrent jusqu'à 22 h cette semaine.",
		"2026-07-19T10:00:00Z")
	again := *twice
	return []*importer.Post{
		post("c001a1b2c3d4e5f6", fussball, "", greta,
			"Was für ein Spiel! Der Ausgleich in der **90. Minute** war verdient.", "2026-06-14T20:55:10.412Z"),
		post("c002a1b2c3d4e5f6", fussball, "c001a1b2c3d4e5f6", felix,
			"> verdient\n\nNaja, der Elfmeter davor war geschenkt.", "2026-06-14T21:03:00Z"),
		// Older than its parent: the core's to repair.
		post("c003a1b2c3d4e5f6", fussball, "c002a1b2c3d4e5f6", greta,
			"Geschenkt? Schau dir die Wiederholung an: klares Foul.", "2026-06-14T20:40:00Z"),
		with(post("c004a1b2c3d4e5f6", fussball, "", "",
			"Ich wÃ¼rde mir mehr SpielzÃ¼ge Ã¼ber auÃŸen wÃ¼nschen.", "2026-06-15T07:12:00Z"), importer.StatusPending),
		// Deleted the way Commento deletes: "[deleted]" by "anonymous".
		with(post("c005a1b2c3d4e5f6", fussball, "", "", "[deleted]", "2026-06-15T09:00:00Z"), importer.StatusDeleted),
		post("c006a1b2c3d4e5f6", fussball, "c005a1b2c3d4e5f6", felix,
			"Wer hat das denn geschrieben? Ich sehe nur noch „gelöscht“.", "2026-06-15T09:30:00Z"),
		post("c101a1b2c3d4e5f6", budget, "", sam, "The [full table](https://news.example/data/budget-2027.csv) is "+
			"worth a look:\n\n> Schools: +3.1%\n\n```\ntotal = 1.84bn\n```", "2026-06-20T11:00:00Z"),
		post("c102a1b2c3d4e5f6", budget, "c101a1b2c3d4e5f6", ines,
			"Roads &amp;amp; bridges get less again &mdash that&amp;#39;s the real story.", "2026-06-20T11:45:00Z"),
		with(post("c103a1b2c3d4e5f6", budget, "", yannick,
			"Cheap loans, no questions asked: visit my site!", "2026-06-20T12:00:00Z"), importer.StatusPending),
		post("c104a1b2c3d4e5f6", budget, "c1ffa1b2c3d4e5f6", sam,
			"Answering a comment that has since gone: yes, the figures are in real terms.", "2026-06-21T08:00:00Z"),
		with(post("c105a1b2c3d4e5f6", budget, "", ines, "[deleted]", "2026-06-21T09:00:00Z"), importer.StatusDeleted),
		post("c101a1b2c3d4e5f6", budget, "", ines, "Does anyone know when the council votes on it?", "2026-06-22T10:00:00Z"),
		post("", fiesta, "", mateo, "¡Qué ambiente en la plaza anoche! ¿Repiten el sábado?", "2026-07-05T23:10:00Z"),
		post("c202a1b2c3d4e5f6", fiesta, "", mateo, "Los fuegos empiezan a las once, según el programa.", "2026-07-06T08:00:00Z"),
		// Raw Latin-1 bytes in the file, read as the characters meant.
		post("c203a1b2c3d4e5f6", fiesta, "c202a1b2c3d4e5f6", "",
			"Cierran la calle Mayor desde las nueve, ¿no? Mi sobrina baila con la peña.", "2026-07-06T09:15:00Z"),
		html,
		post("c302a1b2c3d4e5f6", canicule, "c301a1b2c3d4e5f6", yannick,
			"Merci Camille, je l'envoie à ma grand-mère.", "2026-07-18T15:20:00Z"),
		twice,
		&again,
	}
}

func check(t *testing.T, got *importertest.Recorder) {
	t.Helper()
	if diff := cmp.Diff(wantThreads(), got.Threads); diff != "" {
		t.Errorf("threads (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(wantAuthors(), got.Authors); diff != "" {
		t.Errorf("authors (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(wantPosts(), got.Posts); diff != "" {
		t.Errorf("posts (-want +got):\n%s", diff)
	}
	wantRepairs := map[string]int{importer.RepairEncoding: 1, RepairState: 1, RepairTimeFormat: 1}
	if diff := cmp.Diff(wantRepairs, got.Repairs); diff != "" {
		t.Errorf("repairs (-want +got):\n%s", diff)
	}
	wantSkips := map[string]int{
		"comment without a page":                1,
		"comment with fields of the wrong type": 1,
		"commenter without an ID":               1,
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

// TestParseGzip reads the fixture gzipped, as Commento sends it.
func TestParseGzip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "commento-export.json.gz")
	importertest.WriteGzip(t, fixture, path)
	var got importertest.Recorder
	if err := Parse(context.Background(), importer.NewInput(path), &got); err != nil {
		t.Fatal(err)
	}
	check(t, &got)
}

// TestReadCommentersFirst: the arrays may come in either order, and keys
// the parser does not know are passed over.
func TestReadCommentersFirst(t *testing.T) {
	in := `{"commenters":[{"commenterHex":"abc","email":"ana@example.es","name":"Ana"}],` +
		`"pages":[{"url":"/x","title":"Ignoré"}],"version":1,` +
		`"comments":[{"commentHex":"c1","domain":"blog.example","url":"/x","commenterHex":"abc",` +
		`"markdown":"Hola","parentHex":"root","state":"approved","creationDate":"2026-01-02T03:04:05Z"}]}`
	var got importertest.Recorder
	if err := Read(context.Background(), strings.NewReader(in), &got); err != nil {
		t.Fatal(err)
	}
	threads := []*importer.Thread{{Key: "blog.example/x", URL: "https://blog.example/x"}}
	authors := []*importer.Author{{Key: "abc", Name: "Ana", Email: "ana@example.es"}}
	posts := []*importer.Post{post("c1", "blog.example/x", "", "abc", "Hola", "2026-01-02T03:04:05Z")}
	if diff := cmp.Diff(threads, got.Threads); diff != "" {
		t.Errorf("threads (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(authors, got.Authors); diff != "" {
		t.Errorf("authors (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(posts, got.Posts); diff != "" {
		t.Errorf("posts (-want +got):\n%s", diff)
	}
}

func TestReadRejects(t *testing.T) {
	raw, err := os.ReadFile(fixture)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, in, want string
	}{
		{"empty file", "", "not a Commento export"},
		{"truncated", string(raw[:len(raw)/2]), "cut short"},
		{"truncated in a string", `{"version":1,"comments":[{"commentHex":"c1","markdown":"Hal`, "near byte"},
		{"a Remark42 backup", `{"version":1,"users":[],"posts":[]}` + "\n", "not a Commento export"},
		{"an array", "[]", "not a Commento export"},
		{"another version", `{"version":2,"comments":[]}`, "export version 2"},
		{"two objects", `{"version":1,"comments":[]}{"version":1}`, "more than one value"},
		{"comments not a list", `{"version":1,"comments":{}}`, "where a list belongs"},
		{"deep nesting", `{"version":1,"comments":[` + strings.Repeat("[", 10000), "near byte"},
		{"syntax error", `{"version":1,"comments":[{"commentHex":}]}`, "near byte"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Read(context.Background(), strings.NewReader(tt.in), &importertest.Recorder{})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want one saying %q", err, tt.want)
			}
		})
	}
}

func TestReadSkips(t *testing.T) {
	long := strings.Repeat("x", MaxField+1)
	tests := []struct {
		name, elem, reason string
	}{
		{"a body over 1 MiB", `{"commentHex":"big","domain":"a.example","url":"/","markdown":"` +
			strings.Repeat("ñ", MaxBody/2+1) + `"}`, "comment text over 1 MiB"},
		{"an ID over 8 KiB", `{"commentHex":"` + long + `","domain":"a.example","url":"/"}`,
			"comment with an ID, address or state over 8 KiB"},
		{"a comment that is a number", `7`, "comment with fields of the wrong type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := `{"version":1,"comments":[` + tt.elem + `,{"commentHex":"next","domain":"a.example","url":"/"}],` +
				`"commenters":[{"commenterHex":"` + long + `"}]}`
			var rec importertest.Recorder
			if err := Read(context.Background(), strings.NewReader(in), &rec); err != nil {
				t.Fatal(err)
			}
			if rec.Skips[tt.reason] != 1 || rec.Skips["commenter with an ID, name or e-mail over 8 KiB"] != 1 {
				t.Errorf("skips = %v, want %q once", rec.Skips, tt.reason)
			}
			if len(rec.Posts) != 1 || rec.Posts[0].Key != "next" {
				t.Errorf("posts = %v, want the next comment", rec.Posts)
			}
		})
	}
}

// TestReadHugeField reads a comment with a 100 MB text: an error, since
// JSON cannot be resumed inside a value, with nowhere near its size
// allocated.
func TestReadHugeField(t *testing.T) {
	in := importertest.Huge(`{"version":1,"comments":[{"commentHex":"ok","domain":"a.example","url":"/"},{"markdown":"`, "a", 100<<20, `"}]}`)
	var rec importertest.Recorder
	var err error
	alloc := importertest.Allocated(func() { err = Read(context.Background(), in, &rec) })
	if err == nil || !strings.Contains(err.Error(), "over 8 MiB") {
		t.Errorf("err = %v, want a record over 8 MiB", err)
	}
	if len(rec.Posts) != 1 {
		t.Errorf("posts = %d, want the one before the huge one", len(rec.Posts))
	}
	if alloc > 64<<20 {
		t.Errorf("allocated %d MB reading a 100 MB field, want it bounded", alloc>>20)
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
	if err := Read(context.Background(), f, &importertest.Failing{AuthorErr: errStage}); !errors.Is(err, errStage) {
		t.Fatalf("err = %v, want the emitter's", err)
	}
}

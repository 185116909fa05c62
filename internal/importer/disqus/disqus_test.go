package disqus

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"parley/internal/importer"
	"parley/internal/importer/importertest"
)

// check compares what r recorded with w, record for record.
func check(t *testing.T, r *importertest.Recorder, w want) {
	t.Helper()
	if d := cmp.Diff(w.threads, r.Threads); d != "" {
		t.Errorf("threads (-want +got):\n%s", d)
	}
	if len(r.Authors) != 0 {
		t.Errorf("authors: %d emitted on their own; Disqus has them inline", len(r.Authors))
	}
	if d := cmp.Diff(w.posts, r.Posts); d != "" {
		t.Errorf("posts (-want +got):\n%s", d)
	}
	if d := cmp.Diff(w.repairs, r.Repairs); d != "" {
		t.Errorf("repairs (-want +got):\n%s", d)
	}
	if d := cmp.Diff(w.skips, r.Skips); d != "" {
		t.Errorf("skips (-want +got):\n%s", d)
	}
}

func TestFixtures(t *testing.T) {
	for name, w := range fixtures {
		t.Run(name, func(t *testing.T) {
			var r importertest.Recorder
			if err := Parse(t.Context(), importer.NewInput(filepath.Join("testdata", name)), &r); err != nil {
				t.Fatal(err)
			}
			check(t, &r, w)
		})
	}
}

// TestGzip reads a gzip copy of each fixture, as Disqus mails the export.
func TestGzip(t *testing.T) {
	for name, w := range fixtures {
		path := filepath.Join(t.TempDir(), "export.xml.gz")
		importertest.WriteGzip(t, filepath.Join("testdata", name), path)
		var r importertest.Recorder
		if err := Parse(t.Context(), importer.NewInput(path), &r); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		check(t, &r, w)
	}
}

const head = `<?xml version="1.0" encoding="utf-8"?>
<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">
<thread dsq:id="1"><id>a</id><link>https://news.example/a</link><title>A</title><createdAt>2020-01-01T00:00:00Z</createdAt></thread>
`

const onePost = `<post dsq:id="2"><message>Hallo</message><createdAt>2020-01-02T00:00:00Z</createdAt><thread dsq:id="1"/></post>
`

// TestMalformed: files that cannot be read end in an error that says
// where, never in a panic.
func TestMalformed(t *testing.T) {
	export, err := os.ReadFile("testdata/export.xml")
	if err != nil {
		t.Fatal(err)
	}
	laughs := `<?xml version="1.0"?>
<!DOCTYPE disqus [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<disqus><post><message>&lol3;</message></post></disqus>`
	for _, c := range []struct {
		name, in, err string
	}{
		{"empty", "", "holds no XML element"},
		{"wrong root", `<?xml version="1.0"?><rss version="2.0"><channel/></rss>`, "root element is <rss>"},
		{"truncated", string(export[:len(export)/2]), "truncated"},
		{"truncated in a tag", head + `<post dsq:id="2"><message>Hallo</mess`, "truncated"},
		{"unclosed root", head, "truncated"},
		{"billion laughs", laughs, "declares entities"},
		{"deep nesting", head + strings.Repeat("<a>", 10000) + strings.Repeat("</a>", 10000) + "</disqus>", "nested deeper than 64"},
		{"mismatched tags", head + "<post><message>x</post></disqus>", "malformed XML"},
		{"huge tag", head + "<post " + strings.Repeat("x", 100<<10) + "/></disqus>", "markup too long"},
		{"other encoding", `<?xml version="1.0" encoding="Shift_JIS"?><disqus/>`, "Shift_JIS"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var r importertest.Recorder
			err := Read(t.Context(), strings.NewReader(c.in), &r)
			if err == nil || !strings.Contains(err.Error(), c.err) || !strings.Contains(err.Error(), "line ") {
				t.Fatalf("error %v, want one with a line and %q", err, c.err)
			}
		})
	}
}

// TestTruncatedPosition: the error names the line the file ends on.
func TestTruncatedPosition(t *testing.T) {
	in := head + onePost + "<post dsq:id=\"3\">\n<message>abgeschnit"
	err := Read(t.Context(), strings.NewReader(in), new(importertest.Recorder))
	if !errors.Is(err, io.ErrUnexpectedEOF) || !strings.Contains(err.Error(), "line 6:") {
		t.Fatalf("error %v, want io.ErrUnexpectedEOF at line 6", err)
	}
}

// huge is head, open, size bytes of pattern, close, then one good post.
func huge(open, pattern, close string, size int64) io.Reader {
	return importertest.Huge(head+open, pattern, size, close+onePost+"</disqus>")
}

// TestHugeFields: a field over its bound skips its record, in bounded
// memory, and the records after it are read. The first is 100 MiB; the
// others, 16 MiB, are well over the bound too and keep the test short
// (encoding/xml reads some 20 MB/s here).
func TestHugeFields(t *testing.T) {
	const skipped = "post with a message over 1 MiB"
	for _, c := range []struct {
		name, open, pattern, close, skip string
		size                             int64
		alloc                            uint64 // at most this many bytes allocated in all; 0: not checked
	}{
		{"text", `<post dsq:id="9"><message>`, "Sehr lang. ", `</message><thread dsq:id="1"/></post>`, skipped, 100 << 20, 16 << 20},
		{"CDATA", `<post dsq:id="9"><message><![CDATA[`, "<p>very long</p>", `]]></message><thread dsq:id="1"/></post>`, skipped, 16 << 20, 16 << 20},
		{"line breaks", `<post dsq:id="9"><message>`, "\n", `</message><thread dsq:id="1"/></post>`, skipped, 16 << 20, 16 << 20},
		{"entities", `<post dsq:id="9"><message>`, "&amp;", `</message><thread dsq:id="1"/></post>`, skipped, 16 << 20, 16 << 20},
		// Each tag makes garbage in encoding/xml (its name, the namespace
		// stack), so the allocations grow with the tags; nothing is held.
		{"runs between tags", `<post dsq:id="9"><message>`, "trop long<br/>", `</message><thread dsq:id="1"/></post>`, skipped, 4 << 20, 0},
		{"title", `<thread dsq:id="8"><title>`, "Título larguísimo ", `</title></thread>`, "thread with a field over 64 KiB", 16 << 20, 16 << 20},
		{"comment", `<!--`, "ignorado ", `-->`, "", 16 << 20, 16 << 20},
	} {
		t.Run(c.name, func(t *testing.T) {
			var r importertest.Recorder
			var err error
			alloc := importertest.Allocated(func() { err = Read(t.Context(), huge(c.open, c.pattern, c.close, c.size), &r) })
			if err != nil {
				t.Fatal(err)
			}
			if c.alloc > 0 && alloc > c.alloc {
				t.Errorf("allocated %d MiB for a %d MiB field; it must not be held", alloc>>20, c.size>>20)
			}
			if c.skip != "" && r.Skips[c.skip] != 1 {
				t.Errorf("skips %v, want %q once", r.Skips, c.skip)
			}
			if len(r.Posts) != 1 || r.Posts[0].Key != "2" || r.Posts[0].Body != "Hallo" {
				t.Errorf("posts after the huge field: %+v, want post 2", r.Posts)
			}
		})
	}
}

// TestInvalidUTF8: bytes that are not UTF-8 anywhere do not stop the
// parse; each record with some is counted once.
func TestInvalidUTF8(t *testing.T) {
	in := head + "<post dsq:id=\"2\"><message>Caf\xe9 \xff\xfe cr\xe8me</message><author><name>Ren\xe9e</name></author><thread dsq:id=\"1\"/></post>\n" +
		"<post dsq:id=\"3\"><message>\xc3</message><thread dsq:id=\"1\"/></post></disqus>"
	var r importertest.Recorder
	if err := Read(t.Context(), strings.NewReader(in), &r); err != nil {
		t.Fatal(err)
	}
	if len(r.Posts) != 2 || r.Posts[0].Body != "Café ÿþ crème" || r.Posts[0].Author.Name != "Renée" || r.Posts[1].Body != "Ã" {
		t.Fatalf("posts %+v", r.Posts)
	}
	if r.Repairs[importer.RepairEncoding] != 2 {
		t.Errorf("repairs %v, want broken-encoding twice", r.Repairs)
	}
}

// TestStatus maps the flags of a post, including the <isApproved> some
// exports carry.
func TestStatus(t *testing.T) {
	for flags, st := range map[string]importer.Status{
		"":                               importer.StatusApproved,
		"<isApproved>true</isApproved>":  importer.StatusApproved,
		"<isApproved>false</isApproved>": importer.StatusPending,
		"<isSpam>true</isSpam>":          importer.StatusSpam,
		"<isDeleted>true</isDeleted>":    importer.StatusDeleted,
		"<isDeleted>true</isDeleted><isSpam>true</isSpam>":          importer.StatusSpam,
		"<isDeleted>true</isDeleted><isApproved>false</isApproved>": importer.StatusDeleted,
	} {
		in := head + `<post dsq:id="2"><message>x</message>` + flags + `<thread dsq:id="1"/></post></disqus>`
		var r importertest.Recorder
		if err := Read(t.Context(), strings.NewReader(in), &r); err != nil {
			t.Fatal(err)
		}
		if len(r.Posts) != 1 || r.Posts[0].Status != st {
			t.Errorf("%s: posts %+v, want status %v", flags, r.Posts, st)
		}
	}
}

func TestCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	r := &importertest.Canceller{After: 2, Cancel: cancel}
	err := Parse(ctx, importer.NewInput("testdata/export.xml"), r)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want context.Canceled", err)
	}
	if len(r.Posts) != 2 {
		t.Errorf("%d posts after the cancel at 2", len(r.Posts))
	}
}

var errFull = errors.New("disk full")

func TestEmitterError(t *testing.T) {
	if err := Parse(t.Context(), importer.NewInput("testdata/export.xml"), &importertest.Failing{PostErr: errFull}); !errors.Is(err, errFull) {
		t.Fatalf("error %v, want the emitter's", err)
	}
}

func TestMissingFile(t *testing.T) {
	if err := Parse(t.Context(), importer.NewInput(filepath.Join(t.TempDir(), "nope.xml")), new(importertest.Recorder)); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("error %v, want not exist", err)
	}
}

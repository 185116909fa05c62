package wordpress

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"parley/internal/importer"
	"parley/internal/importer/importertest"
)

const head = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/"><channel><language>en-GB</language>`

const tail = `</channel></rss>`

// doc is a WXR file of the given items.
func doc(items ...string) string { return head + strings.Join(items, "") + tail }

// xitem is a post with the given comments.
func xitem(id string, comments ...string) string {
	return `<item><title>Council vote</title><link>https://example.org/vote/</link><wp:post_id>` + id +
		`</wp:post_id><wp:post_date_gmt>2024-04-01 10:00:00</wp:post_date_gmt><wp:post_type>post</wp:post_type>` +
		strings.Join(comments, "") + `</item>`
}

// xcomment is an approved comment whose content is the raw XML given.
func xcomment(id, content string) string {
	return `<wp:comment><wp:comment_id>` + id + `</wp:comment_id><wp:comment_author>Ruth</wp:comment_author>` +
		`<wp:comment_date_gmt>2024-04-01 11:00:00</wp:comment_date_gmt><wp:comment_content>` + content +
		`</wp:comment_content><wp:comment_approved>1</wp:comment_approved><wp:comment_parent>0</wp:comment_parent></wp:comment>`
}

func read(t *testing.T, r io.Reader) (*importertest.Recorder, error) {
	t.Helper()
	var rec importertest.Recorder
	err := Read(context.Background(), r, &rec)
	return &rec, err
}

func TestMinimal(t *testing.T) {
	rec, err := read(t, strings.NewReader(doc(xitem("1", xcomment("10", "Agreed.")))))
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.Threads) != 1 || len(rec.Posts) != 1 || rec.Posts[0].Body != "Agreed." || rec.Threads[0].Lang != "en-GB" {
		t.Fatalf("threads %+v posts %+v", rec.Threads, rec.Posts)
	}
}

func TestTruncated(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("testdata", "news.xml"))
	if err != nil {
		t.Fatal(err)
	}
	end := strings.LastIndex(string(raw), "</rss>")
	for n := 0; n < end; n += 211 {
		_, err := read(t, strings.NewReader(string(raw[:n])))
		if err == nil || !strings.Contains(err.Error(), "at byte") {
			t.Fatalf("cut at %d: err %v, want one with the position", n, err)
		}
	}
}

func TestNotAnExport(t *testing.T) {
	for name, in := range map[string]string{
		"empty":     "",
		"text":      "just some words",
		"json":      `{"threads": []}`,
		"atom":      `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>x</title></feed>`,
		"disqus":    `<?xml version="1.0"?><disqus xmlns="http://disqus.com"><thread dsq:id="1"/></disqus>`,
		"wxr 2.0":   `<rss xmlns:wp="http://wordpress.org/export/2.0/"><channel></channel></rss>`,
		"unclosed":  `<rss><channel><item>`,
		"mismatch":  `<rss><channel></item></channel></rss>`,
		"bad name":  "<rss><channel><1item></1item></channel></rss>",
		"huge tag":  "<rss><channel><item " + strings.Repeat("a", 100<<10) + "></item></channel></rss>",
		"huge attr": `<rss><channel><category domain="` + strings.Repeat("x", 100<<10) + `"/></channel></rss>`,
	} {
		if _, err := read(t, strings.NewReader(in)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestTrailingContentIgnored(t *testing.T) {
	rec, err := read(t, strings.NewReader(doc(xitem("1", xcomment("10", "Yes.")))+"\n<garbage & more"))
	if err != nil || len(rec.Posts) != 1 {
		t.Fatalf("err %v, %d posts", err, len(rec.Posts))
	}
}

func TestBillionLaughs(t *testing.T) {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY lol "lol">`)
	prev := "lol"
	for i := 1; i <= 9; i++ {
		name := "lol" + string(rune('0'+i))
		b.WriteString(`<!ENTITY ` + name + ` "` + strings.Repeat("&"+prev+";", 10) + `">`)
		prev = name
	}
	b.WriteString(`]><rss xmlns:wp="http://wordpress.org/export/1.2/"><channel>`)
	b.WriteString(xitem("1", xcomment("10", "&lol9;")))
	b.WriteString(tail)
	grown := importertest.Allocated(func() {
		_, err := read(t, strings.NewReader(b.String()))
		if err == nil || !strings.Contains(err.Error(), "entities") {
			t.Errorf("err %v, want the DTD refused", err)
		}
	})
	if grown > 8<<20 {
		t.Errorf("allocated %d bytes", grown)
	}
	// Without the DTD, the entity is unknown: the "&" is kept as text.
	rec, err := read(t, strings.NewReader(doc(xitem("1", xcomment("10", "&lol9;")))))
	if err != nil || len(rec.Posts) != 1 || rec.Posts[0].Body != "&lol9;" || rec.Repairs[importer.RepairEntity] != 1 {
		t.Fatalf("err %v, posts %+v, repairs %v", err, rec.Posts, rec.Repairs)
	}
}

func TestDeepNesting(t *testing.T) {
	for name, in := range map[string]string{
		"in a comment": head + `<item><wp:post_id>1</wp:post_id><wp:comment>` + strings.Repeat("<x>", 10000) + strings.Repeat("</x>", 10000) + `</wp:comment></item>` + tail,
		"in a field":   head + `<item><title>` + strings.Repeat("<b>", 10000) + strings.Repeat("</b>", 10000) + `</title></item>` + tail,
		"unclosed":     head + strings.Repeat("<x>", 10000),
	} {
		_, err := read(t, strings.NewReader(in))
		if err == nil || !strings.Contains(err.Error(), "nested deeper") {
			t.Errorf("%s: err %v", name, err)
		}
	}
}

// HTML markup inside a field, where a hand-made export did not use CDATA,
// is kept as HTML.
func TestMarkupInField(t *testing.T) {
	rec, err := read(t, strings.NewReader(doc(xitem("1", xcomment("10", `See <a href="https://example.org/a?b=1&amp;c=2">the minutes</a>.`)))))
	if err != nil || len(rec.Posts) != 1 {
		t.Fatalf("err %v, posts %+v", err, rec.Posts)
	}
	if want := `See <a href="https://example.org/a?b=1&amp;c=2">the minutes</a>.`; rec.Posts[0].Body != want {
		t.Fatalf("body %q, want %q", rec.Posts[0].Body, want)
	}
}

// repeat yields n bytes of chunk over and over without holding them
// (n rounded down to whole chunks). Every 16 MiB it notes the live heap
// in peak, so that a test sees what the parser holds at once.
type repeat struct {
	chunk string
	n     int64
	at    int
	since int64
	peak  uint64
}

func newRepeat(chunk string, n int64) *repeat {
	return &repeat{chunk: chunk, n: n - n%int64(len(chunk))}
}

func (r *repeat) Read(p []byte) (int, error) {
	if r.n <= 0 {
		return 0, io.EOF
	}
	if r.since >= 16<<20 {
		r.since = 0
		r.peak = max(r.peak, liveHeap())
	}
	k := 0
	for k < len(p) && r.n > 0 {
		c := copy(p[k:], r.chunk[r.at:])
		if int64(c) > r.n {
			c = int(r.n)
		}
		k += c
		r.n -= int64(c)
		r.at = (r.at + c) % len(r.chunk)
	}
	r.since += int64(k)
	return k, nil
}

// liveHeap is the heap in use after a collection.
func liveHeap() uint64 {
	var m runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// huge is a file whose first comment's content is open, n bytes of chunk,
// and close, then a second comment of its own.
func huge(open string, body *repeat, closing string) io.Reader {
	first := `<wp:comment><wp:comment_id>10</wp:comment_id><wp:comment_content>` + open
	rest := closing + `</wp:comment_content><wp:comment_approved>1</wp:comment_approved></wp:comment>` + xcomment("11", "Short and sweet.") + `</item>` + tail
	return io.MultiReader(
		strings.NewReader(head+`<item><wp:post_id>1</wp:post_id>`+first),
		body,
		strings.NewReader(rest))
}

func TestHugeField(t *testing.T) {
	const big = 100 << 20
	for _, c := range []struct {
		name, open, chunk, closing string
		n                          int64
	}{
		{"cdata", "<![CDATA[", "<p>Ein sehr langer Kommentar über den Haushalt.</p>\n", "]]>", big},
		{"text", "", "Un commentaire très long &amp; sans fin. ", "", big},
		{"several cdata", "", "<![CDATA[abc]]>", "", 8 << 20},
		{"markup", "", "<b>x</b>", "", 4 << 20},
		{"invalid utf-8", "<![CDATA[", "\xff\xfe caf\xe9 ", "]]>", 16 << 20},
	} {
		t.Run(c.name, func(t *testing.T) {
			base := liveHeap()
			body := newRepeat(c.chunk, c.n)
			rec, err := read(t, huge(c.open, body, c.closing))
			if err != nil {
				t.Fatal(err)
			}
			if body.peak > base+16<<20 {
				t.Errorf("held %d MiB reading a %d MiB field", (body.peak-base)>>20, c.n>>20)
			}
			if rec.Skips["comment text over 1 MiB"] != 1 || len(rec.Posts) != 1 || rec.Posts[0].Key != "11" {
				t.Errorf("skips %v, posts %+v", rec.Skips, rec.Posts)
			}
		})
	}
}

// A huge field the parser does not read, the post's own content, costs
// nothing and skips nothing.
func TestHugeUnreadField(t *testing.T) {
	in := io.MultiReader(
		strings.NewReader(head+`<item><wp:post_id>1</wp:post_id><content:encoded xmlns:content="http://purl.org/rss/1.0/modules/content/"><![CDATA[`),
		newRepeat("<img src=\"data:image/png;base64,iVBORw0KGgo\">", 64<<20),
		strings.NewReader(`]]></content:encoded>`+xcomment("11", "Lovely photo.")+`</item>`+tail))
	rec, err := read(t, in)
	if err != nil || len(rec.Skips) != 0 || len(rec.Posts) != 1 {
		t.Fatalf("err %v, skips %v, posts %d", err, rec.Skips, len(rec.Posts))
	}
}

func TestLongFields(t *testing.T) {
	long := strings.Repeat("n", MaxField+1)
	in := doc(
		xitem("1", strings.Replace(xcomment("10", "Fine."), "Ruth", long, 1), xcomment("11", "Also fine.")),
		strings.Replace(xitem("2", xcomment("20", "Lost with its item.")), "Council vote", long, 1),
	)
	rec, err := read(t, strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{
		"comment with a field over its size limit": 1,
		"item with a field over its size limit":    1,
		"comment on a skipped item":                1,
	}
	if len(rec.Posts) != 1 || rec.Posts[0].Key != "11" || len(rec.Threads) != 1 {
		t.Errorf("posts %+v threads %+v", rec.Posts, rec.Threads)
	}
	for k, n := range want {
		if rec.Skips[k] != n {
			t.Errorf("skips %v, want %v", rec.Skips, want)
		}
	}
}

func TestInvalidUTF8(t *testing.T) {
	in := doc(xitem("1", xcomment("10", "<![CDATA[\xc3\x28 \xe2\x82 \xed\xa0\x80 \xef\xbf\xbf \x01]]>")))
	rec, err := read(t, strings.NewReader(in))
	if err != nil || len(rec.Posts) != 1 {
		t.Fatalf("err %v, posts %+v", err, rec.Posts)
	}
	if want := "Ã( â‚ í\u00a0€ \ufffd  "; rec.Posts[0].Body != strings.TrimSpace(want) {
		t.Errorf("body %q, want %q", rec.Posts[0].Body, want)
	}
	if rec.Repairs[importer.RepairEncoding] != 1 {
		t.Errorf("repairs %v", rec.Repairs)
	}
}

func TestCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	e := &importertest.Canceller{After: 1, Cancel: cancel}
	f := importertest.Open(t, filepath.Join("testdata", "news.xml"))
	if err := Read(ctx, f, e); !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v, want context.Canceled", err)
	}
	if len(e.Posts) != 1 {
		t.Fatalf("%d posts after the cancel", len(e.Posts))
	}
}

var errRefused = errors.New("refused")

func TestEmitterError(t *testing.T) {
	e := importertest.Failing{ThreadErr: errRefused}
	if err := Read(context.Background(), strings.NewReader(doc(xitem("1", xcomment("10", "x")))), &e); !errors.Is(err, errRefused) {
		t.Fatalf("err %v, want the emitter's", err)
	}
	if len(e.Posts) != 0 {
		t.Fatalf("posts after a refused thread: %+v", e.Posts)
	}
}

package importertest

import (
	"context"
	"strings"
	"testing"
	"time"

	"parley/internal/importer"
)

// TestChecker: each invariant, broken once, is the error; the records that
// keep them all are none.
func TestChecker(t *testing.T) {
	ctx := context.Background()
	loose := Bounds{Field: 4, Body: 8}
	strict := Bounds{Field: 4, Body: 8, ThreadKeys: true, ThreadsOnce: true, ThreadFirst: true, AuthorsOnce: true, HTML: true}
	good := func(c *Checker) {
		c.Thread(ctx, &importer.Thread{Key: "t", URL: "u", CreatedAt: time.Unix(1, 0).UTC()})
		c.Author(ctx, &importer.Author{Key: "a", Name: "n"})
		c.Post(ctx, &importer.Post{Key: "p", Thread: "t", Author: importer.Author{Key: "a"}, Body: "12345678", Format: importer.FormatHTML, Status: importer.StatusDeleted})
		c.Repaired("kind")
		c.Skipped("reason")
	}
	berlin := time.FixedZone("CET", 3600)
	fakeUTC := time.FixedZone("UTC", 0)
	for _, tt := range []struct {
		name string
		b    Bounds
		emit func(c *Checker)
		want string // in the error; "" for none
	}{
		{"good", strict, good, ""},
		{"good loose", loose, good, ""},
		{"thread field long", loose, func(c *Checker) { c.Thread(ctx, &importer.Thread{Title: "12345"}) }, "a thread's field of 5 bytes"},
		{"thread ident UTF-8", loose, func(c *Checker) { c.Thread(ctx, &importer.Thread{Ident: "\xff"}) }, "not valid UTF-8"},
		{"thread lang", loose, func(c *Checker) { c.Thread(ctx, &importer.Thread{Lang: "de-DE-x"}) }, "a thread's field"},
		{"thread key long", loose, func(c *Checker) { c.Thread(ctx, &importer.Thread{Key: "guid:1"}) }, "a thread's key"},
		{"thread key bound", Bounds{Field: 4, ThreadKey: 6}, func(c *Checker) { c.Thread(ctx, &importer.Thread{Key: "guid:1"}) }, ""},
		{"thread URL bound", Bounds{Field: 4, URL: 8}, func(c *Checker) { c.Thread(ctx, &importer.Thread{URL: "123456789"}) }, "a thread's URL of 9"},
		{"thread time", loose, func(c *Checker) { c.Thread(ctx, &importer.Thread{CreatedAt: time.Unix(1, 0).In(berlin)}) }, "thread time"},
		{"thread time named UTC", loose, func(c *Checker) { c.Thread(ctx, &importer.Thread{CreatedAt: time.Unix(1, 0).In(fakeUTC)}) }, "thread time"},
		{"thread without key", strict, func(c *Checker) { c.Thread(ctx, &importer.Thread{}) }, "a thread without a key"},
		{"thread without key loose", loose, func(c *Checker) { c.Thread(ctx, &importer.Thread{}) }, ""},
		{"thread twice", strict, func(c *Checker) {
			c.Thread(ctx, &importer.Thread{Key: "t"})
			c.Thread(ctx, &importer.Thread{Key: "t"})
		}, `thread "t" emitted twice`},
		{"thread twice loose", loose, func(c *Checker) {
			c.Thread(ctx, &importer.Thread{Key: "t"})
			c.Thread(ctx, &importer.Thread{Key: "t"})
		}, ""},
		{"author on its own", Bounds{Field: 4, NoAuthors: true}, func(c *Checker) { c.Author(ctx, &importer.Author{Key: "a"}) }, "on its own"},
		{"author twice", strict, func(c *Checker) {
			c.Author(ctx, &importer.Author{Key: "a"})
			c.Author(ctx, &importer.Author{Key: "a"})
		}, "emitted twice"},
		{"author without key", strict, func(c *Checker) { c.Author(ctx, &importer.Author{}) }, "empty or emitted twice"},
		{"author without key loose", loose, func(c *Checker) { c.Author(ctx, &importer.Author{}) }, ""},
		{"author key bound", Bounds{Field: 4, AuthorKey: 6}, func(c *Checker) { c.Author(ctx, &importer.Author{Key: "user:1"}) }, ""},
		{"author key long", loose, func(c *Checker) { c.Author(ctx, &importer.Author{Key: "user:1"}) }, "an author's key"},
		{"author email", loose, func(c *Checker) { c.Author(ctx, &importer.Author{Email: "a@b.c"}) }, "an author's field"},
		{"author SSO", loose, func(c *Checker) { c.Author(ctx, &importer.Author{SSO: "\xe9"}) }, "not valid UTF-8"},
		{"post without thread", loose, func(c *Checker) { c.Post(ctx, &importer.Post{Key: "p"}) }, `post "p" without a thread key`},
		{"post before thread", strict, func(c *Checker) { c.Post(ctx, &importer.Post{Key: "p", Thread: "t", Format: importer.FormatHTML}) }, "not emitted before it"},
		{"post before thread loose", loose, func(c *Checker) { c.Post(ctx, &importer.Post{Key: "p", Thread: "t"}) }, ""},
		{"body long", loose, func(c *Checker) { c.Post(ctx, &importer.Post{Thread: "t", Body: "123456789"}) }, "a post's body of 9"},
		{"body UTF-8", loose, func(c *Checker) { c.Post(ctx, &importer.Post{Thread: "t", Body: "caf\xe9"}) }, "a post's body is not valid UTF-8"},
		{"post key", loose, func(c *Checker) { c.Post(ctx, &importer.Post{Thread: "t", Key: "12345"}) }, "a post's key"},
		{"post parent", loose, func(c *Checker) { c.Post(ctx, &importer.Post{Thread: "t", Parent: "\xff"}) }, "a post's parent"},
		{"post thread long", Bounds{Field: 4, ThreadKey: 6}, func(c *Checker) { c.Post(ctx, &importer.Post{Thread: "guid:12"}) }, "a post's thread of 7"},
		{"inline author", loose, func(c *Checker) { c.Post(ctx, &importer.Post{Thread: "t", Author: importer.Author{Name: "12345"}}) }, "a post's author's field"},
		{"inline author key", Bounds{Field: 4, AuthorKey: 6}, func(c *Checker) { c.Post(ctx, &importer.Post{Thread: "t", Author: importer.Author{Key: "user:12"}}) }, "a post's author's key"},
		{"post time", loose, func(c *Checker) { c.Post(ctx, &importer.Post{Thread: "t", CreatedAt: time.Unix(1, 0).In(berlin)}) }, "post time"},
		{"edit time", loose, func(c *Checker) { c.Post(ctx, &importer.Post{Thread: "t", EditedAt: time.Unix(1, 0).In(fakeUTC)}) }, "post edit time"},
		{"format", Bounds{Field: 4, HTML: true}, func(c *Checker) { c.Post(ctx, &importer.Post{Thread: "t", Format: importer.FormatMarkdown}) }, "want HTML"},
		{"format loose", loose, func(c *Checker) { c.Post(ctx, &importer.Post{Thread: "t", Format: importer.FormatMarkdown}) }, ""},
		{"status", loose, func(c *Checker) { c.Post(ctx, &importer.Post{Thread: "t", Status: importer.StatusDeleted + 1}) }, "status"},
		{"repair", loose, func(c *Checker) { c.Repaired("") }, "a repair without a kind"},
		{"skip", loose, func(c *Checker) { c.Skipped("") }, "a skip without a reason"},
		{"first kept", loose, func(c *Checker) {
			c.Repaired("")
			c.Skipped("")
		}, "repair"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := NewChecker(tt.b)
			tt.emit(c)
			err := c.Err()
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("err = %v, want none", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("err = %v, want one with %q", err, tt.want)
			}
		})
	}
}

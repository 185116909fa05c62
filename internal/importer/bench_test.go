package importer_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"parley"
	"parley/internal/importer"
	"parley/internal/store/sqlite"
)

// generated emits threads posts in the order of a Disqus export: every
// thread first, then posts of any thread, a third of them replies. It
// makes each record as it goes, holding none.
func generated(threads, posts int) importer.Parser {
	return func(ctx context.Context, _ *importer.Input, e importer.Emitter) error {
		for i := range threads {
			t := &importer.Thread{Key: strconv.Itoa(i), URL: fmt.Sprintf("https://news.example/%d", i), Title: fmt.Sprintf("Artikel %d", i), Lang: "de"}
			if err := e.Thread(ctx, t); err != nil {
				return err
			}
		}
		for i := range posts {
			p := &importer.Post{Key: strconv.Itoa(i), Thread: strconv.Itoa(i * 7919 % threads), CreatedAt: at(i),
				Author: importer.Author{Name: fmt.Sprintf("Leser %d", i%5000), Email: fmt.Sprintf("leser%d@example.org", i%5000)},
				Body:   fmt.Sprintf("<p>Kommentar %d: <b>Das</b> sehe ich anders, aus guten Gründen.</p>", i), Format: importer.FormatHTML}
			if i%3 == 2 {
				p.Parent = strconv.Itoa(i - threads) // the post one round of threads earlier: the same thread
			}
			if err := e.Post(ctx, p); err != nil {
				return err
			}
		}
		return nil
	}
}

// BenchmarkRun imports generated posts into a fresh SQLite file per
// iteration; PARLEY_IMPORT_BENCH_POSTS sets how many (default 10,000, in
// a thread per 100 posts).
func BenchmarkRun(b *testing.B) {
	posts := 10000
	if n, err := strconv.Atoi(os.Getenv("PARLEY_IMPORT_BENCH_POSTS")); err == nil && n > 0 {
		posts = n
	}
	threads := max(1, posts/100)
	parse := generated(threads, posts)
	in := importer.NewInput(os.DevNull)
	for b.Loop() {
		dir := b.TempDir()
		store, err := sqlite.Open(b.Context(), filepath.Join(dir, "parley.db"))
		if err != nil {
			b.Fatal(err)
		}
		if err := store.CreateSite(b.Context(), &parley.Site{ID: "news", Name: "News", Origins: []string{"https://news.example"},
			EditWindow: parley.DefaultEditWindow, MaxBodyLength: parley.DefaultMaxBodyLength, CreatedAt: parley.Now()}); err != nil {
			b.Fatal(err)
		}
		sum, err := importer.Run(b.Context(), store, importer.Options{Site: "news", Source: "bench", WorkDir: dir}, parse, in)
		if err != nil {
			b.Fatal(err)
		}
		if sum.Comments != posts {
			b.Fatalf("imported %d comments of %d: %+v", sum.Comments, posts, sum)
		}
		b.ReportMetric(float64(posts)/sum.Elapsed.Seconds(), "comments/s")
		store.Close()
	}
}

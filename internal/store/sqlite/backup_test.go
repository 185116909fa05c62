package sqlite

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"parley"
)

// TestBackupWhileWriting backs up a database while a goroutine keeps
// posting, restores the copy in place of another file and checks that it is
// whole and holds every comment acknowledged before the backup began.
func TestBackupWhileWriting(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "live.db")
	s := mustOpen(t, path)
	site := &parley.Site{ID: "news", Name: "News", Origins: []string{"https://news.example"},
		EditWindow: parley.DefaultEditWindow, MaxBodyLength: parley.DefaultMaxBodyLength, CreatedAt: parley.Now()}
	if err := s.CreateSite(ctx, site); err != nil {
		t.Fatal(err)
	}
	story, err := s.EnsureStory(ctx, &parley.Story{SiteID: "news", ID: "s1", URL: "https://news.example/s1",
		Title: "S1", Lang: "en", Status: parley.StoryOpen, CreatedAt: parley.Now()})
	if err != nil {
		t.Fatal(err)
	}
	user := &parley.User{ID: parley.NewID(parley.Now()), SiteID: "news", Name: "Ada", TokenHash: "h", CreatedAt: parley.Now()}
	if err := s.CreateUser(ctx, user); err != nil {
		t.Fatal(err)
	}

	var mu sync.Mutex
	var acked []string
	post := func() error {
		at := parley.Now()
		c := &parley.Comment{ID: parley.NewID(at), SiteID: "news", StoryID: story.ID, AuthorID: user.ID,
			AuthorName: "Ada", Body: "b", HTML: "<p>b</p>", Status: parley.StatusApproved, CreatedAt: at}
		c.RootID = c.ID
		if err := s.CreateComment(ctx, c); err != nil {
			return err
		}
		mu.Lock()
		acked = append(acked, c.ID)
		mu.Unlock()
		return nil
	}
	for range 50 {
		if err := post(); err != nil {
			t.Fatal(err)
		}
	}
	stop, going := make(chan struct{}), make(chan struct{})
	posted := make(chan int)
	var writeErr error
	go func() {
		n := 0
		for {
			if n == 10 {
				close(going) // the backup starts while posts keep coming
			}
			select {
			case <-stop:
				posted <- n
				return
			default:
			}
			if writeErr = post(); writeErr != nil {
				posted <- n
				return
			}
			n++
		}
	}()
	select {
	case <-going:
	case n := <-posted:
		t.Fatalf("the poster stopped after %d: %v", n, writeErr)
	}
	mu.Lock()
	before := append([]string(nil), acked...)
	mu.Unlock()
	backup := filepath.Join(dir, "copy.db")
	if err := Backup(ctx, path, backup); err != nil {
		t.Fatalf("Backup: %v", err)
	}
	close(stop)
	if n := <-posted; writeErr != nil {
		t.Fatalf("posting during the backup failed after %d: %v", n, writeErr)
	}
	if err := Backup(ctx, path, backup); parley.ErrorCode(err) != parley.ECONFLICT {
		t.Errorf("second Backup to the same file: %v, want a conflict", err)
	}

	target := filepath.Join(dir, "restored.db")
	if _, err := Restore(ctx, backup, path); parley.ErrorCode(err) != parley.ECONFLICT {
		t.Errorf("Restore over a database in use: %v, want a conflict", err)
	}
	if _, err := Restore(ctx, backup, target); err != nil {
		t.Fatalf("Restore: %v", err)
	}
	r := mustOpen(t, target)
	var check string
	if err := r.read.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity_check = %q, %v", check, err)
	}
	for _, id := range before {
		if _, err := r.Comment(ctx, id); err != nil {
			t.Fatalf("comment %s acknowledged before the backup: %v", id, err)
		}
	}
	st, err := r.Story(ctx, "news", "s1")
	if err != nil || st.CommentCount < len(before) {
		t.Errorf("restored story count %v, %v; want at least %d", st, err, len(before))
	}
}

// TestRestoreRefuses checks the refusals: not SQLite, not Parley, newer.
func TestRestoreRefuses(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	junk := filepath.Join(dir, "junk.db")
	os.WriteFile(junk, []byte("not a database at all, not even close to one"), 0o600)
	if _, err := Restore(ctx, junk, filepath.Join(dir, "a.db")); parley.ErrorCode(err) != parley.EINVALID {
		t.Errorf("Restore of junk: %v", err)
	}
	newer := filepath.Join(dir, "newer.db")
	s := mustOpen(t, newer)
	if _, err := s.write.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES (9999, 0)`); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := Restore(ctx, newer, filepath.Join(dir, "b.db")); parley.ErrorCode(err) != parley.EINVALID {
		t.Errorf("Restore of a newer schema: %v", err)
	}
	live := filepath.Join(dir, "live.db")
	l := mustOpen(t, live)
	if err := l.CreateSite(ctx, &parley.Site{ID: "x", Name: "X", MaxBodyLength: 10, CreatedAt: parley.Now()}); err != nil {
		t.Fatal(err)
	}
	if _, err := Restore(ctx, live, filepath.Join(dir, "c.db")); parley.ErrorCode(err) != parley.EINVALID {
		t.Errorf("Restore of a live database with its WAL: %v", err)
	}
}

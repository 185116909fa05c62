package sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"parley"
	"parley/internal/store/storetest"
)

// mustOpen opens a store on path and closes it when the test ends.
func mustOpen(t testing.TB, path string) *Store {
	t.Helper()
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatalf("Open(%s): %v", path, err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

func TestContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) parley.Store {
		return mustOpen(t, filepath.Join(t.TempDir(), "parley.db"))
	})
}

func TestPragmas(t *testing.T) {
	s := mustOpen(t, filepath.Join(t.TempDir(), "parley.db"))
	for name, db := range map[string]*sql.DB{"reader": s.read, "writer": s.write} {
		want := map[string]string{"journal_mode": "wal", "synchronous": "2", "foreign_keys": "1", "busy_timeout": "10000"}
		for pragma, value := range want {
			var got string
			if err := db.QueryRow("PRAGMA " + pragma).Scan(&got); err != nil {
				t.Fatalf("%s: PRAGMA %s: %v", name, pragma, err)
			}
			if got != value {
				t.Errorf("%s: %s = %q, want %q", name, pragma, got, value)
			}
		}
	}
	if _, err := s.read.Exec(`DELETE FROM sites`); err == nil {
		t.Error("a reader connection could write")
	}
}

func TestReopen(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "parley.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	at := parley.Now()
	site := &parley.Site{ID: "news", Name: "News", Origins: []string{"https://news.example"}, MaxBodyLength: 100, CreatedAt: at}
	story := &parley.Story{SiteID: "news", ID: "a", Status: parley.StoryOpen, CreatedAt: at}
	c := &parley.Comment{ID: parley.NewID(at), SiteID: "news", StoryID: "a", AuthorID: "u", Body: "b", HTML: "<p>b</p>",
		Status: parley.StatusApproved, CreatedAt: at}
	c.RootID = c.ID
	mustDo(t, s.CreateSite(ctx, site))
	_, err = s.EnsureStory(ctx, story)
	mustDo(t, err)
	mustDo(t, s.CreateComment(ctx, c))
	before := migrationsApplied(t, s)
	mustDo(t, s.Close())

	s = mustOpen(t, path)
	got, err := s.Comment(ctx, c.ID)
	mustDo(t, err)
	if d := cmp.Diff(c, got); d != "" {
		t.Errorf("comment after reopening (-want +got):\n%s", d)
	}
	if st, err := s.Story(ctx, "news", "a"); err != nil || st.CommentCount != 1 {
		t.Errorf("story after reopening = %+v, %v; want CommentCount 1", st, err)
	}
	after := migrationsApplied(t, s)
	if d := cmp.Diff(before, after); d != "" || len(after) == 0 {
		t.Errorf("migrations after reopening (-before +after):\n%s", d)
	}
}

// migrationsApplied returns the rows of schema_migrations.
func migrationsApplied(t *testing.T, s *Store) [][2]int64 {
	t.Helper()
	rows, err := s.read.Query(`SELECT version, applied_at FROM schema_migrations ORDER BY version`)
	mustDo(t, err)
	defer rows.Close()
	var out [][2]int64
	for rows.Next() {
		var v [2]int64
		mustDo(t, rows.Scan(&v[0], &v[1]))
		out = append(out, v)
	}
	mustDo(t, rows.Err())
	return out
}

// TestQueryPlans checks that every page query seeks an index and reads it
// in order: no full scan, no sorting in a temporary b-tree, so page 1 costs
// the same however long the thread.
func TestQueryPlans(t *testing.T) {
	s := mustOpen(t, filepath.Join(t.TempDir(), "parley.db"))
	type query struct {
		sql   string
		nargs int
	}
	queries := map[string]query{"replies": {repliesQuery, 2}, "user comments": {userCommentsQuery, 4}}
	for _, sort := range []string{parley.SortNewest, parley.SortOldest, parley.SortTop, parley.SortReplies} {
		for after, page := range map[bool]string{false: "page 1", true: "page n"} {
			q, err := pageQuery(sort, after, true)
			mustDo(t, err)
			queries[sort+" "+page] = query{q, 6}
			if sort == parley.SortNewest || sort == parley.SortOldest { // replies are read by time only
				q, err = pageQuery(sort, after, false)
				mustDo(t, err)
				queries["replies "+sort+" "+page] = query{q, 6}
			}
		}
	}
	for name, q := range queries {
		args := make([]any, q.nargs)
		for i := range args {
			args[i] = "x"
		}
		plan := explain(t, s.read, q.sql, args...)
		if !strings.Contains(plan, "SEARCH comments USING INDEX") || strings.Contains(plan, "TEMP B-TREE") {
			t.Errorf("%s: plan does not seek an index in order:\n%s", name, plan)
		}
	}
}

// TestEventPlans checks that replaying a story's events seeks the events
// indexes for both the ID and the time condition: a reader who catches up
// must not read the story's whole log.
func TestEventPlans(t *testing.T) {
	s := mustOpen(t, filepath.Join(t.TempDir(), "parley.db"))
	plan := explain(t, s.read, eventsQuery, "site", "story", 1, 2, 3)
	for _, want := range []string{"SEARCH events USING INDEX events_story (", "SEARCH events USING INDEX events_story_time ("} {
		if !strings.Contains(plan, want) || strings.Contains(plan, "SCAN events") {
			t.Errorf("events plan lacks %q or scans the table:\n%s", want, plan)
		}
	}
	if plan := explain(t, s.read, lastEventQuery, "site", "story"); !strings.Contains(plan, "INDEX events_story (") {
		t.Errorf("LastEventID plan misses events_story:\n%s", plan)
	}
	// The reader of the whole log: both branches seek the primary key,
	// the holes by lookup, so a read costs what it returns.
	plan = explain(t, s.read, logEventsQuery, 1, "[2, 3]", 10)
	if strings.Count(plan, "SEARCH events USING INTEGER PRIMARY KEY") != 2 || strings.Contains(plan, "SCAN events") {
		t.Errorf("LogEvents plan does not seek the primary key twice:\n%s", plan)
	}
}

func explain(t *testing.T, db *sql.DB, query string, args ...any) string {
	t.Helper()
	rows, err := db.Query("EXPLAIN QUERY PLAN "+query, args...)
	mustDo(t, err)
	defer rows.Close()
	var lines []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		mustDo(t, rows.Scan(&id, &parent, &unused, &detail))
		lines = append(lines, detail)
	}
	mustDo(t, rows.Err())
	return strings.Join(lines, "\n")
}

func mustDo(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestKeySharedBetweenInstances opens the same file twice, as two processes
// would, and checks that both agree on a key made while both ask for it.
func TestKeySharedBetweenInstances(t *testing.T) {
	path := filepath.Join(t.TempDir(), "parley.db")
	a, b := mustOpen(t, path), mustOpen(t, path)
	storetest.MustAgreeOnKey(t, "form", a, b, a, b)
}

// TestClaimsSharedBetweenInstances opens the same file twice, as two
// processes would, and checks that no message is claimed by both.
func TestClaimsSharedBetweenInstances(t *testing.T) {
	path := filepath.Join(t.TempDir(), "parley.db")
	a, b := mustOpen(t, path), mustOpen(t, path)
	storetest.MustClaimOnce(t, parley.Now(), a, b, a, b)
}

package main

import (
	"bytes"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"

	"parley"
	"parley/internal/store/postgres/pgtest"
)

// importFixtures are the parsers' own fixtures, each written to its format's
// documentation with every fault the format can carry.
var importFixtures = []struct{ format, path string }{
	{"disqus", "../../internal/importer/disqus/testdata/export.xml"},
	{"disqus", "../../internal/importer/disqus/testdata/faults.xml"},
	{"disqus", "../../internal/importer/disqus/testdata/latin1.xml"},
	{"wordpress", "../../internal/importer/wordpress/testdata/news.xml"},
	{"wordpress", "../../internal/importer/wordpress/testdata/latin1.xml"},
	{"remark42", "../../internal/importer/remark42/testdata/backup-news-20260601.jsonl"},
	{"commento", "../../internal/importer/commento/testdata/commento-news.example.json"},
	{"coral", "../../internal/importer/coral/testdata/site"},
	{"coral", "../../internal/importer/coral/testdata/array"},
}

// TestImportFormats runs every fixture through `parley import` on SQLite
// and PostgreSQL: comments arrive, the stored counts agree with the rows,
// and the same import again adds nothing.
func TestImportFormats(t *testing.T) {
	backends := map[string]func(t *testing.T) func(string) string{
		"sqlite":   importEnv,
		"postgres": func(t *testing.T) func(string) string { return newsSiteEnv(t, pgtest.URL(t)) },
	}
	for name, env := range backends {
		t.Run(name, func(t *testing.T) {
			for _, f := range importFixtures {
				t.Run(f.format+"/"+filepath.Base(f.path), func(t *testing.T) {
					env := env(t)
					first := importSummary(t, env, f.format, f.path)
					if first["comments"] == 0 || first["stories"] == 0 || first["commenters"] == 0 {
						t.Errorf("the first import wrote %v", first)
					}
					checkImportedCounts(t, env)
					again := importSummary(t, env, f.format, f.path)
					if again["comments"] != 0 || again["stories"] != 0 || again["commenters"] != 0 || again["existing"] != first["stories"] {
						t.Errorf("the second import wrote %v after %v; want nothing new and %d existing", again, first, first["stories"])
					}
					checkImportedCounts(t, env)
				})
			}
		})
	}
}

var summaryLine = regexp.MustCompile(`(?m)^  (stories|comments|commenters|existing): +(\d+)`)

// importSummary runs the import and returns the summary's figures; the
// whole summary is logged, for the repairs seen on each fixture.
func importSummary(t *testing.T, env func(string) string, format, path string) map[string]int {
	t.Helper()
	var out, errs bytes.Buffer
	if err := run(t.Context(), []string{"import", format, path, "--site", "news", "--progress", "none"}, env, &out, &errs); err != nil {
		t.Fatalf("import %s %s: %v\n%s%s", format, path, err, out.String(), errs.String())
	}
	t.Log(out.String())
	got := map[string]int{}
	for _, m := range summaryLine.FindAllStringSubmatch(out.String(), -1) {
		got[m[1]], _ = strconv.Atoi(m[2])
	}
	if len(got) != 4 {
		t.Fatalf("no summary in %q", out.String())
	}
	return got
}

// checkImportedCounts compares every kept count of site news with its rows:
// a story's approved comments, a comment's shown replies, a user's
// comments by status.
func checkImportedCounts(t *testing.T, env func(string) string) {
	t.Helper()
	ctx := t.Context()
	store, err := openStore(ctx, env("PARLEY_DATABASE"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	users := map[string]parley.UserCounts{}
	for after := ""; ; {
		stories, err := store.TransferStories(ctx, "news", after, parley.MaxTransferPage)
		if err != nil {
			t.Fatal(err)
		}
		for _, st := range stories {
			checkStoryCounts(t, store, st, users)
		}
		if len(stories) < parley.MaxTransferPage {
			break
		}
		after = stories[len(stories)-1].ID
	}
	for after := ""; ; {
		page, err := store.TransferUsers(ctx, "news", after, parley.MaxTransferPage)
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range page {
			want := users[u.ID]
			got := u.Counts
			got.Reports, got.Notes = 0, 0
			if got != want {
				t.Errorf("user %s (%s) counts %+v, rows say %+v", u.ID, u.Name, got, want)
			}
		}
		if len(page) < parley.MaxTransferPage {
			break
		}
		after = page[len(page)-1].ID
	}
}

func checkStoryCounts(t *testing.T, store parley.Store, st *parley.Story, users map[string]parley.UserCounts) {
	t.Helper()
	var all []*parley.Comment
	for after := (parley.CommentKey{}); ; {
		page, err := store.TransferComments(t.Context(), "news", st.ID, after, parley.MaxTransferPage)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, page...)
		if len(page) < parley.MaxTransferPage {
			break
		}
		last := page[len(page)-1]
		after = parley.CommentKey{Depth: last.Depth, ID: last.ID}
	}
	approved, replies := 0, map[string]int{}
	for i := len(all) - 1; i >= 0; i-- { // replies (deeper) before their parents
		c := all[i]
		if c.ReplyCount != replies[c.ID] {
			t.Errorf("story %s comment %s has reply count %d, rows say %d", st.ID, c.ID, c.ReplyCount, replies[c.ID])
		}
		if c.ParentID != "" && parley.Shown(c.Status, c.ReplyCount) {
			replies[c.ParentID]++
		}
		if c.Status == parley.StatusApproved {
			approved++
		}
		u := users[c.AuthorID]
		u.Tally(c.Status)
		if c.AuthorID != "" {
			users[c.AuthorID] = u
		}
	}
	if st.CommentCount != approved {
		t.Errorf("story %s counts %d comments, %d are approved", st.ID, st.CommentCount, approved)
	}
}

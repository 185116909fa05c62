package importer_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"parley"
	"parley/internal/importer"
	"parley/internal/store/postgres"
	"parley/internal/store/postgres/pgtest"
	"parley/internal/store/sqlite"
)

// script is a test parser: it emits its records in order. A record is a
// *importer.Thread, *importer.Author, *importer.Post, or an error, which
// ends the parse as a parser's read error does.
type script []any

func (s script) parse(ctx context.Context, _ *importer.Input, e importer.Emitter) error {
	for _, r := range s {
		var err error
		switch r := r.(type) {
		case *importer.Thread:
			c := *r
			err = e.Thread(ctx, &c)
		case *importer.Author:
			c := *r
			err = e.Author(ctx, &c)
		case *importer.Post:
			c := *r
			err = e.Post(ctx, &c)
		case error:
			err = r
		case func():
			r()
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// opener opens a fresh store with the site "news".
type opener func(t *testing.T) parley.Store

// backends returns both stores; PostgreSQL skips loudly when absent
// (pgtest fails under CI=true).
func backends(outer *testing.T) map[string]opener {
	var pgDB string
	withSite := func(t *testing.T, s parley.Store) parley.Store {
		t.Cleanup(func() { s.Close() })
		site := &parley.Site{ID: "news", Name: "News", Origins: []string{"https://news.example"},
			EditWindow: parley.DefaultEditWindow, MaxBodyLength: parley.DefaultMaxBodyLength, CreatedAt: parley.Now()}
		if err := s.CreateSite(t.Context(), site); err != nil {
			t.Fatal(err)
		}
		return s
	}
	return map[string]opener{
		"sqlite": func(t *testing.T) parley.Store {
			s, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "parley.db"))
			if err != nil {
				t.Fatal(err)
			}
			return withSite(t, s)
		},
		"postgres": func(t *testing.T) parley.Store {
			if pgDB == "" {
				pgDB = pgtest.URL(outer)
			}
			s, err := postgres.Open(t.Context(), pgtest.SchemaURL(t, pgDB))
			if err != nil {
				t.Fatal(err)
			}
			return withSite(t, s)
		},
	}
}

// openSQLite opens a fresh SQLite store with the site "news".
func openSQLite(t *testing.T) parley.Store { return backends(t)["sqlite"](t) }

// input is an Input on a small file, for parsers that ignore it.
func input(t *testing.T) *importer.Input {
	path := filepath.Join(t.TempDir(), "export.xml")
	if err := os.WriteFile(path, []byte("<export/>"), 0o600); err != nil {
		t.Fatal(err)
	}
	return importer.NewInput(path)
}

// run imports s into site news of store with opts (Site and Source set
// when empty).
func run(t *testing.T, store parley.Store, s script, opts importer.Options) (*importer.Summary, error) {
	t.Helper()
	if opts.Site == "" {
		opts.Site = "news"
	}
	if opts.Source == "" {
		opts.Source = "test"
	}
	if opts.WorkDir == "" {
		opts.WorkDir = t.TempDir()
	}
	return importer.Run(t.Context(), store, opts, s.parse, input(t))
}

func mustRun(t *testing.T, store parley.Store, s script, opts importer.Options) *importer.Summary {
	t.Helper()
	sum, err := run(t, store, s, opts)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return sum
}

// at is a time of the fixtures: minute m of a day in 2019.
func at(m int) time.Time {
	return time.Date(2019, 3, 14, 9, 0, 0, 0, time.UTC).Add(time.Duration(m) * time.Minute)
}

// site reads everything of site news: stories, their comments parents
// first, users.
type siteRows struct {
	stories  []*parley.Story
	comments map[string][]*parley.Comment // by story
	users    map[string]*parley.User
}

func readSite(t *testing.T, s parley.Store) *siteRows {
	t.Helper()
	ctx := t.Context()
	r := &siteRows{comments: map[string][]*parley.Comment{}, users: map[string]*parley.User{}}
	for after := ""; ; {
		page, err := s.TransferStories(ctx, "news", after, parley.MaxTransferPage)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		r.stories = append(r.stories, page...)
		after = page[len(page)-1].ID
	}
	for _, st := range r.stories {
		for after := (parley.CommentKey{}); ; {
			page, err := s.TransferComments(ctx, "news", st.ID, after, parley.MaxTransferPage)
			if err != nil {
				t.Fatal(err)
			}
			if len(page) == 0 {
				break
			}
			r.comments[st.ID] = append(r.comments[st.ID], page...)
			after = parley.CommentKey{Depth: page[len(page)-1].Depth, ID: page[len(page)-1].ID}
		}
	}
	for after := ""; ; {
		page, err := s.TransferUsers(ctx, "news", after, parley.MaxTransferPage)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		for _, u := range page {
			r.users[u.ID] = u
		}
		after = page[len(page)-1].ID
	}
	return r
}

// checkInvariants checks what the contract suite checks after every
// write: each story's CommentCount is its approved comments, each
// comment's ReplyCount its shown replies, each user's counts their
// comments by status, every parent in the same story before its replies.
func checkInvariants(t *testing.T, s parley.Store) *siteRows {
	t.Helper()
	r := readSite(t, s)
	counts := map[string]parley.UserCounts{}
	for _, st := range r.stories {
		approved := 0
		byID := map[string]*parley.Comment{}
		shown := map[string]int{}
		for _, c := range r.comments[st.ID] {
			byID[c.ID] = c
		}
		// deepest first, so that a placeholder's shown replies are known
		cs := r.comments[st.ID]
		for i := len(cs) - 1; i >= 0; i-- {
			c := cs[i]
			if c.Status == parley.StatusApproved {
				approved++
			}
			if c.ReplyCount != shown[c.ID] {
				t.Errorf("story %s: comment %s has ReplyCount %d, shown replies %d", st.ID, c.ID, c.ReplyCount, shown[c.ID])
			}
			if c.ParentID != "" {
				p := byID[c.ParentID]
				if p == nil || p.Depth != c.Depth-1 || p.RootID != c.RootID {
					t.Errorf("story %s: comment %s has parent %s not in the story at depth %d", st.ID, c.ID, c.ParentID, c.Depth-1)
				}
				if parley.Shown(c.Status, shown[c.ID]) {
					shown[c.ParentID]++
				}
			} else if c.RootID != c.ID {
				t.Errorf("comment %s at the top has root %s", c.ID, c.RootID)
			}
			n := counts[c.AuthorID]
			n.Tally(c.Status)
			counts[c.AuthorID] = n
		}
		if st.CommentCount != approved {
			t.Errorf("story %s: CommentCount %d, approved comments %d", st.ID, st.CommentCount, approved)
		}
	}
	for id, u := range r.users {
		got := u.Counts
		got.Reports, got.Notes = 0, 0
		if got != counts[id] {
			t.Errorf("user %s (%s): counts %+v, comments by status %+v", id, u.Name, got, counts[id])
		}
	}
	return r
}

var errBroken = errors.New("line 99: the export breaks off here")

package sqlite

import (
	"context"
	"encoding/json"
	"fmt"

	"parley"
)

const storyColumns = `site_id, id, url, title, lang, status, comment_count, created_at, premoderation`

// EnsureStory stores st unless a story with its site and ID exists, and
// returns the stored story either way. Most calls find the story, so they
// are answered by a reader without queueing for the writer.
func (s *Store) EnsureStory(ctx context.Context, st *parley.Story) (*parley.Story, error) {
	got, err := s.Story(ctx, st.SiteID, st.ID)
	if parley.ErrorCode(err) != parley.ENOTFOUND {
		return got, err
	}
	err = s.writeUnit(ctx, func(w *unit) error {
		got, err = w.EnsureStory(ctx, st)
		return err
	})
	if err != nil {
		return nil, err
	}
	return got, nil
}

// EnsureStory stores st in the unit unless the story exists, and returns
// the stored story either way.
func (w *unit) EnsureStory(_ context.Context, st *parley.Story) (*parley.Story, error) {
	_, err := w.tx.ExecContext(w.ctx, `INSERT INTO stories (`+storyColumns+`) VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?)
		ON CONFLICT (site_id, id) DO NOTHING`,
		st.SiteID, st.ID, st.URL, st.Title, st.Lang, st.Status, millis(st.CreatedAt), st.Premoderation)
	if err != nil {
		return nil, mapError(err, "Story", "Site")
	}
	return readStory(w.ctx, w.row, st.SiteID, st.ID)
}

// Story returns a story; ENOTFOUND.
func (s *Store) Story(ctx context.Context, siteID, id string) (*parley.Story, error) {
	return readStory(ctx, s.queryRow, siteID, id)
}

// Story returns a story as the unit sees it; ENOTFOUND.
func (w *unit) Story(_ context.Context, siteID, id string) (*parley.Story, error) {
	return readStory(w.ctx, w.row, siteID, id)
}

func readStory(ctx context.Context, row rowQuery, siteID, id string) (*parley.Story, error) {
	st, err := scanStory(row(ctx, `SELECT `+storyColumns+` FROM stories WHERE site_id = ? AND id = ?`, siteID, id))
	if err != nil {
		return nil, mapError(err, "Story", "Site")
	}
	return st, nil
}

// UpdateStory replaces a story's URL, title, language and status and
// appends its event, at the current time since the story has no time of its
// own for changes; ENOTFOUND.
func (s *Store) UpdateStory(ctx context.Context, st *parley.Story) error {
	return s.writeUnit(ctx, func(w *unit) error { return w.UpdateStory(ctx, st) })
}

// UpdateStory changes a story in the unit and appends its event; ENOTFOUND.
func (w *unit) UpdateStory(_ context.Context, st *parley.Story) error {
	res, err := w.tx.ExecContext(w.ctx, `UPDATE stories SET url = ?, title = ?, lang = ?, status = ?, premoderation = ?
		WHERE site_id = ? AND id = ?`, st.URL, st.Title, st.Lang, st.Status, st.Premoderation, st.SiteID, st.ID)
	if err != nil {
		return mapError(err, "Story", "Site")
	}
	if err := notFoundUnless(res, "Story"); err != nil {
		return err
	}
	return appendEvent(w.ctx, w.tx, st.SiteID, st.ID, parley.EventStoryChanged, "", parley.Now())
}

// CommentCounts returns the comment count of each named story that exists.
// The IDs travel as one JSON array, so any number of them fits one statement.
func (s *Store) CommentCounts(ctx context.Context, siteID string, storyIDs []string) (map[string]int, error) {
	counts := make(map[string]int, len(storyIDs))
	if len(storyIDs) == 0 {
		return counts, nil
	}
	list, err := json.Marshal(storyIDs)
	if err != nil {
		return nil, fmt.Errorf("sqlite: encode story IDs: %w", err)
	}
	rows, err := s.read.QueryContext(ctx, `SELECT id, comment_count FROM stories
		WHERE site_id = ? AND id IN (SELECT value FROM json_each(?))`, siteID, string(list))
	if err != nil {
		return nil, mapError(err, "Story", "Site")
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, mapError(err, "Story", "Site")
		}
		counts[id] = n
	}
	if err := rows.Err(); err != nil {
		return nil, mapError(err, "Story", "Site")
	}
	return counts, nil
}

func scanStory(row scanner) (*parley.Story, error) {
	var st parley.Story
	var created int64
	err := row.Scan(&st.SiteID, &st.ID, &st.URL, &st.Title, &st.Lang, &st.Status, &st.CommentCount, &created, &st.Premoderation)
	if err != nil {
		return nil, err
	}
	st.CreatedAt = fromMillis(created)
	return &st, nil
}

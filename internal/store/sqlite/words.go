package sqlite

import (
	"context"
	"time"

	"parley"
)

// AddWords adds entries to a site's word list, each unit a unit of work
// of its own.
func (s *Store) AddWords(ctx context.Context, siteID, list, lang string, words []string, at time.Time) (int, error) {
	var n int
	err := s.writeUnit(ctx, func(w *unit) (err error) {
		n, err = w.AddWords(ctx, siteID, list, lang, words, at)
		return err
	})
	return n, err
}

// AddWords adds entries in the unit and counts those that were new; a
// site that does not exist fails its foreign key (ENOTFOUND).
func (w *unit) AddWords(_ context.Context, siteID, list, lang string, words []string, at time.Time) (int, error) {
	n := 0
	for _, word := range words {
		res, err := w.tx.ExecContext(w.ctx, `INSERT INTO site_words (site_id, list, lang, word, created_at)
			VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`, siteID, list, lang, word, millis(at))
		if err != nil {
			return 0, mapError(err, "Word", "Site")
		}
		k, _ := res.RowsAffected()
		n += int(k)
	}
	return n, nil
}

// RemoveWords removes entries from a site's word list.
func (s *Store) RemoveWords(ctx context.Context, siteID, list, lang string, words []string) (int, error) {
	var n int
	err := s.writeUnit(ctx, func(w *unit) (err error) {
		n, err = w.RemoveWords(ctx, siteID, list, lang, words)
		return err
	})
	return n, err
}

// RemoveWords removes entries in the unit and counts those that were
// listed.
func (w *unit) RemoveWords(_ context.Context, siteID, list, lang string, words []string) (int, error) {
	n := 0
	for _, word := range words {
		res, err := w.tx.ExecContext(w.ctx, `DELETE FROM site_words WHERE site_id = ? AND list = ? AND lang = ? AND word = ?`,
			siteID, list, lang, word)
		if err != nil {
			return 0, mapError(err, "Word", "Site")
		}
		k, _ := res.RowsAffected()
		n += int(k)
	}
	return n, nil
}

// Words returns a site's word list of a language in byte order (SQLite's
// BINARY collation), by the primary key.
func (s *Store) Words(ctx context.Context, siteID, list, lang string) ([]string, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT word FROM site_words WHERE site_id = ? AND list = ? AND lang = ? ORDER BY word`,
		siteID, list, lang)
	return appendRows(nil, rows, err, func(row scanner) (string, error) {
		var w string
		return w, row.Scan(&w)
	}, "Word", "Site")
}

// ApprovedComments counts a user's approved comments on a site, reading
// at most limit entries of the author index.
func (s *Store) ApprovedComments(ctx context.Context, siteID, userID string, limit int) (int, error) {
	if limit < 1 {
		return 0, parley.Errorf(parley.EINVALID, "Count at least one comment.")
	}
	var n int
	err := s.queryRow(ctx, `SELECT count(*) FROM (SELECT 1 FROM comments INDEXED BY comments_author
		WHERE author_id = ? AND site_id = ? AND status = 'approved' LIMIT ?)`, userID, siteID, limit).Scan(&n)
	if err != nil {
		return 0, mapError(err, "Comment", "User")
	}
	return n, nil
}

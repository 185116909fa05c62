package sqlite

import (
	"context"
	"encoding/json"
	"fmt"

	"parley"
)

// revisionColumns are the columns of comment_revisions, in Revision's order.
const revisionColumns = `comment_id, n, body, html, status, reasons, created_at`

// latestRevisionsQuery reads the newest revision of each comment in ?1 (a
// JSON array): for each, the primary key gives its highest n directly.
const latestRevisionsQuery = `SELECT ` + revisionColumns + ` FROM comment_revisions AS r
	WHERE comment_id IN (SELECT value FROM json_each(?1))
	AND n = (SELECT max(n) FROM comment_revisions WHERE comment_id = r.comment_id)`

// AddRevision stores a revision as a unit of its own.
func (s *Store) AddRevision(ctx context.Context, r *parley.Revision) error {
	return s.writeUnit(ctx, func(w *unit) error { return w.AddRevision(ctx, r) })
}

// AddRevision stores a revision in the unit; the primary key refuses a
// second revision with the same number, the foreign key an unknown comment.
func (w *unit) AddRevision(_ context.Context, r *parley.Revision) error {
	if err := parley.CheckRevision(r); err != nil {
		return err
	}
	reasons, err := encodeReasons(r.Reasons)
	if err != nil {
		return err
	}
	_, err = w.tx.ExecContext(w.ctx, `INSERT INTO comment_revisions (`+revisionColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, r.CommentID, r.N, r.Body, r.HTML, r.Status, reasons, millis(r.CreatedAt))
	return mapError(err, "Revision", "Comment")
}

// CommentRevisions returns a comment's revisions, oldest first.
func (s *Store) CommentRevisions(ctx context.Context, commentID string) ([]*parley.Revision, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT `+revisionColumns+` FROM comment_revisions
		WHERE comment_id = ? ORDER BY n`, commentID)
	return appendRows(nil, rows, err, scanRevision, "Revision", "Comment")
}

// LatestRevisions returns the newest revision of each named comment that
// has one.
func (s *Store) LatestRevisions(ctx context.Context, commentIDs []string) (map[string]*parley.Revision, error) {
	if err := parley.CheckRevisionIDs(commentIDs); err != nil {
		return nil, err
	}
	out := make(map[string]*parley.Revision, len(commentIDs))
	if len(commentIDs) == 0 {
		return out, nil
	}
	ids, err := json.Marshal(commentIDs)
	if err != nil {
		return nil, fmt.Errorf("encode comment IDs: %w", err)
	}
	rows, err := s.read.QueryContext(ctx, latestRevisionsQuery, string(ids))
	revs, err := appendRows(nil, rows, err, scanRevision, "Revision", "Comment")
	if err != nil {
		return nil, err
	}
	for _, r := range revs {
		out[r.CommentID] = r
	}
	return out, nil
}

// encodeReasons is the JSON of a verdict's reasons, "[]" for none.
func encodeReasons(rs []parley.Reason) (string, error) {
	if len(rs) == 0 {
		return "[]", nil
	}
	b, err := json.Marshal(rs)
	if err != nil {
		return "", fmt.Errorf("encode revision reasons: %w", err)
	}
	return string(b), nil
}

func scanRevision(row scanner) (*parley.Revision, error) {
	var r parley.Revision
	var reasons string
	var created int64
	if err := row.Scan(&r.CommentID, &r.N, &r.Body, &r.HTML, &r.Status, &reasons, &created); err != nil {
		return nil, err
	}
	r.CreatedAt = fromMillis(created)
	if err := json.Unmarshal([]byte(reasons), &r.Reasons); err != nil {
		return nil, fmt.Errorf("decode reasons of revision %s/%d: %w", r.CommentID, r.N, err)
	}
	return &r, nil
}

package postgres

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jackc/pgx/v5"

	"parley"
)

// revisionColumns are the columns of comment_revisions, in Revision's order.
const revisionColumns = `comment_id, n, body, html, status, reasons, created_at`

// latestRevisionsSQL reads the newest revision of each comment in $1, each
// from the top of its primary key range.
const latestRevisionsSQL = `SELECT DISTINCT ON (comment_id) ` + revisionColumns + `
	FROM comment_revisions WHERE comment_id = ANY($1::text[]) ORDER BY comment_id, n DESC`

// AddRevision stores a revision; the primary key refuses a second revision
// with the same number, the foreign key an unknown comment.
func (t *unit) AddRevision(ctx context.Context, r *parley.Revision) error {
	if err := parley.CheckRevision(r); err != nil {
		return err
	}
	reasons, err := encodeReasons(r.Reasons)
	if err != nil {
		return err
	}
	_, err = t.db.Exec(ctx, `INSERT INTO comment_revisions (`+revisionColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, r.CommentID, r.N, r.Body, r.HTML, r.Status, reasons, r.CreatedAt)
	return translate(err, "revision")
}

// CommentRevisions returns a comment's revisions, oldest first.
func (s *Store) CommentRevisions(ctx context.Context, commentID string) ([]*parley.Revision, error) {
	rows, _ := s.pool.Query(ctx, `SELECT `+revisionColumns+` FROM comment_revisions
		WHERE comment_id = $1 ORDER BY n`, commentID)
	revs, err := pgx.CollectRows(rows, scanRevision)
	if err != nil {
		return nil, translate(err, "revision")
	}
	return revs, nil
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
	rows, _ := s.pool.Query(ctx, latestRevisionsSQL, commentIDs)
	revs, err := pgx.CollectRows(rows, scanRevision)
	if err != nil {
		return nil, translate(err, "revision")
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

func scanRevision(row pgx.CollectableRow) (*parley.Revision, error) {
	var r parley.Revision
	var reasons string
	if err := row.Scan(&r.CommentID, &r.N, &r.Body, &r.HTML, &r.Status, &reasons, &r.CreatedAt); err != nil {
		return nil, err
	}
	r.CreatedAt = r.CreatedAt.UTC()
	if err := json.Unmarshal([]byte(reasons), &r.Reasons); err != nil {
		return nil, fmt.Errorf("decode reasons of revision %s/%d: %w", r.CommentID, r.N, err)
	}
	return &r, nil
}

package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"parley"
)

// AddWords adds entries to a site's word list in one statement and counts
// those that were new; a site that does not exist fails its foreign key
// (ENOTFOUND).
func (t *unit) AddWords(ctx context.Context, siteID, list, lang string, words []string, at time.Time) (int, error) {
	if len(words) == 0 {
		return 0, nil
	}
	tag, err := t.db.Exec(ctx, `INSERT INTO site_words (site_id, list, lang, word, created_at)
		SELECT $1, $2, $3, w, $5 FROM unnest($4::text[]) AS w ON CONFLICT DO NOTHING`, siteID, list, lang, words, at)
	if err != nil {
		return 0, translate(err, "site")
	}
	return int(tag.RowsAffected()), nil
}

// RemoveWords removes entries in one statement and counts those that were
// listed.
func (t *unit) RemoveWords(ctx context.Context, siteID, list, lang string, words []string) (int, error) {
	if len(words) == 0 {
		return 0, nil
	}
	tag, err := t.db.Exec(ctx, `DELETE FROM site_words WHERE site_id = $1 AND list = $2 AND lang = $3 AND word = ANY($4::text[])`,
		siteID, list, lang, words)
	if err != nil {
		return 0, translate(err, "word")
	}
	return int(tag.RowsAffected()), nil
}

// Words returns a site's word list of a language in byte order (the
// column's "C" collation), by the primary key.
func (t *unit) Words(ctx context.Context, siteID, list, lang string) ([]string, error) {
	rows, _ := t.db.Query(ctx, `SELECT word FROM site_words WHERE site_id = $1 AND list = $2 AND lang = $3 ORDER BY word`,
		siteID, list, lang)
	words, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, translate(err, "word")
	}
	return words, nil
}

var _ parley.WordReader = (*unit)(nil)

// approvedCommentsSQL counts up to $3 approved comments of author $1 on
// site $2. The order is comments_author's, which only that index yields
// without a sort: without it, a table whose statistics are missing or
// stale (a new site, or just after an import) was read from a page index
// of the whole site, every approved comment of it checked for a newcomer
// who has none (TestAuthorPlans).
const approvedCommentsSQL = `SELECT count(*) FROM (SELECT 1 FROM comments
	WHERE author_id = $1 AND site_id = $2 AND status = 'approved'
	ORDER BY author_id, site_id, story_id, id LIMIT $3) AS approved`

// ApprovedComments counts a user's approved comments on a site, reading
// at most limit entries of the author index.
func (t *unit) ApprovedComments(ctx context.Context, siteID, userID string, limit int) (int, error) {
	if limit < 1 {
		return 0, parley.Errorf(parley.EINVALID, "Count at least one comment.")
	}
	var n int
	err := t.db.QueryRow(ctx, approvedCommentsSQL, userID, siteID, limit).Scan(&n)
	if err != nil {
		return 0, translate(err, "comment")
	}
	return n, nil
}

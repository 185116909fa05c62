package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"parley"
)

// selectStory reads stories with their CommentCount, the sum of the
// story's count slots (see migrations/0001_init.sql).
const selectStory = `SELECT s.site_id, s.id, s.url, s.title, s.lang, s.status,
	(SELECT coalesce(sum(c.n), 0)::integer FROM story_counts c WHERE c.site_id = s.site_id AND c.story_id = s.id),
	s.created_at, s.premoderation
FROM stories s`

// addToStorySQL adds $3 to the story's CommentCount in the slot of this
// connection.
const addToStorySQL = `INSERT INTO story_counts (site_id, story_id, slot, n)
	VALUES ($1, $2, (pg_backend_pid() % 64)::smallint, $3)
	ON CONFLICT (site_id, story_id, slot) DO UPDATE SET n = story_counts.n + excluded.n`

// ensureStorySQL inserts the story unless it exists and returns the stored
// row either way in one round trip. When a concurrent insert commits after
// the statement's snapshot, neither branch returns a row; EnsureStory then
// reads again.
const ensureStorySQL = `
WITH ins AS (
	INSERT INTO stories (site_id, id, url, title, lang, status, created_at, premoderation)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
	ON CONFLICT (site_id, id) DO NOTHING
	RETURNING site_id, id, url, title, lang, status, 0, created_at, premoderation
)
SELECT * FROM ins
UNION ALL
` + selectStory + ` WHERE s.site_id = $1 AND s.id = $2 AND NOT EXISTS (SELECT 1 FROM ins)`

// EnsureStory stores st unless it exists and returns the stored story.
func (t *unit) EnsureStory(ctx context.Context, st *parley.Story) (*parley.Story, error) {
	rows, _ := t.db.Query(ctx, ensureStorySQL,
		st.SiteID, st.ID, st.URL, st.Title, st.Lang, st.Status, st.CreatedAt, st.Premoderation)
	stored, err := pgx.CollectExactlyOneRow(rows, scanStory)
	if errors.Is(err, pgx.ErrNoRows) {
		return t.Story(ctx, st.SiteID, st.ID)
	}
	if err != nil {
		return nil, translate(err, "story")
	}
	return stored, nil
}

// Story returns a story; ENOTFOUND.
func (t *unit) Story(ctx context.Context, siteID, id string) (*parley.Story, error) {
	rows, _ := t.db.Query(ctx, selectStory+` WHERE s.site_id = $1 AND s.id = $2`,
		siteID, id)
	st, err := pgx.CollectExactlyOneRow(rows, scanStory)
	if err != nil {
		return nil, translate(err, "story")
	}
	return st, nil
}

// updateStorySQL changes a story and appends its event in one statement; it
// inserts one event, or none when the story does not exist.
const updateStorySQL = `
WITH updated AS (
	UPDATE stories SET url = $3, title = $4, lang = $5, status = $6, premoderation = $7
	WHERE site_id = $1 AND id = $2
	RETURNING site_id, id
)
` + insertEventSQL + `SELECT site_id, id, '` + parley.EventStoryChanged + `', '' FROM updated`

// UpdateStory replaces a story's URL, title, language and status and
// appends its event; ENOTFOUND.
func (t *unit) UpdateStory(ctx context.Context, st *parley.Story) error {
	tag, err := t.db.Exec(ctx, updateStorySQL, st.SiteID, st.ID, st.URL, st.Title, st.Lang, st.Status, st.Premoderation)
	if err != nil {
		return translate(err, "story")
	}
	if tag.RowsAffected() == 0 {
		return notFound("story")
	}
	return nil
}

// CommentCounts returns the comment count of each named story that exists.
func (s *Store) CommentCounts(ctx context.Context, siteID string, storyIDs []string) (map[string]int, error) {
	counts := make(map[string]int, len(storyIDs))
	rows, _ := s.pool.Query(ctx, `SELECT s.id, coalesce(sum(c.n), 0)::integer FROM stories s
		LEFT JOIN story_counts c ON c.site_id = s.site_id AND c.story_id = s.id
		WHERE s.site_id = $1 AND s.id = ANY($2::text[]) GROUP BY s.id`, siteID, storyIDs)
	var id string
	var n int
	_, err := pgx.ForEachRow(rows, []any{&id, &n}, func() error {
		counts[id] = n
		return nil
	})
	if err != nil {
		return nil, translate(err, "story")
	}
	return counts, nil
}

func scanStory(row pgx.CollectableRow) (*parley.Story, error) {
	var st parley.Story
	err := row.Scan(&st.SiteID, &st.ID, &st.URL, &st.Title, &st.Lang, &st.Status,
		&st.CommentCount, &st.CreatedAt, &st.Premoderation)
	st.CreatedAt = st.CreatedAt.UTC()
	return &st, err
}

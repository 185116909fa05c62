package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"parley"
)

const siteColumns = `id, name, origins, allow_anonymous, edit_window_ms, max_body_length, created_at, session_ttl_ms, sso, privacy`

// CreateSite stores a new site; ECONFLICT if the ID is taken.
func (t *unit) CreateSite(ctx context.Context, site *parley.Site) error {
	sso, err := json.Marshal(site.SSO)
	if err != nil {
		return fmt.Errorf("postgres: encode sso: %w", err)
	}
	privacy, err := json.Marshal(site.Privacy)
	if err != nil {
		return fmt.Errorf("postgres: encode privacy: %w", err)
	}
	_, err = t.db.Exec(ctx, `INSERT INTO sites (`+siteColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		site.ID, site.Name, origins(site.Origins), site.AllowAnonymous,
		site.EditWindow.Milliseconds(), site.MaxBodyLength, site.CreatedAt, site.SessionTTL.Milliseconds(), string(sso), string(privacy))
	return translate(err, "site")
}

// UpdateSite replaces a site's name, origins and settings; ENOTFOUND.
func (t *unit) UpdateSite(ctx context.Context, site *parley.Site) error {
	sso, err := json.Marshal(site.SSO)
	if err != nil {
		return fmt.Errorf("postgres: encode sso: %w", err)
	}
	privacy, err := json.Marshal(site.Privacy)
	if err != nil {
		return fmt.Errorf("postgres: encode privacy: %w", err)
	}
	tag, err := t.db.Exec(ctx, `UPDATE sites SET name = $2, origins = $3, allow_anonymous = $4,
		edit_window_ms = $5, max_body_length = $6, session_ttl_ms = $7, sso = $8, privacy = $9 WHERE id = $1`,
		site.ID, site.Name, origins(site.Origins), site.AllowAnonymous,
		site.EditWindow.Milliseconds(), site.MaxBodyLength, site.SessionTTL.Milliseconds(), string(sso), string(privacy))
	if err != nil {
		return translate(err, "site")
	}
	if tag.RowsAffected() == 0 {
		return notFound("site")
	}
	return nil
}

// Site returns a site by ID; ENOTFOUND.
func (t *unit) Site(ctx context.Context, id string) (*parley.Site, error) {
	rows, _ := t.db.Query(ctx, `SELECT `+siteColumns+` FROM sites WHERE id = $1`, id)
	site, err := pgx.CollectExactlyOneRow(rows, scanSite)
	if err != nil {
		return nil, translate(err, "site")
	}
	return site, nil
}

// Sites returns all sites ordered by ID.
func (s *Store) Sites(ctx context.Context) ([]*parley.Site, error) {
	rows, _ := s.pool.Query(ctx, `SELECT `+siteColumns+` FROM sites ORDER BY id`)
	sites, err := pgx.CollectRows(rows, scanSite)
	if err != nil {
		return nil, translate(err, "site")
	}
	return sites, nil
}

func scanSite(row pgx.CollectableRow) (*parley.Site, error) {
	var s parley.Site
	var editWindowMS, ttlMS int64
	var sso, privacy string
	err := row.Scan(&s.ID, &s.Name, &s.Origins, &s.AllowAnonymous, &editWindowMS,
		&s.MaxBodyLength, &s.CreatedAt, &ttlMS, &sso, &privacy)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(privacy), &s.Privacy); err != nil {
		return nil, fmt.Errorf("decode privacy of site %s: %w", s.ID, err)
	}
	if err := json.Unmarshal([]byte(sso), &s.SSO); err != nil {
		return nil, fmt.Errorf("decode sso of site %s: %w", s.ID, err)
	}
	s.SessionTTL = time.Duration(ttlMS) * time.Millisecond
	if len(s.Origins) == 0 {
		s.Origins = nil
	}
	s.EditWindow = time.Duration(editWindowMS) * time.Millisecond
	s.CreatedAt = s.CreatedAt.UTC()
	return &s, err
}

// origins keeps a nil slice from being stored as NULL.
func origins(o []string) []string {
	if o == nil {
		return []string{}
	}
	return o
}

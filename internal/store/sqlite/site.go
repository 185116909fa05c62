package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"parley"
)

const siteColumns = `id, name, origins, allow_anonymous, edit_window_ms, max_body_length, created_at, session_ttl_ms, sso, privacy`

// CreateSite stores a new site; ECONFLICT if the ID is taken.
func (s *Store) CreateSite(ctx context.Context, site *parley.Site) error {
	origins, err := json.Marshal(nonNil(site.Origins))
	if err != nil {
		return fmt.Errorf("sqlite: encode origins: %w", err)
	}
	return s.writeUnit(ctx, func(w *unit) error { return w.createSite(site, origins) })
}

// CreateSite stores a new site in the unit; ECONFLICT.
func (w *unit) CreateSite(_ context.Context, site *parley.Site) error {
	origins, err := json.Marshal(nonNil(site.Origins))
	if err != nil {
		return fmt.Errorf("sqlite: encode origins: %w", err)
	}
	return w.createSite(site, origins)
}

func (w *unit) createSite(site *parley.Site, origins []byte) error {
	sso, err := json.Marshal(site.SSO)
	if err != nil {
		return fmt.Errorf("sqlite: encode sso: %w", err)
	}
	privacy, err := json.Marshal(site.Privacy)
	if err != nil {
		return fmt.Errorf("sqlite: encode privacy: %w", err)
	}
	_, err = w.tx.ExecContext(w.ctx, `INSERT INTO sites (`+siteColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		site.ID, site.Name, string(origins), site.AllowAnonymous, site.EditWindow.Milliseconds(),
		site.MaxBodyLength, millis(site.CreatedAt), site.SessionTTL.Milliseconds(), string(sso), string(privacy))
	return mapError(err, "Site", "Site")
}

// UpdateSite replaces a site's name, origins and settings; ENOTFOUND.
func (s *Store) UpdateSite(ctx context.Context, site *parley.Site) error {
	origins, err := json.Marshal(nonNil(site.Origins))
	if err != nil {
		return fmt.Errorf("sqlite: encode origins: %w", err)
	}
	return s.writeUnit(ctx, func(w *unit) error { return w.updateSite(site, origins) })
}

// UpdateSite replaces a site's name, origins and settings in the unit;
// ENOTFOUND.
func (w *unit) UpdateSite(_ context.Context, site *parley.Site) error {
	origins, err := json.Marshal(nonNil(site.Origins))
	if err != nil {
		return fmt.Errorf("sqlite: encode origins: %w", err)
	}
	return w.updateSite(site, origins)
}

func (w *unit) updateSite(site *parley.Site, origins []byte) error {
	sso, err := json.Marshal(site.SSO)
	if err != nil {
		return fmt.Errorf("sqlite: encode sso: %w", err)
	}
	privacy, err := json.Marshal(site.Privacy)
	if err != nil {
		return fmt.Errorf("sqlite: encode privacy: %w", err)
	}
	res, err := w.tx.ExecContext(w.ctx, `UPDATE sites SET name = ?, origins = ?, allow_anonymous = ?,
		edit_window_ms = ?, max_body_length = ?, session_ttl_ms = ?, sso = ?, privacy = ? WHERE id = ?`,
		site.Name, string(origins), site.AllowAnonymous, site.EditWindow.Milliseconds(), site.MaxBodyLength,
		site.SessionTTL.Milliseconds(), string(sso), string(privacy), site.ID)
	if err != nil {
		return mapError(err, "Site", "Site")
	}
	return notFoundUnless(res, "Site")
}

// Site returns a site by ID; ENOTFOUND.
func (s *Store) Site(ctx context.Context, id string) (*parley.Site, error) {
	return readSite(ctx, s.queryRow, id)
}

// Site returns a site by ID as the unit sees it; ENOTFOUND.
func (w *unit) Site(_ context.Context, id string) (*parley.Site, error) {
	return readSite(w.ctx, w.row, id)
}

func readSite(ctx context.Context, row rowQuery, id string) (*parley.Site, error) {
	site, err := scanSite(row(ctx, `SELECT `+siteColumns+` FROM sites WHERE id = ?`, id))
	if err != nil {
		return nil, mapError(err, "Site", "Site")
	}
	return site, nil
}

// Sites returns all sites ordered by ID.
func (s *Store) Sites(ctx context.Context) ([]*parley.Site, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT `+siteColumns+` FROM sites ORDER BY id`)
	return appendRows(nil, rows, err, scanSite, "Site", "Site")
}

// scanner is what *sql.Row and *sql.Rows have in common.
// appendRows scans every row onto out with scan, and maps the query's,
// each scan's and the iteration's errors the same way: what names the
// row's kind and parent the row it belongs to, for not-found messages.
func appendRows[T any](out []T, rows *sql.Rows, err error, scan func(scanner) (T, error), what, parent string) ([]T, error) {
	if err != nil {
		return nil, mapError(err, what, parent)
	}
	defer rows.Close()
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, mapError(err, what, parent)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, mapError(err, what, parent)
	}
	return out, nil
}

type scanner interface {
	Scan(dest ...any) error
}

func scanSite(row scanner) (*parley.Site, error) {
	var site parley.Site
	var origins, sso, privacy string
	var editWindow, created, ttl int64
	err := row.Scan(&site.ID, &site.Name, &origins, &site.AllowAnonymous, &editWindow, &site.MaxBodyLength, &created, &ttl, &sso, &privacy)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(privacy), &site.Privacy); err != nil {
		return nil, fmt.Errorf("decode privacy of site %s: %w", site.ID, err)
	}
	if err := json.Unmarshal([]byte(sso), &site.SSO); err != nil {
		return nil, fmt.Errorf("decode sso of site %s: %w", site.ID, err)
	}
	site.SessionTTL = time.Duration(ttl) * time.Millisecond
	if err := json.Unmarshal([]byte(origins), &site.Origins); err != nil {
		return nil, fmt.Errorf("decode origins of site %s: %w", site.ID, err)
	}
	site.EditWindow = time.Duration(editWindow) * time.Millisecond
	site.CreatedAt = fromMillis(created)
	return &site, nil
}

// nonNil stores a missing list as [] rather than null.
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

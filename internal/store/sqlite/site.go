package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"parley"
)

// siteColumns lists the sites table's columns; those after session_ttl_ms
// are settings kept as JSON, one column each, in the order of
// siteSettings, so that a new setting is one name here and one pointer there.
const siteColumns = `id, name, origins, allow_anonymous, edit_window_ms, max_body_length, created_at, session_ttl_ms, ` + settingColumns

const settingColumns = `sso, passkeys, oidc, email_signin, privacy, rate_limit, moderation`

// siteSettings returns pointers to the site's JSON settings, in the order
// of settingColumns.
func siteSettings(site *parley.Site) []any {
	return []any{&site.SSO, &site.Passkeys, &site.OIDC, &site.EmailSignIn, &site.Privacy, &site.RateLimit, &site.Moderation}
}

// encodeSettings returns the site's JSON settings as column values.
func encodeSettings(site *parley.Site) ([]any, error) {
	var out []any
	for _, v := range siteSettings(site) {
		b, err := json.Marshal(v)
		if err != nil {
			return nil, fmt.Errorf("sqlite: encode settings of site %s: %w", site.ID, err)
		}
		out = append(out, string(b))
	}
	return out, nil
}

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
	settings, err := encodeSettings(site)
	if err != nil {
		return err
	}
	args := append([]any{site.ID, site.Name, string(origins), site.AllowAnonymous, site.EditWindow.Milliseconds(),
		site.MaxBodyLength, millis(site.CreatedAt), site.SessionTTL.Milliseconds()}, settings...)
	_, err = w.tx.ExecContext(w.ctx, `INSERT INTO sites (`+siteColumns+`) VALUES (?`+strings.Repeat(", ?", len(args)-1)+`)`, args...)
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
	settings, err := encodeSettings(site)
	if err != nil {
		return err
	}
	set := strings.ReplaceAll(settingColumns, ",", " = ?,") + " = ?"
	args := append([]any{site.Name, string(origins), site.AllowAnonymous, site.EditWindow.Milliseconds(), site.MaxBodyLength,
		site.SessionTTL.Milliseconds()}, settings...)
	res, err := w.tx.ExecContext(w.ctx, `UPDATE sites SET name = ?, origins = ?, allow_anonymous = ?,
		edit_window_ms = ?, max_body_length = ?, session_ttl_ms = ?, `+set+` WHERE id = ?`, append(args, site.ID)...)
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
	var origins string
	var editWindow, created, ttl int64
	settings := siteSettings(&site)
	raw := make([]string, len(settings))
	dest := []any{&site.ID, &site.Name, &origins, &site.AllowAnonymous, &editWindow, &site.MaxBodyLength, &created, &ttl}
	for i := range raw {
		dest = append(dest, &raw[i])
	}
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	for i, v := range settings {
		if err := json.Unmarshal([]byte(raw[i]), v); err != nil {
			return nil, fmt.Errorf("decode settings of site %s: %w", site.ID, err)
		}
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

package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"parley"
)

// siteColumns lists the sites table's columns; those after session_ttl_ms
// are settings kept as JSON text, one column each, in the order of
// siteSettings, so that a new setting is one name here and one pointer there.
const siteColumns = `id, name, origins, allow_anonymous, edit_window_ms, max_body_length, created_at, session_ttl_ms, ` + settingColumns

const settingColumns = `sso, passkeys, oidc, email_signin, privacy, rate_limit, moderation`

// siteSettings returns pointers to the site's JSON settings, in the order
// of settingColumns.
func siteSettings(site *parley.Site) []any {
	return []any{&site.SSO, &site.Passkeys, &site.OIDC, &site.EmailSignIn, &site.Privacy, &site.RateLimit, &site.Moderation}
}

// CreateSite stores a new site; ECONFLICT if the ID is taken.
func (t *unit) CreateSite(ctx context.Context, site *parley.Site) error {
	settings, err := encodeSettings(site)
	if err != nil {
		return err
	}
	args := append([]any{site.ID, site.Name, origins(site.Origins), site.AllowAnonymous,
		site.EditWindow.Milliseconds(), site.MaxBodyLength, site.CreatedAt, site.SessionTTL.Milliseconds()}, settings...)
	_, err = t.db.Exec(ctx, `INSERT INTO sites (`+siteColumns+`) VALUES (`+placeholders(1, len(args))+`)`, args...)
	return translate(err, "site")
}

// UpdateSite replaces a site's name, origins and settings; ENOTFOUND.
func (t *unit) UpdateSite(ctx context.Context, site *parley.Site) error {
	settings, err := encodeSettings(site)
	if err != nil {
		return err
	}
	var set strings.Builder
	for i, col := range strings.Split(settingColumns, ", ") {
		fmt.Fprintf(&set, ", %s = $%d", col, 8+i)
	}
	args := append([]any{site.ID, site.Name, origins(site.Origins), site.AllowAnonymous,
		site.EditWindow.Milliseconds(), site.MaxBodyLength, site.SessionTTL.Milliseconds()}, settings...)
	tag, err := t.db.Exec(ctx, `UPDATE sites SET name = $2, origins = $3, allow_anonymous = $4,
		edit_window_ms = $5, max_body_length = $6, session_ttl_ms = $7`+set.String()+` WHERE id = $1`, args...)
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
	settings := siteSettings(&s)
	raw := make([]string, len(settings))
	dest := []any{&s.ID, &s.Name, &s.Origins, &s.AllowAnonymous, &editWindowMS, &s.MaxBodyLength, &s.CreatedAt, &ttlMS}
	for i := range raw {
		dest = append(dest, &raw[i])
	}
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	for i, v := range settings {
		if err := json.Unmarshal([]byte(raw[i]), v); err != nil {
			return nil, fmt.Errorf("decode settings of site %s: %w", s.ID, err)
		}
	}
	s.SessionTTL = time.Duration(ttlMS) * time.Millisecond
	if len(s.Origins) == 0 {
		s.Origins = nil
	}
	s.EditWindow = time.Duration(editWindowMS) * time.Millisecond
	s.CreatedAt = s.CreatedAt.UTC()
	return &s, nil
}

// origins keeps a nil slice from being stored as NULL.
func origins(o []string) []string {
	if o == nil {
		return []string{}
	}
	return o
}

// encodeSettings returns the site's JSON settings as column values.
func encodeSettings(site *parley.Site) ([]any, error) {
	var out []any
	for _, v := range siteSettings(site) {
		b, err := json.Marshal(v)
		if err != nil {
			return nil, fmt.Errorf("postgres: encode settings of site %s: %w", site.ID, err)
		}
		out = append(out, string(b))
	}
	return out, nil
}

// placeholders returns "$from, …, $(from+n-1)".
func placeholders(from, n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "$%d", from+i)
	}
	return b.String()
}

package postgres

import (
	"context"
	"encoding/json"
	"fmt"

	"parley"
)

// LogCursor returns a follower's cursor as stored.
func (t *unit) LogCursor(ctx context.Context, name string) (*parley.LogCursor, error) {
	c := &parley.LogCursor{Name: name}
	var missing string
	err := t.db.QueryRow(ctx, `SELECT position, missing, version FROM cursors WHERE name = $1`, name).Scan(&c.Position, &missing, &c.Version)
	if err != nil {
		if err = translate(err, "cursor"); parley.ErrorCode(err) == parley.ENOTFOUND {
			return c, nil
		}
		return nil, err
	}
	if err := json.Unmarshal([]byte(missing), &c.Missing); err != nil {
		return nil, fmt.Errorf("postgres: cursor %s: %w", name, err)
	}
	return c, nil
}

// AdvanceCursor stores c if the stored version is still c.Version: the
// first version is an insert, which a racing first follower's insert
// makes a unique violation (ECONFLICT), and every later one an update of
// that version only, which a racing update leaves matching no row.
func (t *unit) AdvanceCursor(ctx context.Context, c *parley.LogCursor) error {
	if err := parley.CheckCursor(c); err != nil {
		return err
	}
	missing := []byte("[]")
	if c.Missing != nil {
		var err error
		if missing, err = json.Marshal(c.Missing); err != nil {
			return fmt.Errorf("postgres: encode cursor: %w", err)
		}
	}
	if c.Version == 0 {
		_, err := t.db.Exec(ctx, `INSERT INTO cursors (name, position, missing, version) VALUES ($1, $2, $3, 1)`,
			c.Name, c.Position, string(missing))
		if err = translate(err, "cursor"); err == nil {
			c.Version = 1
		}
		return err
	}
	tag, err := t.db.Exec(ctx, `UPDATE cursors SET position = $1, missing = $2, version = version + 1
		WHERE name = $3 AND version = $4`, c.Position, string(missing), c.Name, c.Version)
	if err != nil {
		return translate(err, "cursor")
	}
	if tag.RowsAffected() != 1 {
		return parley.Errorf(parley.ECONFLICT, "Another follower advanced the cursor %s first.", c.Name)
	}
	c.Version++
	return nil
}

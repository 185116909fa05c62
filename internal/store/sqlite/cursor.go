package sqlite

import (
	"context"
	"encoding/json"
	"fmt"

	"parley"
)

// LogCursor returns a follower's cursor as stored.
func (s *Store) LogCursor(ctx context.Context, name string) (*parley.LogCursor, error) {
	return readCursor(ctx, s.queryRow, name)
}

// LogCursor returns a follower's cursor as the unit sees it.
func (w *unit) LogCursor(_ context.Context, name string) (*parley.LogCursor, error) {
	return readCursor(w.ctx, w.row, name)
}

func readCursor(ctx context.Context, row rowQuery, name string) (*parley.LogCursor, error) {
	c := &parley.LogCursor{Name: name}
	var missing string
	err := row(ctx, `SELECT position, missing, version FROM cursors WHERE name = ?`, name).Scan(&c.Position, &missing, &c.Version)
	if err != nil {
		if err = mapError(err, "Cursor", "Cursor"); parley.ErrorCode(err) == parley.ENOTFOUND {
			return c, nil
		}
		return nil, err
	}
	if err := json.Unmarshal([]byte(missing), &c.Missing); err != nil {
		return nil, fmt.Errorf("sqlite: cursor %s: %w", name, err)
	}
	return c, nil
}

// AdvanceCursor stores c as a unit of its own.
func (s *Store) AdvanceCursor(ctx context.Context, c *parley.LogCursor) error {
	return s.writeUnit(ctx, func(w *unit) error { return w.AdvanceCursor(ctx, c) })
}

// AdvanceCursor stores c in the unit if the stored version is still
// c.Version: the first version is an insert, which a racing first
// follower's insert makes a conflict, and every later one an update of
// that version only.
func (w *unit) AdvanceCursor(_ context.Context, c *parley.LogCursor) error {
	if err := parley.CheckCursor(c); err != nil {
		return err
	}
	missing, err := json.Marshal(c.Missing)
	if err != nil {
		return fmt.Errorf("sqlite: encode cursor: %w", err)
	}
	if c.Missing == nil {
		missing = []byte("[]")
	}
	if c.Version == 0 {
		_, err := w.tx.ExecContext(w.ctx, `INSERT INTO cursors (name, position, missing, version) VALUES (?, ?, ?, 1)`,
			c.Name, c.Position, string(missing))
		if err = mapError(err, "Cursor", "Cursor"); err == nil {
			c.Version = 1
		}
		return err
	}
	res, err := w.tx.ExecContext(w.ctx, `UPDATE cursors SET position = ?, missing = ?, version = version + 1
		WHERE name = ? AND version = ?`, c.Position, string(missing), c.Name, c.Version)
	if err != nil {
		return mapError(err, "Cursor", "Cursor")
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return parley.Errorf(parley.ECONFLICT, "Another follower advanced the cursor %s first.", c.Name)
	}
	c.Version++
	return nil
}

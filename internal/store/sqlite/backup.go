package sqlite

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"parley"
)

// Backup writes a consistent copy of the database at path to dest while
// servers keep writing to it. VACUUM INTO reads one snapshot (WAL readers
// never block the writer) and writes a compact file without a WAL of its
// own. The copy goes to a temporary name beside dest and is linked to dest
// only when complete, so that dest is never a half-written file; an
// existing dest is never overwritten.
func Backup(ctx context.Context, path, dest string) error {
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("sqlite: backup: %w", err)
	}
	if _, err := os.Lstat(dest); err == nil {
		return parley.Errorf(parley.ECONFLICT, "%s exists: Parley does not overwrite a backup", dest)
	}
	tmp := tempName(dest)
	defer os.Remove(tmp)
	db, err := sql.Open("sqlite", dsn(path, false))
	if err != nil {
		return fmt.Errorf("sqlite: backup: %w", err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, `VACUUM INTO ?`, tmp); err != nil {
		return fmt.Errorf("sqlite: backup %s: %w", path, err)
	}
	if err := syncFile(tmp); err != nil {
		return err
	}
	// Link, unlike rename, fails when dest appeared meanwhile.
	if err := os.Link(tmp, dest); err != nil {
		return fmt.Errorf("sqlite: backup: %w", err)
	}
	return syncDir(filepath.Dir(dest))
}

// Restore puts the backup at src in place of the database at path, which no
// server may have open. It checks that src is a Parley database whose
// schema this binary knows (a newer one would be migrated by nothing and
// read wrongly) and that it passes SQLite's integrity check. The database it
// replaces is kept beside it as PATH.replaced-TIME rather than deleted.
// It returns that name, empty when there was no database at path.
func Restore(ctx context.Context, src, path string) (string, error) {
	if err := checkBackup(ctx, src); err != nil {
		return "", err
	}
	if err := checkUnused(ctx, path); err != nil {
		return "", err
	}
	tmp := tempName(path)
	defer os.Remove(tmp)
	if err := copyFile(src, tmp); err != nil {
		return "", err
	}
	kept := ""
	if _, err := os.Stat(path); err == nil {
		kept = path + ".replaced-" + time.Now().UTC().Format("20060102T150405Z")
		if err := os.Rename(path, kept); err != nil {
			return "", fmt.Errorf("sqlite: restore: %w", err)
		}
	}
	// The WAL and shared memory of the replaced file belong to it: left
	// beside the restored one, SQLite would replay them into it.
	for _, suffix := range []string{"-wal", "-shm"} {
		if err := os.Remove(path + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
			return kept, fmt.Errorf("sqlite: restore: %w", err)
		}
	}
	if err := os.Rename(tmp, path); err != nil {
		return kept, fmt.Errorf("sqlite: restore: %w", err)
	}
	return kept, syncDir(filepath.Dir(path))
}

// checkBackup opens src read-only and checks that it is whole, that it is
// a Parley database, and that this binary knows every migration it has.
func checkBackup(ctx context.Context, src string) error {
	if _, err := os.Stat(src); err != nil {
		return fmt.Errorf("sqlite: restore: %w", err)
	}
	// A backup is one file. With a WAL beside it, it is a live database
	// (or one not closed cleanly) whose last writes the copy would lose.
	if fi, err := os.Stat(src + "-wal"); err == nil && fi.Size() > 0 {
		return parley.Errorf(parley.EINVALID, "%s has a write-ahead log beside it: restore a file made by parley backup", src)
	}
	db, err := sql.Open("sqlite", "file:"+src+"?mode=ro&_pragma=query_only(ON)")
	if err != nil {
		return fmt.Errorf("sqlite: restore: %w", err)
	}
	defer db.Close()
	var check string
	if err := db.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&check); err != nil {
		return parley.Errorf(parley.EINVALID, "%s is not a SQLite database: %v", src, err)
	}
	if check != "ok" {
		return parley.Errorf(parley.EINVALID, "%s fails SQLite's integrity check: %s", src, check)
	}
	applied, err := appliedVersions(ctx, db)
	if err != nil {
		return err
	}
	var sites int
	if len(applied) == 0 || db.QueryRowContext(ctx, `SELECT count(*) FROM sites`).Scan(&sites) != nil {
		return parley.Errorf(parley.EINVALID, "%s is not a Parley database", src)
	}
	all, err := Migrations()
	if err != nil {
		return err
	}
	known := map[int]bool{}
	for _, m := range all {
		known[m.Version] = true
	}
	for v := range applied {
		if !known[v] {
			return parley.Errorf(parley.EINVALID, "%s has migration %04d, newer than this binary: restore it with the release that wrote it", src, v)
		}
	}
	return nil
}

// checkUnused fails when a connection has the database at path open. It
// asks for an exclusive lock without waiting: a server's connections hold
// the WAL's shared memory, which refuses it.
func checkUnused(ctx context.Context, path string) error {
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return nil
	}
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(0)&_pragma=locking_mode(EXCLUSIVE)")
	if err != nil {
		return fmt.Errorf("sqlite: restore: %w", err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	conn, err := db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("sqlite: restore: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `BEGIN EXCLUSIVE`); err != nil {
		return parley.Errorf(parley.ECONFLICT, "%s is in use: stop every server on it before a restore (%v)", path, err)
	}
	_, err = conn.ExecContext(ctx, `COMMIT`)
	return err
}

// tempName returns a fresh name in the directory of path.
func tempName(path string) string {
	b := make([]byte, 6)
	rand.Read(b)
	return filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".tmp-"+hex.EncodeToString(b))
}

// copyFile copies src to a new file dst and syncs it.
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("sqlite: restore: %w", err)
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("sqlite: restore: %w", err)
	}
	_, err = io.Copy(out, in)
	return errors.Join(err, out.Sync(), out.Close())
}

// syncFile flushes a file to disk.
func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("sqlite: %w", err)
	}
	return errors.Join(f.Sync(), f.Close())
}

// syncDir makes a rename or link in dir durable.
func syncDir(dir string) error {
	if strings.TrimSpace(dir) == "" {
		dir = "."
	}
	return syncFile(dir)
}

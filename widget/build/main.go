// Command build regenerates the widget: catalog.gen.ts from the Go
// catalogs, then dist/embed.js from the TypeScript sources. It runs from
// the widget directory (`go generate ./widget`) and needs no Node.
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"parley/widget/internal/bundle"
)

func main() {
	if err := run("."); err != nil {
		fmt.Fprintln(os.Stderr, "widget build:", err)
		os.Exit(1)
	}
}

// run writes the catalog first, since the bundle imports it.
func run(dir string) error {
	if missing := bundle.Missing(); len(missing) > 0 {
		return fmt.Errorf("catalog keys missing: %v", missing)
	}
	if err := write(filepath.Join(dir, bundle.CatalogPath), bundle.Catalog()); err != nil {
		return err
	}
	if err := write(filepath.Join(dir, bundle.AccountCatalogPath), bundle.AccountCatalog()); err != nil {
		return err
	}
	if err := write(filepath.Join(dir, bundle.NoticeCatalogPath), bundle.NoticeCatalog()); err != nil {
		return err
	}
	js, err := bundle.Build(dir)
	if err != nil {
		return err
	}
	if err := write(filepath.Join(dir, bundle.BundlePath), js); err != nil {
		return err
	}
	js, err = bundle.BuildAccount(dir)
	if err != nil {
		return err
	}
	if err := write(filepath.Join(dir, bundle.AccountBundlePath), js); err != nil {
		return err
	}
	if err := write(filepath.Join(dir, bundle.InboxCatalogPath), bundle.InboxCatalog()); err != nil {
		return err
	}
	if js, err = bundle.BuildInbox(dir); err != nil {
		return err
	}
	if err := write(filepath.Join(dir, bundle.InboxBundlePath), js); err != nil {
		return err
	}
	if js, err = bundle.BuildNotice(dir); err != nil {
		return err
	}
	return write(filepath.Join(dir, bundle.NoticeBundlePath), js)
}

func write(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("mkdir: %w", err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

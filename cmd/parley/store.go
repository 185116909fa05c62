package main

import (
	"context"
	"fmt"
	"strings"

	"parley"
	"parley/internal/store/postgres"
	"parley/internal/store/sqlite"
)

// openStore opens the backend that dsn names and brings its schema up to
// date. This is the one place that knows both backends.
func openStore(ctx context.Context, dsn string) (parley.Store, error) {
	if path, ok := strings.CutPrefix(dsn, "sqlite:"); ok {
		s, err := sqlite.Open(ctx, path)
		if err != nil {
			return nil, fmt.Errorf("open sqlite %s: %w", path, err)
		}
		return s, nil
	}
	s, err := postgres.Open(ctx, dsn)
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	return s, nil
}

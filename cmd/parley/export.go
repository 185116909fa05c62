package main

import (
	"context"
	"errors"
	"io"
)

// export runs `parley export --site S [--out FILE]`.
func export(ctx context.Context, args []string, env func(string) string, stdout, stderr io.Writer) error {
	return errors.New("export: not yet")
}

// importCmd runs `parley import parley FILE --site S`.
func importCmd(ctx context.Context, args []string, env func(string) string, stdout, stderr io.Writer) error {
	return errors.New("import: not yet")
}

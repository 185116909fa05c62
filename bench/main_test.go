package main

import (
	"context"
	"fmt"
	"os"
	"testing"
)

// TestMain lets the test binary play the baseline process, as the bench
// binary does, since the read scenario re-executes its own binary.
func TestMain(m *testing.M) {
	if len(os.Args) == 3 && os.Args[1] == serveBaselineArg {
		if err := serveBaseline(context.Background(), os.Args[2], os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

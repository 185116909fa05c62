package config

import (
	"flag"
	"slices"
	"testing"
)

func TestServeVariables(t *testing.T) {
	got := ServeVariables()
	for _, want := range []string{"PARLEY_DATABASE", "PARLEY_ADDR", "PARLEY_NATS_URL", "PARLEY_METRICS_ADDR",
		"PARLEY_LOG_FORMAT", "PARLEY_SMTP_URL", "PARLEY_SMTP_URL_FILE", "PARLEY_DATABASE_FILE"} {
		if !slices.Contains(got, want) {
			t.Errorf("ServeVariables() lacks %s: %v", want, got)
		}
	}
	if slices.Contains(got, "PARLEY_NO_SUCH") {
		t.Error("ServeVariables() invents variables")
	}
}

func TestVariablesOfFlags(t *testing.T) {
	got := Variables(func(env Env) {
		Flags(flag.NewFlagSet("x", flag.ContinueOnError), env)
	})
	if !slices.Equal(got, []string{"PARLEY_DATABASE", "PARLEY_DATABASE_FILE"}) {
		t.Errorf("Variables(Flags) = %v", got)
	}
}

package service_test

import (
	"strings"
	"testing"

	"parley/internal/service"
)

// TestNormalizeEmail: one bare address, lower-cased whole, or nothing.
func TestNormalizeEmail(t *testing.T) {
	for in, want := range map[string]string{
		"Ada@Example.ORG":                    "ada@example.org",
		"  ada@example.org\t":                "ada@example.org",
		"ada+news@mail.example.org":          "ada+news@mail.example.org",
		"Ada <ada@example.org>":              "",
		"ada@example.org, eve@example.org":   "",
		"ada@localhost":                      "",
		"ada@[127.0.0.1]":                    "",
		"@example.org":                       "",
		"ada@example.org\r\nBcc: eve@x.org":  "",
		"ada(comment)@example.org":           "",
		strings.Repeat("a", 250) + "@ex.org": "",
		"":                                   "",
	} {
		got, ok := service.NormalizeEmail(in)
		if got != want || ok != (want != "") {
			t.Errorf("NormalizeEmail(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}

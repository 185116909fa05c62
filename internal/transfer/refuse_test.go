package transfer_test

import (
	"bytes"
	"strings"
	"testing"

	"parley"
	"parley/internal/transfer"
)

// TestRoundTripWithEmails keeps the addresses when asked, through an
// import, and nowhere else.
func TestRoundTripWithEmails(t *testing.T) {
	open := backends(t)
	src := open["sqlite"](t)
	fill(t, src)
	var b bytes.Buffer
	if _, err := transfer.Export(t.Context(), src, &b, "news", transfer.Options{Emails: true}); err != nil {
		t.Fatal(err)
	}
	first := b.String()
	if !strings.Contains(first, `"email":"ada@example.com"`) || !strings.Contains(first, `"email":"dee@example.org"`) {
		t.Fatalf("--emails left the addresses out:\n%s", first)
	}
	dst := open["postgres"](t)
	if _, err := transfer.Import(t.Context(), dst, strings.NewReader(first), "news"); err != nil {
		t.Fatal(err)
	}
	b.Reset()
	if _, err := transfer.Export(t.Context(), dst, &b, "news", transfer.Options{Emails: true}); err != nil {
		t.Fatal(err)
	}
	if b.String() != first {
		t.Errorf("export with addresses after import differs:\n%s\n%s", first, b.String())
	}
}

// TestImportRefuses names the line an import stops at, and writes nothing
// of a file whose first line is wrong.
func TestImportRefuses(t *testing.T) {
	site := `{"type":"site","v":1,"id":"x","name":"X","origins":[],"editWindowMs":0,"maxBodyLength":100,"createdAt":"2026-01-01T00:00:00Z"}`
	story := `{"type":"story","v":1,"id":"s","url":"https://x.example/s","title":"S","lang":"en","status":"open","commentCount":0,"createdAt":"2026-01-01T00:00:00Z"}`
	for _, tc := range []struct {
		name, file, want string
	}{
		{"empty", "", "empty"},
		{"not JSON", "hello\n", "line 1"},
		{"no site first", story + "\n", "site line comes first"},
		{"newer version", strings.Replace(site, `"v":1`, `"v":2`, 1) + "\n", "version 2"},
		{"unknown type", site + "\n" + `{"type":"poll","v":1}` + "\n", `Unknown record type "poll"`},
		{"comment outside its story", site + "\n" + `{"type":"comment","v":1,"id":"c","story":"s","root":"c","status":"approved","createdAt":"2026-01-01T00:00:00Z"}` + "\n", "line 2"},
		{"bad status", site + "\n" + story + "\n" + `{"type":"comment","v":1,"id":"c","story":"s","root":"c","status":"shiny","createdAt":"2026-01-01T00:00:00Z"}` + "\n", "line 3"},
		{"orphan reply", site + "\n" + story + "\n" + `{"type":"comment","v":1,"id":"c","story":"s","parent":"p","root":"p","depth":1,"status":"approved","createdAt":"2026-01-01T00:00:00Z"}` + "\n", "parent"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := backends(t)["sqlite"](t)
			_, err := transfer.Import(t.Context(), s, strings.NewReader(tc.file), "x")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Import = %v, want an error with %q", err, tc.want)
			}
			if parley.ErrorCode(err) != parley.EINVALID && parley.ErrorCode(err) != parley.ENOTFOUND {
				t.Errorf("error %v has code %q", err, parley.ErrorCode(err))
			}
		})
	}
}

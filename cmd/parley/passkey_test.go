package main

import (
	"strings"
	"testing"

	"parley"
)

// TestSitePasskeyFlags: the RP ID, the switch and --staff-passkey are
// stored; an RP ID that is not the origin's host or a suffix of it is
// refused and changes nothing.
func TestSitePasskeyFlags(t *testing.T) {
	cli := newSiteCLI(t)
	cmd := cli.run
	passkeys := func() parley.Passkeys { return cli.site("news").Passkeys }
	if err := cmd("site", "create", "--id", "news", "--origin", "https://www.news.example"); err != nil {
		t.Fatal(err)
	}
	if got := passkeys(); got != (parley.Passkeys{}) {
		t.Errorf("a new site's passkeys = %+v, want on with the default RP ID", got)
	}
	if err := cmd("site", "update", "--id", "news", "--passkey-rp-id", "news.example", "--staff-passkey"); err != nil {
		t.Fatal(err)
	}
	want := parley.Passkeys{RPID: "news.example", Staff: true}
	if got := passkeys(); got != want {
		t.Errorf("passkeys = %+v, want %+v", got, want)
	}
	for _, rp := range []string{"example", "evil.example", "ews.example", "News.example", "www.news.example.com"} {
		err := cmd("site", "update", "--id", "news", "--passkey-rp-id", rp)
		if err == nil || !strings.Contains(err.Error(), "RP ID") {
			t.Errorf("--passkey-rp-id %s = %v, want refused", rp, err)
		}
	}
	if got := passkeys(); got != want {
		t.Errorf("after refused updates: passkeys = %+v, want %+v", got, want)
	}
	if err := cmd("site", "update", "--id", "news", "--passkeys=false", "--passkey-rp-id", "", "--staff-passkey=false"); err != nil {
		t.Fatal(err)
	}
	if got := passkeys(); got != (parley.Passkeys{Off: true}) {
		t.Errorf("passkeys = %+v, want off", got)
	}
}

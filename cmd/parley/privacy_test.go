package main

import (
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"parley"
)

// TestSitePrivacyFlags: --erase-policy and --ip-retention are stored by
// create and update, an update without them keeps them, and a bad value
// changes nothing.
func TestSitePrivacyFlags(t *testing.T) {
	cli := newSiteCLI(t)
	cmd := cli.run
	privacy := func() parley.Privacy { return cli.site("news").Privacy }
	if err := cmd("site", "create", "--id", "news"); err != nil {
		t.Fatal(err)
	}
	if got := privacy(); got.Policy() != parley.EraseDelete || got.Retention() != parley.DefaultIPRetention {
		t.Errorf("defaults = %+v", got)
	}
	steps := []struct {
		args []string
		want parley.Privacy
	}{
		{[]string{"--erase-policy", "anonymize"}, parley.Privacy{ErasePolicy: parley.EraseAnonymize, IPRetention: parley.DefaultIPRetention}},
		{[]string{"--ip-retention", "72h"}, parley.Privacy{ErasePolicy: parley.EraseAnonymize, IPRetention: 72 * time.Hour}},
		{[]string{"--name", "News"}, parley.Privacy{ErasePolicy: parley.EraseAnonymize, IPRetention: 72 * time.Hour}},
	}
	for _, st := range steps {
		if err := cmd(append([]string{"site", "update", "--id", "news"}, st.args...)...); err != nil {
			t.Fatalf("site update %v: %v", st.args, err)
		}
		if got := privacy(); got != st.want {
			t.Errorf("after %v: %+v, want %+v", st.args, got, st.want)
		}
	}
	for _, bad := range [][]string{{"--erase-policy", "shred"}, {"--ip-retention", "1s"}} {
		if err := cmd(append([]string{"site", "update", "--id", "news"}, bad...)...); err == nil {
			t.Errorf("site update %v succeeded", bad)
		}
	}
	if got := privacy(); got.IPRetention != 72*time.Hour || got.ErasePolicy != parley.EraseAnonymize {
		t.Errorf("after refused updates: %+v", got)
	}
}

// TestPurgeAddresses: the purge loop's step forgets the hashes each site's
// retention has run out for, and no others.
func TestPurgeAddresses(t *testing.T) {
	ctx := t.Context()
	store, err := openStore(ctx, "sqlite:"+filepath.Join(t.TempDir(), "parley.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	now := parley.Now()
	for _, s := range []*parley.Site{
		{ID: "short", EditWindow: time.Minute, MaxBodyLength: 100, Privacy: parley.Privacy{IPRetention: time.Hour}, CreatedAt: now},
		{ID: "long", EditWindow: time.Minute, MaxBodyLength: 100, CreatedAt: now},
	} {
		if err := store.CreateSite(ctx, s); err != nil {
			t.Fatal(err)
		}
		st, err := store.EnsureStory(ctx, &parley.Story{SiteID: s.ID, ID: "s", Status: parley.StoryOpen, CreatedAt: now})
		if err != nil {
			t.Fatal(err)
		}
		at := now.Add(-2 * time.Hour) // older than short's hour, younger than long's 30 days
		c := &parley.Comment{ID: parley.NewID(at), SiteID: s.ID, StoryID: st.ID, AuthorID: "u", AuthorName: "U", Body: "b", HTML: "<p>b</p>",
			Status: parley.StatusApproved, IPHash: "hash", CreatedAt: at}
		c.RootID = c.ID
		if err := store.CreateComment(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	var logs strings.Builder
	purgeAddresses(ctx, store, now, slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	if !strings.Contains(logs.String(), "site=short rows=1") || !strings.Contains(logs.String(), "site=long rows=0") {
		t.Errorf("purge log:\n%s", logs.String())
	}
	if n, _ := store.PurgeAddresses(ctx, "long", now); n != 1 {
		t.Errorf("long's hash was purged too early (%d left)", n)
	}
}

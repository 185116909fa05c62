package main

import (
	"bytes"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"parley"
	"parley/internal/realtime"
	"parley/internal/realtime/natstest"
)

// TestCommandsPublishOverNATS: with PARLEY_NATS_URL set, the management
// commands that change what servers cache tell a running fleet at once.
func TestCommandsPublishOverNATS(t *testing.T) {
	ns := natstest.Start(t)
	got := listenOverNATS(t, ns.URL, parley.Topic{Kind: parley.TopicSites, SiteID: "news"})
	env := map[string]string{"PARLEY_DATABASE": "sqlite:" + filepath.Join(t.TempDir(), "parley.db"), "PARLEY_NATS_URL": ns.URL}
	for _, args := range [][]string{
		{"site", "create", "--id", "news", "--origin", "https://news.example"},
		{"site", "update", "--id", "news", "--name", "News"},
		{"words", "add", "--site", "news", "--list", "banned", "--lang", "de", "Quatschkopf"},
	} {
		var stdout, stderr bytes.Buffer
		if err := run(t.Context(), args, func(k string) string { return env[k] }, &stdout, &stderr); err != nil {
			t.Fatalf("parley %v: %v\n%s", args, err, stderr.String())
		}
		select {
		case ev := <-got:
			if ev.Type != parley.EventSiteChanged || ev.SiteID != "news" {
				t.Errorf("parley %v: got %+v, want site.changed of news", args, ev)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("parley %v: the fleet heard nothing within 10s", args)
		}
	}
}

// listenOverNATS subscribes to topic on a NATS bus of its own, as a running
// server of the fleet would, and returns what arrives; it ends with the test.
func listenOverNATS(t *testing.T, url string, topic parley.Topic) <-chan parley.Event {
	t.Helper()
	fleet, err := realtime.NewNATSBus(t.Context(), realtime.NATSOptions{URL: url, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(fleet.Close)
	got := make(chan parley.Event, 16)
	unsub, err := fleet.Subscribe(topic, func(ev parley.Event) { got <- ev })
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(unsub)
	return got
}

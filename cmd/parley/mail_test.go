package main

import (
	"bytes"
	"context"
	"net/mail"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"parley"
	"parley/internal/outbox/smtptest"
)

// TestServeRelaysMail: `parley serve --smtp-url` sends what waits in the
// outbox (here a message left by an earlier run) and stops its relay on
// shutdown.
func TestServeRelaysMail(t *testing.T) {
	ms := smtptest.Start(t, false)
	dsn := "sqlite:" + filepath.Join(t.TempDir(), "parley.db")
	store, err := openStore(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	m := &parley.Message{ID: parley.NewID(parley.Now()), To: "leser@example.de", Subject: "Willkommen", Text: "Hallo", CreatedAt: parley.Now()}
	if err := store.EnqueueMessage(t.Context(), m); err != nil {
		t.Fatal(err)
	}
	store.Close()

	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	stderr := &logWriter{ready: make(chan string, 1)}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--database", dsn, "--public-url", "https://comments.news.example",
			"--smtp-url", ms.URL, "--mail-from", "Die Zeitung <noreply@news.example>"}, func(string) string { return "" }, &bytes.Buffer{}, stderr)
	}()
	var got smtptest.Received
	select {
	case got = <-ms.Arrived:
	case err := <-done:
		t.Fatalf("serve returned %v before sending:\n%s", err, stderr)
	case <-time.After(20 * time.Second):
		t.Fatalf("no mail within 20s:\n%s", stderr)
	}
	msg, err := mail.ReadMessage(bytes.NewReader(got.Data))
	if err != nil {
		t.Fatal(err)
	}
	if id := msg.Header.Get("Message-ID"); id != "<"+m.ID+"@comments.news.example>" || got.From != "noreply@news.example" {
		t.Errorf("Message-ID %q from %q; want the public URL's host and --mail-from", id, got.From)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("serve: %v", err)
	}
	if log := stderr.String(); !strings.Contains(log, "outbox relay stopped") || strings.Contains(log, "secret") {
		t.Errorf("the log should say the relay stopped and never show the SMTP password:\n%s", log)
	}
}

// TestServeRefusesBadSMTPURL: a bad --smtp-url stops serve at start, and
// the error does not repeat the password.
func TestServeRefusesBadSMTPURL(t *testing.T) {
	dsn := "sqlite:" + filepath.Join(t.TempDir(), "parley.db")
	for _, u := range []string{"ftp://u:hunter2@m.example:25", "smtp://u:hunter2@m.example", "smtp://u:hunter2@m.example:25/x", "smtp://u:hunter2@%zz:25"} {
		err := run(t.Context(), []string{"serve", "--addr", "127.0.0.1:0", "--database", dsn, "--smtp-url", u, "--mail-from", "a@b.example"},
			func(string) string { return "" }, &bytes.Buffer{}, &bytes.Buffer{})
		if err == nil || strings.Contains(err.Error(), "hunter2") {
			t.Errorf("serve --smtp-url %s = %v; want an error without the password", u, err)
		}
	}
}

package realtime_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"

	"parley"
	"parley/internal/realtime"
	"parley/internal/store/postgres"
	"parley/internal/store/postgres/pgtest"
)

// TestPostgresLateCommit takes an event ID in a transaction that commits
// after one that took a higher ID, on the real PostgreSQL: the reader sees
// the higher first, asks again for the hole, and delivers the late event
// once it commits, and only once.
func TestPostgresLateCommit(t *testing.T) {
	ctx := context.Background()
	url := pgtest.URL(t)
	store, err := postgres.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	render := func(_ context.Context, ev parley.StoredEvent) (realtime.Message, bool, error) {
		return realtime.Message{ID: ev.ID, Event: ev.Type, Data: []byte(ev.CommentID)}, true, nil
	}
	hub := newTestHub(t, store, render)
	sub, err := hub.Subscribe(ctx, "s", "a")
	if err != nil {
		t.Fatal(err)
	}
	defer hub.Unsubscribe(sub)

	conn := func() *pgx.Conn {
		c, err := pgx.Connect(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close(ctx) })
		return c
	}
	slow, fast := conn(), conn()
	insert := `INSERT INTO events (site_id, story_id, type, comment_id) VALUES ('s', 'a', 'comment.created', $1)`
	tx, err := slow.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, insert, "late"); err != nil { // takes the lower ID, commits later
		t.Fatal(err)
	}
	if _, err := fast.Exec(ctx, insert, "early"); err != nil {
		t.Fatal(err)
	}
	hub.Notify("s", "a")
	early := receive(t, sub)
	if string(early.Data) != "early" {
		t.Fatalf("got %s, want early", early.Data)
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	hub.Notify("s", "a")
	late := receive(t, sub)
	if string(late.Data) != "late" || late.ID >= early.ID {
		t.Fatalf("got %s (ID %d), want late with an ID below %d", late.Data, late.ID, early.ID)
	}
	if _, err := fast.Exec(ctx, insert, "next"); err != nil {
		t.Fatal(err)
	}
	hub.Notify("s", "a")
	if m := receive(t, sub); string(m.Data) != "next" {
		t.Errorf("got %s, want next (the late event only once)", m.Data)
	}
}

package postgres

import (
	"context"
	"testing"

	"parley"
)

// TestMemoWebhooks reads a site's endpoints twice in one unit: the second
// read is the memo's, a caller changing its copy changes nothing for the
// next, and an endpoint the unit adds is seen at once.
func TestMemoWebhooks(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	st := seedStory(t, s, "hooks", 0)
	at := parley.Now()
	hook := func(id string) *parley.Webhook {
		return &parley.Webhook{ID: id, SiteID: st.SiteID, URL: "https://hooks.example/" + id,
			Events: []string{parley.HookCommentCreated}, CreatedAt: at}
	}
	if err := s.CreateWebhook(ctx, hook("a")); err != nil {
		t.Fatal(err)
	}
	err := s.Update(ctx, func(tx parley.Tx) error {
		first, err := tx.SiteWebhooks(ctx, st.SiteID)
		if err != nil || len(first) != 1 {
			t.Fatalf("first read = %v, %v", first, err)
		}
		first[0].URL, first[0].Events[0] = "changed", "changed"
		again, err := tx.SiteWebhooks(ctx, st.SiteID)
		if err != nil || len(again) != 1 || again[0].URL != "https://hooks.example/a" || again[0].Events[0] != parley.HookCommentCreated {
			t.Fatalf("second read = %+v, %v; want the stored endpoint unchanged", again[0], err)
		}
		if err := tx.CreateWebhook(ctx, hook("b")); err != nil {
			return err
		}
		after, err := tx.SiteWebhooks(ctx, st.SiteID)
		if err != nil || len(after) != 2 {
			t.Fatalf("read after CreateWebhook = %d endpoints, %v; want 2", len(after), err)
		}
		if err := tx.DeleteWebhook(ctx, st.SiteID, "a"); err != nil {
			return err
		}
		last, err := tx.SiteWebhooks(ctx, st.SiteID)
		if err != nil || len(last) != 1 || last[0].ID != "b" {
			t.Fatalf("read after DeleteWebhook = %v, %v; want only b", last, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

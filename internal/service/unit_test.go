package service_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"parley"
	"parley/internal/markup"
	"parley/internal/realtime"
	"parley/internal/service"
)

var errNoAudit = errors.New("the audit log cannot be written")

// failingAudit is a store whose units cannot append to the audit log.
type failingAudit struct{ parley.Store }

func (s failingAudit) Update(ctx context.Context, fn func(parley.Tx) error) error {
	return s.Store.Update(ctx, func(tx parley.Tx) error { return fn(failingAuditTx{tx}) })
}

type failingAuditTx struct{ parley.Tx }

func (failingAuditTx) AppendAudit(context.Context, *parley.AuditEntry) error { return errNoAudit }

// TestActionAndEntryAreOneUnit: when its audit entry cannot be written, a
// decision, a sanction, a note and closing a story change nothing, so that
// the log never misses an action.
func TestActionAndEntryAreOneUnit(t *testing.T) {
	good := newDesk(t, testStore(t))
	bad := service.New(failingAudit{good.store}, markup.New(), realtime.NewBus(), quietLog())
	c, reader := good.post("s1", "Bitte prüfen", nil)
	good.hold(c)
	ctx := good.as(good.mod)

	_, err := bad.Decide(ctx, service.Decision{SiteID: "news", CommentIDs: []string{c.ID}, Action: service.ActionReject, Reason: parley.ReasonSpam})
	if !errors.Is(err, errNoAudit) {
		t.Fatalf("Decide = %v, want the audit log's failure", err)
	}
	if got := good.comment(c.ID); got.Status != parley.StatusPending || got.Featured {
		t.Errorf("after a failed decision the comment is %s", got.Status)
	}
	_, err = bad.Sanction(ctx, service.Sanction{SiteID: "news", UserID: reader.ID, Kind: service.SanctionSuspend, Duration: time.Hour, Reason: parley.ReasonSpam})
	if !errors.Is(err, errNoAudit) {
		t.Fatalf("Sanction = %v, want the audit log's failure", err)
	}
	_, err = bad.AddNote(ctx, "news", reader.ID, "Notiz")
	if !errors.Is(err, errNoAudit) {
		t.Fatalf("AddNote = %v, want the audit log's failure", err)
	}
	if u, _ := good.store.User(good.ctx, reader.ID); u.Sanctions != (parley.Sanctions{}) || u.Counts.Notes != 0 {
		t.Errorf("after failed sanctions the user has %+v, %+v", u.Sanctions, u.Counts)
	}
	_, err = bad.SetStoryOpen(ctx, "news", "s1", false)
	if !errors.Is(err, errNoAudit) {
		t.Fatalf("SetStoryOpen = %v, want the audit log's failure", err)
	}
	if st, _ := good.store.Story(good.ctx, "news", "s1"); st.Status != parley.StoryOpen {
		t.Errorf("after a failed close the story is %s", st.Status)
	}
}

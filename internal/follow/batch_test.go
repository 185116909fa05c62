package follow

import (
	"context"
	"testing"

	"parley"
)

// readCounter is a unit that counts its comment and user reads; any other
// method panics (the embedded nil Tx).
type readCounter struct {
	parley.Tx
	reads map[string]int
}

func (r *readCounter) Comment(_ context.Context, id string) (*parley.Comment, error) {
	r.reads["comment "+id]++
	if id == "gone" {
		return nil, parley.Errorf(parley.ENOTFOUND, "Comment not found.")
	}
	return &parley.Comment{ID: id, Status: parley.StatusApproved}, nil
}

func (r *readCounter) User(_ context.Context, id string) (*parley.User, error) {
	r.reads["user "+id]++
	return &parley.User{ID: id, Name: "Ada"}, nil
}

// TestBatchReadsOnce: a batch reads a comment and a user once and hands
// out copies, so that what one derivation changes in its copy another
// does not see; a failed read is not kept.
func TestBatchReadsOnce(t *testing.T) {
	ctx := t.Context()
	r := &readCounter{reads: map[string]int{}}
	b := newBatchTx(r)
	first, err := b.Comment(ctx, "c1")
	if err != nil {
		t.Fatal(err)
	}
	first.Author = parley.Standing{Role: parley.RoleModerator}
	again, err := b.Comment(ctx, "c1")
	if err != nil {
		t.Fatal(err)
	}
	if again.Author.Role != parley.RoleNone || again == first {
		t.Errorf("second read of c1 = %+v, want a copy of the first answer as read", again)
	}
	for range 2 {
		if _, err := b.Comment(ctx, "gone"); parley.ErrorCode(err) != parley.ENOTFOUND {
			t.Fatalf("Comment(gone) = %v, want ENOTFOUND", err)
		}
		if u, err := b.User(ctx, "u1"); err != nil || u.Name != "Ada" {
			t.Fatalf("User(u1) = %+v, %v", u, err)
		}
	}
	want := map[string]int{"comment c1": 1, "comment gone": 2, "user u1": 1}
	for k, n := range want {
		if r.reads[k] != n {
			t.Errorf("%s read %d times, want %d", k, r.reads[k], n)
		}
	}
}

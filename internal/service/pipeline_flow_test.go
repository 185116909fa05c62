package service_test

import (
	"errors"
	"net/netip"
	"testing"
	"time"

	"parley"
	"parley/internal/pow"
	"parley/internal/service"
)

// TestPipelineAge: a story older than the site's pre-moderation age holds
// new comments, and one older than its closing age takes none (nor edits).
func TestPipelineAge(t *testing.T) {
	p := newPipe(t, testStore(t), parley.Moderation{PremoderateAfterDays: 2, CloseAfterDays: 5})
	first, err := p.post(p.ctx, "First!", false)
	if err != nil || first.Comment.Status != parley.StatusApproved {
		t.Fatalf("post on a new story = %+v, %v; want approved", first, err)
	}
	p.now = p.now.Add(3 * 24 * time.Hour)
	held, err := p.post(p.ctx, "Three days later", false)
	if err != nil || held.Comment.Status != parley.StatusPending {
		t.Fatalf("post after 3 days = %+v, %v; want pending", held, err)
	}
	if rev, _ := p.verdictOf(held.Comment.ID); reasonKeys(rev.Reasons) != "rule/age" || rev.Reasons[0].N != 2 {
		t.Errorf("reasons = %+v, want rule/age with N 2", rev.Reasons)
	}
	p.now = p.now.Add(3 * 24 * time.Hour)
	if _, err := p.post(p.ctx, "Six days later", false); parley.ErrorKey(err) != "closed" {
		t.Errorf("post after 6 days: %v, want closed", err)
	}
}

// TestPipelineHoneypot: a filled honeypot is refused with its own key and
// leaves nothing behind: no story, no commenter, no comment.
func TestPipelineHoneypot(t *testing.T) {
	p := newPipe(t, testStore(t), parley.Moderation{})
	_, err := p.svc.Post(p.ctx, service.NewComment{SiteID: p.site.ID, StoryID: "story", Body: "Buy pills", AuthorName: "Bot", Honeypot: "https://spam.example"})
	if parley.ErrorCode(err) != parley.EINVALID || parley.ErrorKey(err) != "honeypot" {
		t.Fatalf("post with the honeypot filled: %v, want EINVALID honeypot", err)
	}
	if _, err := p.store.Story(p.ctx, p.site.ID, "story"); parley.ErrorCode(err) != parley.ENOTFOUND {
		t.Errorf("story after a refused post: %v, want ENOTFOUND", err)
	}
}

// TestPipelineProofOfWork: with PowAfter 2 an address posts twice freely,
// then needs a proof (EPRECONDITION proofRequired with a challenge); a
// solution passes once, and is refused when replayed; signed-in readers
// never meet it. With PowAlways, the first anonymous post needs one.
func TestPipelineProofOfWork(t *testing.T) {
	p := newPipe(t, testStore(t), parley.Moderation{PowAfter: 2})
	ctx := parley.WithAddress(p.ctx, netip.MustParseAddr("203.0.113.9"))
	post := func(body string, proof service.Proof) (*service.Posted, error) {
		return p.svc.Post(ctx, service.NewComment{SiteID: p.site.ID, StoryID: "story", Body: body, AuthorName: "Gast", Proof: proof})
	}
	for _, body := range []string{"one", "two"} {
		if _, err := post(body, service.Proof{}); err != nil {
			t.Fatalf("post %q: %v", body, err)
		}
	}
	_, err := post("three", service.Proof{})
	var req *service.ProofRequired
	if !errors.As(err, &req) || parley.ErrorCode(err) != parley.EPRECONDITION || parley.ErrorKey(err) != "proofRequired" {
		t.Fatalf("third post: %v, want ProofRequired", err)
	}
	if req.Challenge.Token == "" || req.Challenge.Difficulty != pow.DefaultDifficulty {
		t.Errorf("challenge = %+v, want a token of the default difficulty", req.Challenge)
	}
	solution, err := pow.Solve(p.ctx, req.Challenge.Token)
	if err != nil {
		t.Fatal(err)
	}
	proof := service.Proof{Challenge: req.Challenge.Token, Solution: solution}
	if _, err := post("three", proof); err != nil {
		t.Fatalf("post with the proof: %v", err)
	}
	if _, err := post("four", proof); !errors.Is(err, pow.ErrReplayed) {
		t.Errorf("post with the same proof again: %v, want ErrReplayed", err)
	}
	if _, err := post("four", service.Proof{Challenge: req.Challenge.Token, Solution: "1"}); err == nil {
		t.Errorf("post with a wrong solution passed")
	}
	u := &parley.User{ID: parley.NewID(p.now), SiteID: p.site.ID, Name: "Sia", CreatedAt: p.now}
	if err := p.store.CreateUser(p.ctx, u); err != nil {
		t.Fatal(err)
	}
	signedIn := parley.WithActor(ctx, &parley.Actor{User: u, SiteID: p.site.ID, Role: parley.RoleCommenter, Method: "session"})
	if _, err := p.svc.Post(signedIn, service.NewComment{SiteID: p.site.ID, StoryID: "story", Body: "signed in"}); err != nil {
		t.Errorf("a signed-in reader's post: %v, want no proof asked", err)
	}

	always := newPipe(t, testStore(t), parley.Moderation{PowAlways: true})
	if _, err := always.post(always.ctx, "first", false); !errors.As(err, &req) {
		t.Errorf("first post with PowAlways: %v, want ProofRequired", err)
	}
}

// TestPipelineEdits: an edit is judged again and kept as the next
// revision; an approved comment whose edit is held leaves the thread (the
// story's count falls) and the audit log says so; a clean edit of a
// pending comment does not release it.
func TestPipelineEdits(t *testing.T) {
	for backend, open := range pipelineStores(t) {
		t.Run(backend, func(t *testing.T) {
			p := newPipe(t, open(t), parley.Moderation{})
			u := &parley.User{ID: parley.NewID(p.now), SiteID: p.site.ID, Name: "Ed", CreatedAt: p.now.Add(-72 * time.Hour)}
			if err := p.store.CreateUser(p.ctx, u); err != nil {
				t.Fatal(err)
			}
			ctx := p.as(u, parley.RoleCommenter)
			posted, err := p.post(ctx, "A fair point.", false)
			if err != nil || posted.Comment.Status != parley.StatusApproved {
				t.Fatalf("post = %+v, %v", posted, err)
			}
			id := posted.Comment.ID
			own, err := p.svc.Edit(ctx, id, "A fair point, you idiot.")
			if err != nil || own.Comment.Status != parley.StatusPending {
				t.Fatalf("edit with a suspect word = %+v, %v; want pending", own, err)
			}
			revs, err := p.store.CommentRevisions(p.ctx, id)
			if err != nil || len(revs) != 2 || revs[1].N != 2 || revs[1].Body != "A fair point, you idiot." || reasonKeys(revs[1].Reasons) != "edit/edit,words/suspect" {
				t.Fatalf("revisions = %+v, %v; want 2, the second held for the edit and the word", revs, err)
			}
			_, log := p.verdictOf(id)
			if len(log) != 1 || log[0].Action != parley.AuditHeld || log[0].Before != parley.StatusApproved || log[0].After != parley.StatusPending {
				t.Errorf("audit = %+v, want one held entry from approved to pending", log)
			}
			if st, _ := p.store.Story(p.ctx, p.site.ID, "story"); st.CommentCount != 0 {
				t.Errorf("story count after the held edit = %d, want 0", st.CommentCount)
			}
			own, err = p.svc.Edit(ctx, id, "A fair point.")
			if err != nil || own.Comment.Status != parley.StatusPending {
				t.Errorf("clean edit of a pending comment = %+v, %v; want still pending", own, err)
			}
			if revs, _ := p.store.CommentRevisions(p.ctx, id); len(revs) != 3 || revs[2].Status != parley.StatusApproved {
				t.Errorf("revisions = %+v, want a third, clean one", revs)
			}
		})
	}
}

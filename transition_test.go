package parley_test

import (
	"fmt"
	"testing"

	"parley"
)

// TestTransition lists every (old, new) status pair, for a comment without
// replies and for one with shown replies (a deleted one is then a
// placeholder), with the effects written out by hand.
func TestTransition(t *testing.T) {
	const (
		A, P, R, D = parley.StatusApproved, parley.StatusPending, parley.StatusRejected, parley.StatusDeleted
		cre, del   = parley.EventCommentCreated, parley.EventCommentDeleted
	)
	tests := []struct {
		from, to string
		replies  int
		want     parley.Effects
	}{
		// Created: counted and shown only when approved. The author's
		// counts follow the status, whatever the replies.
		{"", A, 0, parley.Effects{Event: cre, StoryCount: 1, ParentReplies: 1, Author: parley.UserCounts{Approved: 1}}},
		{"", P, 0, parley.Effects{Event: cre, Author: parley.UserCounts{Pending: 1}}},
		{"", R, 0, parley.Effects{Event: cre, Author: parley.UserCounts{Rejected: 1}}},
		{"", D, 0, parley.Effects{Event: cre, Clear: true}},

		{A, A, 0, parley.Effects{}},
		{A, P, 0, parley.Effects{Event: del, StoryCount: -1, ParentReplies: -1, Author: parley.UserCounts{Approved: -1, Pending: 1}}},
		{A, R, 0, parley.Effects{Event: del, StoryCount: -1, ParentReplies: -1, Author: parley.UserCounts{Approved: -1, Rejected: 1}}},
		{A, D, 0, parley.Effects{Event: del, StoryCount: -1, ParentReplies: -1, Clear: true, Author: parley.UserCounts{Approved: -1}}},
		{A, A, 2, parley.Effects{}},
		{A, P, 2, parley.Effects{Event: del, StoryCount: -1, ParentReplies: -1, Author: parley.UserCounts{Approved: -1, Pending: 1}}},
		{A, R, 2, parley.Effects{Event: del, StoryCount: -1, ParentReplies: -1, Author: parley.UserCounts{Approved: -1, Rejected: 1}}},
		// Deleted with replies: uncounted, but it stays as a placeholder.
		{A, D, 2, parley.Effects{Event: del, StoryCount: -1, Clear: true, Author: parley.UserCounts{Approved: -1}}},

		{P, A, 0, parley.Effects{Event: cre, StoryCount: 1, ParentReplies: 1, Author: parley.UserCounts{Approved: 1, Pending: -1}}},
		{P, P, 0, parley.Effects{}},
		{P, R, 0, parley.Effects{Event: del, Author: parley.UserCounts{Pending: -1, Rejected: 1}}},
		{P, D, 0, parley.Effects{Event: del, Clear: true, Author: parley.UserCounts{Pending: -1}}},
		{P, A, 2, parley.Effects{Event: cre, StoryCount: 1, ParentReplies: 1, Author: parley.UserCounts{Approved: 1, Pending: -1}}},
		{P, P, 2, parley.Effects{}},
		{P, R, 2, parley.Effects{Event: del, Author: parley.UserCounts{Pending: -1, Rejected: 1}}},
		{P, D, 2, parley.Effects{Event: del, ParentReplies: 1, Clear: true, Author: parley.UserCounts{Pending: -1}}},

		{R, A, 0, parley.Effects{Event: cre, StoryCount: 1, ParentReplies: 1, Author: parley.UserCounts{Approved: 1, Rejected: -1}}},
		{R, P, 0, parley.Effects{Event: del, Author: parley.UserCounts{Pending: 1, Rejected: -1}}},
		{R, R, 0, parley.Effects{}},
		{R, D, 0, parley.Effects{Event: del, Clear: true, Author: parley.UserCounts{Rejected: -1}}},
		{R, A, 2, parley.Effects{Event: cre, StoryCount: 1, ParentReplies: 1, Author: parley.UserCounts{Approved: 1, Rejected: -1}}},
		{R, P, 2, parley.Effects{Event: del, Author: parley.UserCounts{Pending: 1, Rejected: -1}}},
		{R, R, 2, parley.Effects{}},
		{R, D, 2, parley.Effects{Event: del, ParentReplies: 1, Clear: true, Author: parley.UserCounts{Rejected: -1}}},

		{D, A, 0, parley.Effects{Event: cre, StoryCount: 1, ParentReplies: 1, Author: parley.UserCounts{Approved: 1}}},
		{D, P, 0, parley.Effects{Event: del, Author: parley.UserCounts{Pending: 1}}},
		{D, R, 0, parley.Effects{Event: del, Author: parley.UserCounts{Rejected: 1}}},
		{D, D, 0, parley.Effects{Clear: true}},
		{D, A, 2, parley.Effects{Event: cre, StoryCount: 1, Author: parley.UserCounts{Approved: 1}}},
		{D, P, 2, parley.Effects{Event: del, ParentReplies: -1, Author: parley.UserCounts{Pending: 1}}},
		{D, R, 2, parley.Effects{Event: del, ParentReplies: -1, Author: parley.UserCounts{Rejected: 1}}},
		{D, D, 2, parley.Effects{Clear: true}},
	}
	for _, tt := range tests {
		if got := parley.Transition(tt.from, tt.to, tt.replies); got != tt.want {
			t.Errorf("Transition(%q, %q, %d) = %+v, want %+v", tt.from, tt.to, tt.replies, got, tt.want)
		}
	}
}

// TestRipple walks chains of ancestors the way both backends do: each
// ancestor gets what the one below passes up, until one does not flip.
func TestRipple(t *testing.T) {
	type node struct {
		status  string
		replies int // before the change
	}
	const A, D, P = parley.StatusApproved, parley.StatusDeleted, parley.StatusPending
	tests := []struct {
		name   string
		chain  []node // parent first, then its parent, ...
		n      int
		events []string // per ancestor touched, in order
	}{
		{"approved parent gains", []node{{A, 0}, {D, 0}}, 1, []string{""}},
		{"approved parent loses", []node{{A, 1}, {D, 0}}, -1, []string{""}},
		{"placeholder with replies gains", []node{{D, 1}, {D, 0}}, 1, []string{""}},
		{"placeholder keeps other replies", []node{{D, 2}, {D, 0}}, -1, []string{""}},
		{"hidden deleted comes back, up to an approved one", []node{{D, 0}, {D, 0}, {A, 3}},
			1, []string{"comment.created", "comment.created", ""}},
		{"last reply goes, placeholders vanish up to one with other replies", []node{{D, 1}, {D, 1}, {D, 2}, {D, 0}},
			-1, []string{"comment.deleted", "comment.deleted", ""}},
		{"pending parent never shows", []node{{P, 0}, {D, 0}}, 1, []string{""}},
		{"chain to the top", []node{{D, 1}, {D, 1}}, -1, []string{"comment.deleted", "comment.deleted"}},
	}
	for _, tt := range tests {
		var events []string
		n := tt.n
		for _, a := range tt.chain {
			up, ev := parley.Ripple(a.status, a.replies, n)
			events = append(events, ev)
			if (up == 0) != (ev == "") {
				t.Errorf("%s: Ripple(%q, %d, %d) = %d, %q: a flip passes a change up and has an event", tt.name, a.status, a.replies, n, up, ev)
			}
			if up == 0 {
				break
			}
			n = up
		}
		if fmt.Sprint(events) != fmt.Sprint(tt.events) {
			t.Errorf("%s: events %q, want %q", tt.name, events, tt.events)
		}
	}
}

package service

import (
	"context"
	"fmt"
	"time"

	"parley"
	"parley/internal/moderation"
)

const (
	// duplicateWindow is how long the same text from the same reader is
	// refused: long enough for a double click, a resent form or an
	// impatient reload, short enough that "Thank you!" can be said again
	// under tomorrow's article.
	duplicateWindow = 10 * time.Minute
	// duplicateLookback is how many of a reader's latest comments are
	// compared: the post's one indexed read stays one small page even for
	// staff, whom no rate limit holds; under the default limit a reader
	// writes at most 54 in the window, and a repeat is nearly always of
	// one of the last few.
	duplicateLookback = 20
)

var errDuplicate = parley.Errorf(parley.ECONFLICT, "You have just posted this comment.").Keyed("duplicateComment")

// refuseDuplicate refuses (ECONFLICT, duplicateComment) a body that its
// author a posted on site within duplicateWindow, compared by
// moderation.BodyHash, so that a text resent by a double click or a
// reload appears once. It reads the author's latest texts by the author
// index (RecentBodies) rather than keeping a hash per comment: no column
// or index to write on every post, and nothing to read for a guest's
// first comment, which has no author yet. Deleted comments do not count:
// a reader may post again what they took back. Two identical posts racing
// each other may both pass; this catches the resent ones.
func (s *Service) refuseDuplicate(ctx context.Context, site *parley.Site, a *parley.Actor, body string) error {
	if a == nil || site.RateLimit.Off {
		return nil
	}
	recent, err := s.store.RecentBodies(ctx, a.User.ID, s.now().Add(-duplicateWindow), duplicateLookback)
	if err != nil {
		return fmt.Errorf("recent comments of the author: %w", err)
	}
	h := moderation.BodyHash(body)
	for _, c := range recent {
		if c.SiteID == site.ID && moderation.BodyHash(c.Body) == h {
			return errDuplicate
		}
	}
	return nil
}

package parley

import (
	"context"
	"encoding/binary"
	"time"
)

// RecentBody is one of an author's latest comments as the duplicate check
// compares it: the text and where and when it was posted, nothing more.
type RecentBody struct {
	SiteID    string
	Body      string
	CreatedAt time.Time
}

// RecentBodies is the read of the duplicate check. Store embeds it.
type RecentBodies interface {
	// RecentBodies returns the bodies of at most limit of the user's
	// latest comments that are not deleted, posted at since or later,
	// newest first. It reads only the window's part of the author index
	// (on author and ID, see IDFloor), so a prolific author's old comments
	// cost nothing. EINVALID if limit is below 1.
	RecentBodies(ctx context.Context, userID string, since time.Time, limit int) ([]RecentBody, error)
}

// IDFloor returns the least ID that NewID can make at t or later: every ID
// made from t on sorts at or after it, every one made before sorts before.
func IDFloor(t time.Time) string {
	var b [16]byte
	ms := uint64(t.UnixMilli())
	binary.BigEndian.PutUint16(b[0:2], uint16(ms>>32))
	binary.BigEndian.PutUint32(b[2:6], uint32(ms))
	return idEncoding.EncodeToString(b[:])
}

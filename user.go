package parley

import "time"

// User is someone who writes on a site. Readers who post without an account
// get a User too, known by the hash of the commenter token they were given.
type User struct {
	ID     string
	SiteID string
	Name   string // display name: plain text, never HTML

	// TokenHash is the hex SHA-256 of the commenter token. The token itself
	// is shown once, to its owner, and never stored.
	TokenHash string
	CreatedAt time.Time
}

package parley

import (
	"net/url"
	"time"
)

// Story statuses.
const (
	StoryOpen   = "open"   // readers may comment
	StoryClosed = "closed" // the discussion is read-only
)

// Story is the discussion under one article. It comes into being with the
// first comment, or when a publisher or moderator registers it.
type Story struct {
	SiteID string
	ID     string
	URL    string
	Title  string
	Lang   string // BCP 47 tag of the article, such as "de" or "pt-BR"
	Status string
	// Premoderation overrides the site's pre-moderation mode for this
	// story (one of the Premoderate* modes); "" follows the site.
	Premoderation string

	// CommentCount is the number of approved comments, kept by the store in
	// the same transaction as every change that affects it.
	CommentCount int
	CreatedAt    time.Time
}

// Validate returns EINVALID if the story cannot be stored as it is.
func (s *Story) Validate() error {
	switch {
	case !ValidID(s.SiteID):
		return Errorf(EINVALID, "Invalid site ID.")
	case !ValidID(s.ID):
		return Errorf(EINVALID, "A story ID is 1 to 128 letters, digits or ._~:- and starts with a letter or digit.")
	case len(s.URL) > 2000:
		return Errorf(EINVALID, "A story URL is at most 2000 characters.")
	case s.URL != "" && !validPageURL(s.URL):
		return Errorf(EINVALID, "A story URL must be an absolute http or https URL.")
	case len(s.Title) > 500:
		return Errorf(EINVALID, "A story title is at most 500 characters.")
	case len(s.Lang) > 35:
		return Errorf(EINVALID, "A language tag is at most 35 characters.")
	case s.Status != StoryOpen && s.Status != StoryClosed:
		return Errorf(EINVALID, "A story is open or closed.")
	case s.Premoderation != "" && !ValidPremoderation(s.Premoderation):
		return Errorf(EINVALID, "A story's pre-moderation is off, all, new or links, or follows the site's.").Keyed("moderationSettings")
	}
	return nil
}

func validPageURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

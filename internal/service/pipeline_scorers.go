package service

import (
	"bytes"
	"encoding/json"
	"net/http"
	"sync"

	"parley"
	"parley/internal/moderation"
)

// scorerSets keeps the built scorers of each site: building reads key
// files, so it happens when a site's configuration changes, not per post.
// An entry is good while the site's Scorers are the bytes it was built
// from; the site is read with every post anyway.
type scorerSets struct {
	client *http.Client // the scorers' calls; each scorer's own timeout bounds them
	mu     sync.Mutex
	sites  map[string]scorerSet
}

type scorerSet struct {
	config  []byte
	scorers []moderation.Configured
	err     error
}

func newScorerSets() *scorerSets {
	return &scorerSets{client: &http.Client{}, sites: map[string]scorerSet{}}
}

// siteScorers returns the enabled scorers of site, none when it has none.
func (s *Service) siteScorers(site *parley.Site) ([]moderation.Configured, error) {
	raw := site.Moderation.Scorers
	if len(raw) == 0 {
		return nil, nil
	}
	ss := s.scorers
	ss.mu.Lock()
	set, ok := ss.sites[site.ID]
	ss.mu.Unlock()
	if ok && bytes.Equal(set.config, raw) {
		return set.scorers, set.err
	}
	set = scorerSet{config: bytes.Clone(raw)}
	set.scorers, set.err = buildScorers(raw, ss.client)
	ss.mu.Lock()
	if len(ss.sites) >= maxEntries {
		clear(ss.sites)
	}
	ss.sites[site.ID] = set
	ss.mu.Unlock()
	return set.scorers, set.err
}

// buildScorers reads a site's scorer configuration.
func buildScorers(raw []byte, client *http.Client) ([]moderation.Configured, error) {
	cs, err := ParseScorers(raw)
	if err != nil {
		return nil, err
	}
	return moderation.Build(cs, client)
}

// ParseScorers reads and validates a scorer configuration, a JSON array
// of moderation.ScorerConfig; EINVALID with a key for one that cannot be
// used.
func ParseScorers(raw []byte) ([]moderation.ScorerConfig, error) {
	var cs []moderation.ScorerConfig
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&cs); err != nil {
		return nil, parley.Errorf(parley.EINVALID, "The scorers are a JSON array of {\"name\",\"enabled\",\"threshold\",…}: %v", err).Keyed("scorerConfig")
	}
	if err := moderation.ValidateScorers(cs); err != nil {
		return nil, err
	}
	return cs, nil
}

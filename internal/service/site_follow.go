package service

import "parley"

// followSites makes the site cache forget a site as soon as the bus says
// it changed, on this instance or (over NATS) on another one, so that the
// TTL only bounds a change whose event was lost. A lost event might be
// any site's, so it empties the cache. The subscription lasts as long as
// the service, as the page cache's does. A service without a bus (some
// tests) keeps the TTL alone.
func (s *Service) followSites() {
	if s.bus == nil {
		return
	}
	_, err := s.bus.Subscribe(parley.Topic{Kind: parley.TopicSites}, func(ev parley.Event) {
		if ev.Type == parley.EventMissed {
			s.sites.clear()
			return
		}
		s.sites.drop(ev.SiteID)
	})
	if err != nil {
		s.log.Warn("site cache: not following the bus; sites change here within the TTL", "ttl", siteTTL, "err", err)
	}
}

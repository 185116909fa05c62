package service_test

import (
	"net/netip"
	"strconv"
	"testing"
	"time"

	"parley"
	"parley/internal/markup"
	"parley/internal/realtime"
	"parley/internal/service"
)

// TestPostLimitAddresses: anonymous posts count by address, with or
// without the address secret (a service that keeps no hashes still
// limits); IPv6 clients by their /64, so hopping within it buys nothing,
// while another /64 or a post with no address (the CLI) passes; an IPv4
// client counts the same whether it came as IPv4 or mapped into IPv6.
func TestPostLimitAddresses(t *testing.T) {
	ctx := t.Context()
	store := testStore(t)
	log := quietLog()
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	clock := service.WithClock(func() time.Time { return now })
	secret := service.WithAddressSecret([]byte("0123456789abcdef0123456789abcdef"))
	for name, svc := range map[string]*service.Service{
		"with secret":    service.New(store, markup.New(), realtime.NewBus(), log, clock, secret),
		"without secret": service.New(store, markup.New(), realtime.NewBus(), log, clock),
	} {
		t.Run(name, func(t *testing.T) {
			site := "s" + strconv.Itoa(len(name))
			if err := svc.CreateSite(ctx, &parley.Site{ID: site, AllowAnonymous: true, RateLimit: parley.RateLimit{Posts: 2, Per: time.Hour}}); err != nil {
				t.Fatal(err)
			}
			post := func(addr string) error {
				c := ctx
				if addr != "" {
					c = parley.WithAddress(ctx, netip.MustParseAddr(addr))
				}
				_, err := svc.Post(c, service.NewComment{SiteID: site, StoryID: "st", Body: "Hallo " + addr, AuthorName: "Gast"})
				return err
			}
			for _, addr := range []string{"2001:db8:1:2::1", "2001:db8:1:2:ffff::9"} {
				if err := post(addr); err != nil {
					t.Fatalf("post from %s: %v", addr, err)
				}
			}
			err := post("2001:db8:1:2:abcd::7")
			if parley.ErrorKey(err) != "postTooFast" || parley.RetryAfter(err) != 30*time.Minute {
				t.Errorf("third post from the same /64 = %v (retry after %v), want postTooFast after 30m", err, parley.RetryAfter(err))
			}
			for _, addr := range []string{"2001:db8:1:3::1", "", "203.0.113.5", "::ffff:203.0.113.5"} {
				if err := post(addr); err != nil {
					t.Errorf("post from %q: %v", addr, err)
				}
			}
			if err := post("203.0.113.5"); parley.ErrorKey(err) != "postTooFast" {
				t.Errorf("third post from 203.0.113.5 (once as IPv4 in IPv6) = %v, want postTooFast", err)
			}
		})
	}
}

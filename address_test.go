package parley

import (
	"net/netip"
	"testing"
	"time"
)

func TestAddressHash(t *testing.T) {
	secret := []byte("0123456789abcdef0123456789abcdef")
	day := time.Date(2026, 12, 1, 0, 0, 1, 0, time.UTC)
	k1 := AddressDayKey(secret, day)
	a := netip.MustParseAddr("203.0.113.7")
	h := AddressHash(k1, a)
	if len(h) != 64 {
		t.Fatalf("hash %q is not 32 bytes of hex", h)
	}
	if got := AddressHash(AddressDayKey(secret, day.Add(23*time.Hour)), a); got != h {
		t.Error("the same day hashes differently later in the day")
	}
	if got := AddressHash(AddressDayKey(secret, day.In(time.FixedZone("UTC-5", -5*3600))), a); got != h {
		t.Error("the day depends on the time zone, not the UTC date")
	}
	if got := AddressHash(AddressDayKey(secret, day.Add(24*time.Hour)), a); got == h {
		t.Error("the next day hashes the same: the key did not rotate")
	}
	if got := AddressHash(AddressDayKey([]byte("another secret of 32 bytes......"), day), a); got == h {
		t.Error("another secret hashes the same")
	}
	if got := AddressHash(k1, netip.MustParseAddr("::ffff:203.0.113.7")); got != h {
		t.Error("a mapped IPv4 address hashes unlike the IPv4 address")
	}
	if got := AddressHash(k1, netip.MustParseAddr("203.0.113.8")); got == h {
		t.Error("two addresses hash the same")
	}
	if got := AddressHash(k1, netip.Addr{}); got != "" {
		t.Errorf("invalid address hashes to %q, want \"\"", got)
	}
}

func TestUnsubscribeToken(t *testing.T) {
	key := []byte("0123456789abcdef0123456789abcdef")
	user := NewID(Now())
	tok := UnsubscribeToken(key, user, "news", ListReplies)
	got, ok := UnsubscribeUser(tok)
	if !ok || got != user {
		t.Fatalf("UnsubscribeUser(%q) = %q, %v", tok, got, ok)
	}
	if !CheckUnsubscribe(key, tok, user, "news", ListReplies) {
		t.Error("the token does not check out")
	}
	for name, bad := range map[string]bool{
		"other site":  CheckUnsubscribe(key, tok, user, "other", ListReplies),
		"other user":  CheckUnsubscribe(key, tok, NewID(Now()), "news", ListReplies),
		"other key":   CheckUnsubscribe([]byte("another key of thirty-two bytes."), tok, user, "news", ListReplies),
		"cut":         CheckUnsubscribe(key, tok[:len(tok)-1], user, "news", ListReplies),
		"other list":  CheckUnsubscribe(key, tok, user, "news", ListDecisions),
		"list moved":  CheckUnsubscribe(key, UnsubscribeToken(key, user, "news", ListDecisions), user, "news", ListReplies),
		"no mac":      second(UnsubscribeUser(user)),
		"garbage":     second(UnsubscribeUser("x.y")),
		"bad user ID": second(UnsubscribeUser("NOT-AN-ID-AT-ALL-NOT-AN-ID" + tok[26:])),
	} {
		if bad {
			t.Errorf("%s: accepted", name)
		}
	}
}

func second(_ string, ok bool) bool { return ok }

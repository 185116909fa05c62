package parley

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strings"
)

// UnsubscribeKeyName names the Store.Key that signs unsubscribe links.
const UnsubscribeKeyName = "unsubscribe"

// The mail lists a reader may leave with a one-click link: each is one
// opt-in of NotificationSettings, and a link turns off its own list only.
const (
	ListReplies   = "replies"
	ListDecisions = "decisions"
)

// ValidList reports whether list names one of the mail lists.
func ValidList(list string) bool { return list == ListReplies || list == ListDecisions }

// UnsubscribeToken returns the token of a reader's one-click unsubscribe
// link (RFC 8058) for a mail list: their user ID and an HMAC of user, site
// and list under key. It needs no table and cannot be forged without the
// key, nor moved to another list; it does not expire, as a link in an old
// mail must still work, and it can do nothing but turn mails off.
func UnsubscribeToken(key []byte, userID, siteID, list string) string {
	return userID + "." + unsubscribeMAC(key, userID, siteID, list)
}

// UnsubscribeUser returns the user ID a token claims to be for, and false
// for a token that is not shaped like one; CheckUnsubscribe then decides
// whether the claim holds.
func UnsubscribeUser(token string) (string, bool) {
	userID, mac, ok := strings.Cut(token, ".")
	return userID, ok && ValidCommentID(userID) && len(mac) == base64.RawURLEncoding.EncodedLen(sha256.Size)
}

// CheckUnsubscribe reports whether token is the one UnsubscribeToken gives
// for the user, site and list, in constant time.
func CheckUnsubscribe(key []byte, token, userID, siteID, list string) bool {
	return hmac.Equal([]byte(token), []byte(UnsubscribeToken(key, userID, siteID, list)))
}

// unsubscribeMAC signs user, site and list. The replies list signs what
// the links before there were lists signed, so that those still work.
func unsubscribeMAC(key []byte, userID, siteID, list string) string {
	msg := "parley unsubscribe\x00" + userID + "\x00" + siteID
	if list != ListReplies {
		msg += "\x00" + list
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte(msg))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

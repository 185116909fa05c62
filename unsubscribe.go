package parley

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strings"
)

// UnsubscribeKeyName names the Store.Key that signs unsubscribe links.
const UnsubscribeKeyName = "unsubscribe"

// UnsubscribeToken returns the token of a reader's one-click unsubscribe
// link (RFC 8058): their user ID and an HMAC of user and site under key.
// It needs no table and cannot be forged without the key; it does not
// expire, as a link in an old mail must still work, and it can do nothing
// but turn mails off.
func UnsubscribeToken(key []byte, userID, siteID string) string {
	return userID + "." + unsubscribeMAC(key, userID, siteID)
}

// UnsubscribeUser returns the user ID a token claims to be for, and false
// for a token that is not shaped like one; CheckUnsubscribe then decides
// whether the claim holds.
func UnsubscribeUser(token string) (string, bool) {
	userID, mac, ok := strings.Cut(token, ".")
	return userID, ok && ValidCommentID(userID) && len(mac) == base64.RawURLEncoding.EncodedLen(sha256.Size)
}

// CheckUnsubscribe reports whether token is the one UnsubscribeToken gives
// for the user and site, in constant time.
func CheckUnsubscribe(key []byte, token, userID, siteID string) bool {
	return hmac.Equal([]byte(token), []byte(UnsubscribeToken(key, userID, siteID)))
}

func unsubscribeMAC(key []byte, userID, siteID string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("parley unsubscribe\x00" + userID + "\x00" + siteID))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

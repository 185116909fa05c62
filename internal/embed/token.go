package embed

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strconv"
	"strings"
	"time"

	"parley"
)

// formTokenTTL bounds how long a rendered form may be posted: long enough
// for a reader who leaves the article open over a weekend, short enough
// that a token copied once does not work for ever.
const formTokenTTL = 48 * time.Hour

// formTokens signs and checks the hidden token of the no-JavaScript form.
//
// The token is "HOUR.MAC": the hour it was issued (Unix time / 3600) and an
// HMAC-SHA256 over site, story and hour under a key every instance shares
// (Store.Key). It ties a post to a form Parley rendered for this story
// within the last two days: a page in a reader's browser cannot read the
// fragment (no CORS on it) or compute the MAC. Since the fragment is public
// and the same for every reader, a server can fetch a valid token; what
// stops a cross-site post from a browser is the Origin and Sec-Fetch-Site
// check beside it (checkForm). At hour granularity every reader within the
// hour gets the same bytes, so the fragment stays cacheable by a CDN;
// nothing in it is personal.
type formTokens struct {
	key []byte
	now func() time.Time
}

// FormToken returns the token of a form for the story rendered at now
// under key, for publishers who write the form themselves and for tests.
func FormToken(key []byte, siteID, storyID string, now time.Time) string {
	return formTokens{key: key, now: func() time.Time { return now }}.issue(siteID, storyID)
}

// issue returns the token for a form of the story rendered now.
func (t formTokens) issue(siteID, storyID string) string {
	hour := t.now().Unix() / 3600
	return strconv.FormatInt(hour, 10) + "." + t.mac(siteID, storyID, hour)
}

func (t formTokens) mac(siteID, storyID string, hour int64) string {
	m := hmac.New(sha256.New, t.key)
	m.Write([]byte("parley form\x00" + siteID + "\x00" + storyID + "\x00" + strconv.FormatInt(hour, 10)))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:18])
}

// check returns EFORBIDDEN unless token was issued for the story within
// formTokenTTL (an hour ahead is allowed for clocks that differ between
// instances).
func (t formTokens) check(token, siteID, storyID string) error {
	refused := parley.Errorf(parley.EFORBIDDEN, "The form has expired or was not sent from the article's page. Reload the article and post again.").Keyed("formToken")
	hours, mac, ok := strings.Cut(token, ".")
	hour, err := strconv.ParseInt(hours, 10, 64)
	if !ok || err != nil || hour < 0 || hour > 1<<40 || !hmac.Equal([]byte(mac), []byte(t.mac(siteID, storyID, hour))) {
		return refused
	}
	age := t.now().Sub(time.Unix(hour*3600, 0))
	if age < -time.Hour || age > formTokenTTL {
		return refused
	}
	return nil
}

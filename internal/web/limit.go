package web

import (
	"math"
	"net/http"
	"strconv"

	"parley"
)

// defaultRetrySeconds is what Retry-After says for a refusal that names
// no wait of its own.
const defaultRetrySeconds = 60

// LimitHeaders sets Retry-After on a refusal for going too fast (every
// 429 carries it): the wait that err names (parley.RetryAfter), rounded
// up to whole seconds, else a minute.
func LimitHeaders(h http.Header, err error) {
	if parley.ErrorCode(err) != parley.ETOOMANYREQUESTS {
		return
	}
	secs := int64(defaultRetrySeconds)
	if d := parley.RetryAfter(err); d > 0 {
		secs = max(1, int64(math.Ceil(d.Seconds())))
	}
	h.Set("Retry-After", strconv.FormatInt(secs, 10))
}

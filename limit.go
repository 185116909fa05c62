package parley

import (
	"errors"
	"time"
)

// limited is a refusal for going too fast that knows when the caller may
// try again, so that every 429 can say so in Retry-After.
type limited struct {
	err   *Error
	after time.Duration
}

func (l *limited) Error() string { return l.err.Error() }
func (l *limited) Unwrap() error { return l.err }

// TooManyRequests returns ETOOMANYREQUESTS with key and message, saying
// that the caller may try again after d.
func TooManyRequests(key, message string, after time.Duration) error {
	return &limited{err: Errorf(ETOOMANYREQUESTS, "%s", message).Keyed(key), after: after}
}

// RetryAfter returns how long the refusal err asks the caller to wait; 0
// when it does not say.
func RetryAfter(err error) time.Duration {
	if l, ok := errors.AsType[*limited](err); ok {
		return l.after
	}
	return 0
}

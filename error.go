package parley

import (
	"errors"
	"fmt"
)

// Error codes. They are part of the API: the HTTP layer maps each to one
// status and sends the code so that clients can show a translated message.
const (
	EINVALID         = "invalid"
	ENOTFOUND        = "not_found"
	ECONFLICT        = "conflict"
	EUNAUTHORIZED    = "unauthorized"
	EFORBIDDEN       = "forbidden"
	ETOOLARGE        = "too_large"
	ETOOMANYREQUESTS = "too_many_requests"
	EUNAVAILABLE     = "unavailable"
	EINTERNAL        = "internal"

	// The moderation pipeline's: a post that needs a proof of work first
	// (428), and one the author is asked to look at again before it goes
	// to the moderators (422).
	EPRECONDITION  = "precondition_required"
	EUNPROCESSABLE = "unprocessable"
)

// Error is an error meant for the person on the other end: Code is stable
// and machine-readable, Message is a sentence safe to show. Anything else
// (driver errors, stack context) stays in wrapped errors and logs.
type Error struct {
	Code    string
	Message string

	// Key names the situation more precisely than Code, for clients and
	// catalogs that show their own translated message ("closed",
	// "tooLong"); "" when the code says enough.
	Key string
}

// Error implements the error interface.
func (e *Error) Error() string {
	return fmt.Sprintf("parley: %s: %s", e.Code, e.Message)
}

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Keyed returns a copy of e with the given Key.
func (e *Error) Keyed(key string) *Error {
	k := *e
	k.Key = key
	return &k
}

// ErrorKey returns the Key of the first *Error in err's chain, or "".
func ErrorKey(err error) string {
	if e, ok := errors.AsType[*Error](err); ok {
		return e.Key
	}
	return ""
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL
// for any other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	if e, ok := errors.AsType[*Error](err); ok {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the message of the first *Error in err's chain, and a
// generic sentence for any other error so that internals are never shown.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	if e, ok := errors.AsType[*Error](err); ok {
		return e.Message
	}
	return "Internal error."
}

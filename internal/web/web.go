// Package web holds what Parley's HTTP surfaces share (the JSON API, the
// server-rendered block and, later, the moderator UI): one map from error
// codes to statuses, and the headers every response carries. It knows
// nothing of routes or rules.
package web

import (
	"context"
	"errors"
	"net/http"

	"parley"
)

// statuses maps each error code to its one HTTP status.
var statuses = map[string]int{
	parley.EINVALID:         http.StatusBadRequest,
	parley.EUNAUTHORIZED:    http.StatusUnauthorized,
	parley.EFORBIDDEN:       http.StatusForbidden,
	parley.ENOTFOUND:        http.StatusNotFound,
	parley.ECONFLICT:        http.StatusConflict,
	parley.ETOOLARGE:        http.StatusRequestEntityTooLarge,
	parley.ETOOMANYREQUESTS: http.StatusTooManyRequests,
	parley.EUNAVAILABLE:     http.StatusServiceUnavailable,
	parley.EINTERNAL:        http.StatusInternalServerError,
	parley.EPRECONDITION:    http.StatusPreconditionRequired,
	parley.EUNPROCESSABLE:   http.StatusUnprocessableEntity,
}

// Status is the HTTP status of an error code, the same on every surface.
func Status(code string) int {
	if status, ok := statuses[code]; ok {
		return status
	}
	return http.StatusInternalServerError
}

// ClientGone reports whether the client of r went away before the answer
// (its context was cancelled, not timed out). A request that failed for
// that reason is not a server error: nobody reads the answer, and logging
// it as one would hide real failures under every closed browser tab.
func ClientGone(r *http.Request) bool {
	return errors.Is(r.Context().Err(), context.Canceled)
}

package service

// Limit is the HTTP layer's limit per client on a sign-in step that
// writes a row for whoever asks (web.ClientLimits): ETOOMANYREQUESTS when
// the client went too fast; nil means no limit. The service asks it once
// the request is found good and before anything is written, so that it
// counts what a client made, not its mistakes, which write nothing.
type Limit func() error

// take asks l, if there is one.
func (l Limit) take() error {
	if l == nil {
		return nil
	}
	return l()
}

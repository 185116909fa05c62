//go:build !unix

package netlimit

// FileLimit returns 0: this system does not say.
func FileLimit() uint64 { return 0 }

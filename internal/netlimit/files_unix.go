//go:build unix

package netlimit

import "syscall"

// FileLimit returns the process's limit of open files (the soft
// RLIMIT_NOFILE, which Go raises to the hard one at start), or 0 when it
// cannot tell.
func FileLimit() uint64 {
	var rl syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil {
		return 0
	}
	return rl.Cur
}

package importertest

import (
	"io"
	"runtime"
	"strings"
)

// Huge reads as head, n bytes of pattern over and over, then tail: a file
// with a field of any size that is never held, for a test that a parser
// reads it in bounded memory.
func Huge(head, pattern string, n int64, tail string) io.Reader {
	return io.MultiReader(strings.NewReader(head), io.LimitReader(&repeat{pattern: pattern}, n), strings.NewReader(tail))
}

// repeat is an endless reader of one pattern.
type repeat struct {
	pattern string
	off     int
}

func (r *repeat) Read(p []byte) (int, error) {
	// One period from where the last read stopped, then doubled: each copy
	// starts a whole number of periods in, so the pattern runs on.
	n := copy(p, r.pattern[r.off:])
	n += copy(p[n:], r.pattern[:r.off])
	for n < len(p) {
		n += copy(p[n:], p[:n])
	}
	r.off = (r.off + n) % len(r.pattern)
	return n, nil
}

// Allocated returns the bytes f allocated on the heap in all: an upper
// bound of what it held at once.
func Allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

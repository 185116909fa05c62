package importertest

import (
	"io"
	"strings"
	"testing"
)

func TestHuge(t *testing.T) {
	for _, tt := range []struct {
		pattern string
		n       int64
	}{{"a", 0}, {"a", 1}, {"ab", 5}, {"Sehr lang. ", 100_003}, {"<p>x</p>", 1 << 16}} {
		got, err := io.ReadAll(Huge("<", tt.pattern, tt.n, ">"))
		if err != nil {
			t.Fatal(err)
		}
		want := "<" + strings.Repeat(tt.pattern, int(tt.n)/len(tt.pattern)+1)[:tt.n] + ">"
		if string(got) != want {
			t.Errorf("Huge(%q, %d) = %d bytes, not the pattern's %d", tt.pattern, tt.n, len(got), len(want))
		}
	}
	// Short reads keep the pattern's phase.
	r := Huge("", "abc", 10, "")
	var b strings.Builder
	p := make([]byte, 4)
	for {
		n, err := r.Read(p[:1+b.Len()%3])
		b.Write(p[:n])
		if err == io.EOF {
			break
		}
	}
	if b.String() != "abcabcabca" {
		t.Errorf("short reads = %q", b.String())
	}
}

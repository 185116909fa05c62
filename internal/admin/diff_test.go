package admin

import (
	"strings"
	"testing"
)

func TestWordDiff(t *testing.T) {
	show := func(ops []diffOp) string {
		var b strings.Builder
		for _, o := range ops {
			b.WriteString(map[int]string{-1: "-[", 0: "", 1: "+["}[o.Op] + o.Text + map[int]string{-1: "]", 0: "", 1: "]"}[o.Op])
		}
		return b.String()
	}
	for _, c := range []struct{ old, new, want string }{
		{"a b c", "a b c", "a b c"},
		{"a b c", "a x c", "a -[b ]+[x ]c"},
		{"", "new text", "+[new text]"},
		{"old text", "", "-[old text]"},
		{"the budget is fine", "the budget is a scandal", "the budget is -[fine ]+[a scandal]"},
	} {
		if got := show(wordDiff(c.old, c.new)); got != c.want {
			t.Errorf("wordDiff(%q, %q) = %q, want %q", c.old, c.new, got, c.want)
		}
	}
	long := strings.Repeat("w ", maxDiffWords+1)
	if got := wordDiff(long, "x"); len(got) != 2 || got[0].Op != -1 || got[1].Op != 1 {
		t.Errorf("a text over the bound is not shown replaced whole: %d runs", len(got))
	}
}

package admin

import "strings"

// diffOp is one run of a word diff: Op -1 removed, 0 kept, 1 added.
type diffOp struct {
	Op   int
	Text string
}

// maxDiffWords bounds the texts a diff compares word by word: the table
// it fills grows with the product of the two lengths. Longer texts are
// shown as replaced whole.
const maxDiffWords = 500

// wordDiff says what changed from old to new, by words (a longest common
// subsequence), so that a moderator sees at once what an edit added.
func wordDiff(old, new string) []diffOp {
	a, b := strings.Fields(old), strings.Fields(new)
	if len(a) > maxDiffWords || len(b) > maxDiffWords {
		return []diffOp{{-1, old}, {1, new}}
	}
	// lcs[i][j] is the length of the longest common subsequence of a[i:] and b[j:].
	lcs := make([][]int32, len(a)+1)
	for i := range lcs {
		lcs[i] = make([]int32, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var out []diffOp
	add := func(op int, w string) {
		if n := len(out); n > 0 && out[n-1].Op == op {
			out[n-1].Text += " " + w
			return
		}
		if len(out) > 0 {
			out[len(out)-1].Text += " "
		}
		out = append(out, diffOp{op, w})
	}
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case i < len(a) && j < len(b) && a[i] == b[j]:
			add(0, a[i])
			i, j = i+1, j+1
		case i < len(a) && (j == len(b) || lcs[i+1][j] >= lcs[i][j+1]):
			add(-1, a[i]) // what went before what came, as one reads a change
			i++
		default:
			add(1, b[j])
			j++
		}
	}
	return out
}

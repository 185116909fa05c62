package moderation

import (
	"context"
	"fmt"
	"math/bits"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// LocalName is the built-in scorer's name.
const LocalName = "local"

// Local is the built-in scorer: a few signals of spam and shouting that
// need no network and no model. Each adds its weight and its reason; the
// score is their sum, at most 1. The weights are chosen so that no single
// mild signal reaches the suggested threshold of 0.5, while the shapes
// spam takes (a new account with links, a wall of capitals and
// exclamation marks, the same word over and over) do:
//
//	signal                                      adds
//	links                                       0.15 each, at most 0.6
//	mostly links: under 5 words of text a link  0.25
//	capitals: ≥ 60% of the cased letters,       0.3 at 60%, rising to 0.6 at 100%
//	  in a text of at least 20 of them
//	a character 6 times in a row ("!!!!!!")     0.15
//	one word ≥ 30% of at least 8 words          0.25
//	under 30% of it new (≥ 200 bytes; novelty)  0.3
//	new account: under a day, none approved     0.2
//
// So "Great article" from anyone scores 0, two links from a new account
// 0.5, and an old account's comment with one link 0.15.
type Local struct{}

// Name implements Scorer.
func (Local) Name() string { return LocalName }

// Weights of the local scorer's signals (see Local).
const (
	localLinkWeight       = 0.15
	localLinkMax          = 0.6
	localMostlyLinks      = 0.25
	localWordsPerLink     = 5
	localCapitalsMin      = 20 // cased letters below which capitals are not judged
	localCapitalsShare    = 0.6
	localCapitalsWeight   = 0.3 // at localCapitalsShare; doubles at 100%
	localRunLength        = 6
	localRunWeight        = 0.15
	localWordShare        = 0.3
	localWordMin          = 8
	localWordWeight       = 0.25
	localRepeatMinBytes   = 200
	localNovelty          = 0.3
	localRepeatWeight     = 0.3
	novelWindow           = 4 << 10
	localNewAccountAge    = 24 * time.Hour
	localNewAccountWeight = 0.2
)

// Score implements Scorer. It never fails.
func (Local) Score(_ context.Context, in Input) (Score, error) {
	var s Score
	add := func(w float64, key string, n int, text string) {
		s.Value += w
		s.Reasons = append(s.Reasons, Reason{Key: key, N: n, Text: text})
	}
	words := strings.Fields(in.Body)
	if n := len(in.Links); n > 0 {
		add(min(localLinkMax, localLinkWeight*float64(n)), ReasonLinks, n, plural(n, "link", "links"))
		if words := textWords(words); words < localWordsPerLink*n {
			add(localMostlyLinks, ReasonMostlyLinks, words, fmt.Sprintf("%s of text for %s", plural(words, "word", "words"), plural(n, "link", "links")))
		}
	}
	if upper, cased := capitals(words); cased >= localCapitalsMin {
		if share := float64(upper) / float64(cased); share >= localCapitalsShare {
			w := localCapitalsWeight * (1 + (share-localCapitalsShare)/(1-localCapitalsShare))
			pct := int(share * 100)
			add(w, ReasonCapitals, pct, fmt.Sprintf("%d%% capitals", pct))
		}
	}
	if r, n := longestRun(in.Body); n >= localRunLength {
		add(localRunWeight, ReasonRepeatChar, n, fmt.Sprintf("%q %d times in a row", r, n))
	}
	if w, n, total := commonestWord(words); total >= localWordMin && float64(n) >= localWordShare*float64(total) {
		add(localWordWeight, ReasonRepeatWord, n, fmt.Sprintf("%q %d times in %d words", w, n, total))
	}
	if len(in.Body) >= localRepeatMinBytes {
		if share := novelty(in.Body); share < localNovelty {
			pct := int(share * 100)
			add(localRepeatWeight, ReasonRepetitive, pct, fmt.Sprintf("repetitive: %d%% is new", pct))
		}
	}
	if in.AccountAge < localNewAccountAge && in.ApprovedComments == 0 {
		add(localNewAccountWeight, ReasonNewAccount, 0, "new account, no approved comments")
	}
	s.Value = min(1, s.Value)
	return s, nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// textWords counts the words that are not addresses.
func textWords(words []string) int {
	n := 0
	for _, w := range words {
		if !looksLikeURL(w) && strings.IndexFunc(w, unicode.IsLetter) >= 0 {
			n++
		}
	}
	return n
}

// looksLikeURL reports whether a word of Markdown source is (or carries) an
// address: bare, autolinked or as a [text](url) target.
func looksLikeURL(w string) bool {
	// No strings.ToLower: it copies every word of every comment, and only
	// "www." has letters to fold.
	return strings.Contains(w, "://") || (len(w) >= 4 && strings.EqualFold(w[:4], "www.")) || strings.Contains(w, "](")
}

// capitals counts the upper-case letters among the cased ones (letters
// that have a case: not CJK, not digits), addresses left out.
func capitals(words []string) (upper, cased int) {
	for _, w := range words {
		if looksLikeURL(w) {
			continue
		}
		for _, r := range w {
			switch {
			case unicode.IsUpper(r):
				upper++
				cased++
			case unicode.IsLower(r):
				cased++
			}
		}
	}
	return upper, cased
}

// longestRun returns the character repeated most often in a row, and how
// often. Spaces do not count.
func longestRun(s string) (rune, int) {
	var best, last rune
	bestN, n := 0, 0
	for _, r := range s {
		if r == last {
			n++
		} else {
			last, n = r, 1
		}
		if n > bestN && !unicode.IsSpace(r) {
			best, bestN = r, n
		}
	}
	return best, bestN
}

// commonestWord returns the most frequent word of two letters or more
// (case folded, punctuation trimmed), its count and the number of words.
// Ties go to the word that came first, so the reason is deterministic.
func commonestWord(words []string) (string, int, int) {
	counts := map[string]int{}
	best, bestN, total := "", 0, 0
	for _, w := range words {
		w = strings.TrimFunc(w, notWordRune)
		if utf8.RuneCountInString(w) < 2 {
			continue
		}
		w = lower(w)
		total++
		counts[w]++
		if counts[w] > bestN {
			best, bestN = w, counts[w]
		}
	}
	return best, bestN, total
}

func notWordRune(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }

// lower is strings.ToLower without its copy for a word that it would
// leave alone, as it leaves most words.
func lower(w string) string {
	for _, r := range w {
		if unicode.ToLower(r) != r || r == utf8.RuneError {
			return strings.ToLower(w)
		}
	}
	return w
}

// novelty is the share of s's 8-byte pieces (shingles) not seen earlier
// in s, over its first novelWindow bytes: much like a compressor's ratio,
// without a compressor's megabyte of tables. Text says something new in
// most sentences and stays above 0.8; the same sentence pasted ten times
// falls near 0.1.
func novelty(s string) float64 {
	if len(s) > novelWindow {
		s = s[:novelWindow]
	}
	const w = 8
	if len(s) < w {
		return 1
	}
	n := len(s) - w + 1
	set := newPieceSet(n)
	distinct := 0
	var k uint64
	for i := range len(s) {
		k = k<<8 | uint64(s[i])
		if i >= w-1 && set.add(k) {
			distinct++
		}
	}
	return float64(distinct) / float64(n)
}

// pieceSet is a set of shingles, open addressing with linear probing in a
// table at least twice their number: a third of the time that sorting
// them took, for the local scorer of every comment.
type pieceSet struct {
	slots []uint64 // 0 is an empty slot; the piece 0 is kept in zero
	shift uint
	zero  bool
}

func newPieceSet(n int) *pieceSet {
	size := uint(bits.Len(uint(2*n - 1))) // log2 of the table's length
	return &pieceSet{slots: make([]uint64, 1<<size), shift: 64 - size}
}

// add adds k and reports whether it was new.
func (p *pieceSet) add(k uint64) bool {
	if k == 0 {
		added := !p.zero
		p.zero = true
		return added
	}
	mask := uint64(len(p.slots) - 1)
	for i := (k * 0x9E3779B97F4A7C15) >> p.shift; ; i = (i + 1) & mask {
		switch p.slots[i] {
		case k:
			return false
		case 0:
			p.slots[i] = k
			return true
		}
	}
}

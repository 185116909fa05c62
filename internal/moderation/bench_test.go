package moderation

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

// benchWords generates n entries shaped like real ones: pronounceable words
// of 4 to 11 letters, one in ten a prefix entry and one in ten a phrase.
func benchWords(n int) []string {
	rng := rand.New(rand.NewPCG(1, 2))
	syllables := []string{"ka", "ro", "schl", "ich", "en", "id", "ot", "ma", "ri", "con", "pu", "te", "ba", "st", "ard", "ful", "ng", "ss", "ei", "ou", "tr", "ch", "er", "ab", "ru", "ti"}
	word := func() string {
		var b strings.Builder
		for b.Len() < 4+rng.IntN(8) {
			b.WriteString(syllables[rng.IntN(len(syllables))])
		}
		return b.String()
	}
	words := make([]string, n)
	for i := range words {
		switch w := word(); i % 10 {
		case 0:
			words[i] = w + "*"
		case 1:
			words[i] = w + " " + word()
		default:
			words[i] = w
		}
	}
	return words
}

// benchComment is a comment of about n bytes of everyday German and English
// with punctuation, numbers, umlauts and a little leetspeak.
func benchComment(n int) string {
	rng := rand.New(rand.NewPCG(3, 4))
	vocab := strings.Fields("the council decided to close the school in March and parents are angry because nobody asked " +
		"them first I think the article is fair but it misses the point about costs 2026 budget of 1000 euros " +
		"die Stadt hat beschlossen dass die Schule schließt und die Eltern sind wütend weil niemand gefragt hat " +
		"ich finde den Artikel gut aber er übersieht die Kosten für Klassenarbeit Straße Bürgermeister " +
		"class assassin cocktail Scunthorpe analysis passage l33t c00l w@rm")
	var b strings.Builder
	for b.Len() < n {
		b.WriteString(vocab[rng.IntN(len(vocab))])
		switch rng.IntN(12) {
		case 0:
			b.WriteString(". ")
		case 1:
			b.WriteString(", ")
		default:
			b.WriteByte(' ')
		}
	}
	return b.String()[:n]
}

// BenchmarkMatch is the cost of one comment against a list of 5,000
// entries; BenchmarkMatch/defaults against both default lists of a
// language.
func BenchmarkMatch(b *testing.B) {
	l := MustCompile(b, benchWords(5000))
	for _, size := range []int{300, 2000} {
		text := benchComment(size)
		b.Run(strconv.Itoa(size)+"chars", func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(text)))
			for b.Loop() {
				l.Match(text)
			}
		})
	}
	w, _ := Defaults("de")
	lists, err := CompileWords(w)
	if err != nil {
		b.Fatal(err)
	}
	text := benchComment(2000)
	b.Run("defaults-de-2000chars", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			lists.Match(text)
		}
	})
	// The worst cases found: one word of repeats that keeps a node alive,
	// and letters spelled out one by one.
	for name, text := range map[string]string{
		"repeats-2000chars": strings.Repeat("a", 2000),
		"spelled-2000chars": strings.Repeat("i.", 1000),
	} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				l.Match(text)
			}
		})
	}
}

// BenchmarkCompile is the cost of compiling 5,000 entries, paid once per
// list and site.
func BenchmarkCompile(b *testing.B) {
	words := benchWords(5000)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Compile(words); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkContains is the naive way for comparison: strings.Contains of
// each of 5,000 entries in the normalized text, which besides being slower
// knows no word boundaries.
func BenchmarkContains(b *testing.B) {
	words := benchWords(5000)
	for i, w := range words {
		words[i] = Normalize(strings.TrimSuffix(w, "*"))
	}
	text := Normalize(benchComment(2000))
	for b.Loop() {
		for _, w := range words {
			_ = strings.Contains(text, w)
		}
	}
}

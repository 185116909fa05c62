package moderation

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// maxPooled is the most units a pooled scratch keeps: 1 MiB.
const maxPooled = 1 << 16

// scratch is what one Match needs and gives back to the List's pool.
type scratch struct {
	units     []unit
	cur, next []int32 // the trie nodes a walk is in
}

// Match returns the entries of the list found in text, in the order of
// their start, each with its span in text. An entry is found once per
// place; a phrase and a word inside it ("fils de pute", "pute") are both
// found. A nil List, or a text without entries, gives nil.
func (l *List) Match(text string) []Match {
	if l == nil || len(l.entries) == 0 {
		return nil
	}
	s := l.getScratch()
	defer l.putScratch(s)
	s.units = normalize(s.units, text)
	return l.match(s, s.units)
}

func (l *List) getScratch() *scratch {
	if s, ok := l.scratch.Get().(*scratch); ok {
		return s
	}
	return &scratch{}
}

func (l *List) putScratch(s *scratch) {
	if cap(s.units) <= maxPooled { // the buffer of a huge text is not kept
		l.scratch.Put(s)
	}
}

// match finds the entries in the normalized units of a text.
func (l *List) match(s *scratch, units []unit) []Match {
	var hits []Match
	for i, u := range units {
		if !u.word() || i > 0 && units[i-1].word() {
			continue
		}
		// Most words start with a letter that starts no entry.
		if u.r < utf8.RuneSelf && l.root[u.r] == 0 && (u.alt == 0 || l.root[u.alt] == 0) {
			continue
		}
		hits = l.walk(s, units, i, hits)
	}
	if l.allowed > 0 {
		hits = allow(hits)
	}
	return hits
}

// allow removes the exceptions from hits, and every hit inside one.
func allow(hits []Match) []Match {
	var spans []Match
	for _, h := range hits {
		if strings.HasPrefix(h.Word, "!") {
			spans = append(spans, h)
		}
	}
	hits = slices.DeleteFunc(hits, func(h Match) bool {
		return slices.ContainsFunc(spans, func(a Match) bool { return a.Start <= h.Start && h.End <= a.End })
	})
	if len(hits) == 0 {
		return nil
	}
	return hits
}

// maxStates caps the trie nodes a walk follows at once. Real lists need a
// few; only a list built for it (every spelling of i and l) gets past 32,
// and then the walk may miss an entry, never invent one, so that no list
// and no text makes a comment slow to check.
const maxStates = 32

// walk follows the trie from the word that starts at units[from] and
// appends what it finds to hits. At each rune every node of the set moves
// to its child for each reading of the rune, and stays where it is if the
// rune repeats the one that led there ("iiidiooot"). Between words only
// nodes that continue a phrase survive.
func (l *List) walk(s *scratch, units []unit, from int, hits []Match) []Match {
	first := len(hits)
	cur, next := append(s.cur[:0], 0), s.next[:0]
	for pos := from; len(cur) > 0; {
		hits = l.report(hits, first, cur, units, from, pos)
		if pos == len(units) {
			break
		}
		next = next[:0]
		if u := units[pos]; u.word() {
			next = l.step(next, cur, u)
			pos++
		} else {
			gap := pos
			for pos < len(units) && !units[pos].word() {
				pos++
			}
			if gapContinues(units[gap:pos]) {
				for _, n := range cur {
					if c := l.child(n, phraseGap); c != 0 {
						next = addNode(next, c)
					}
				}
			}
		}
		cur, next = next, cur
	}
	s.cur, s.next = cur, next
	return hits
}

// report appends the entries that end at the nodes cur when the walk from
// units[from] has reached units[pos].
func (l *List) report(hits []Match, first int, cur []int32, units []unit, from, pos int) []Match {
	boundary := pos == len(units) || !units[pos].word()
	for _, n := range cur {
		nd := &l.nodes[n]
		if nd.exact != 0 && boundary {
			hits = l.hit(hits, first, nd.exact, units[from].start, units[pos-1].end)
		}
		// A prefix entry covers the rest of the word: looked for once,
		// even while its node absorbs a long run of repeats.
		if nd.prefix != 0 && !l.found(hits[first:], nd.prefix) {
			hits = l.hit(hits, first, nd.prefix, units[from].start, wordEnd(units, pos))
		}
	}
	return hits
}

// step appends to next where the nodes cur go on the letter u.
func (l *List) step(next, cur []int32, u unit) []int32 {
	for _, n := range cur {
		for _, r := range [2]rune{u.r, rune(u.alt)} {
			if r == 0 {
				continue
			}
			if c := l.child(n, r); c != 0 {
				next = addNode(next, c)
			}
			if n != 0 && l.nodes[n].label == r {
				next = addNode(next, n)
			}
		}
	}
	return next
}

// addNode adds n to the set if it is not in it yet and the set is not
// full; sets hold a few nodes.
func addNode(set []int32, n int32) []int32 {
	if len(set) == maxStates || slices.Contains(set, n) {
		return set
	}
	return append(set, n)
}

// wordEnd is the end in the original text of the word that units[pos]
// belongs to or ends.
func wordEnd(units []unit, pos int) int32 {
	for pos < len(units) && units[pos].word() {
		pos++
	}
	return units[pos-1].end
}

// hit appends entry's match, or widens the one this walk already has for it
// (hits[first:] are this walk's).
func (l *List) hit(hits []Match, first int, entry int32, start, end int32) []Match {
	word := l.entries[entry-1]
	for i := first; i < len(hits); i++ {
		if hits[i].Word == word {
			hits[i].End = max(hits[i].End, int(end))
			return hits
		}
	}
	return append(hits, Match{Word: word, Start: int(start), End: int(end)})
}

// gapContinues reports whether the separators between two words may stand
// inside a phrase entry: spaces, hyphens, quotes, but no punctuation that
// ends a clause and no line break.
func gapContinues(gap []unit) bool {
	for _, u := range gap {
		switch u.r {
		case ',', ';', ':', '.', '!', '?', '\n', '\r', '(', ')':
			return false
		}
	}
	return true
}

// found reports whether hits has a match of entry.
func (l *List) found(hits []Match, entry int32) bool {
	word := l.entries[entry-1]
	for _, h := range hits {
		if h.Word == word {
			return true
		}
	}
	return false
}

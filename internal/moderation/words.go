package moderation

import "fmt"

// Lists are the compiled Words of a site and language.
type Lists struct {
	Banned, Suspect *List
}

// CompileWords compiles both lists of w.
func CompileWords(w Words) (Lists, error) {
	banned, err := Compile(w.Banned)
	if err != nil {
		return Lists{}, fmt.Errorf("banned: %w", err)
	}
	suspect, err := Compile(w.Suspect)
	if err != nil {
		return Lists{}, fmt.Errorf("suspect: %w", err)
	}
	return Lists{Banned: banned, Suspect: suspect}, nil
}

// Match finds the entries of both lists in text, normalizing it once: a
// comment with a banned match is to be rejected, one with only suspect
// matches to wait for a moderator.
func (ls Lists) Match(text string) (banned, suspect []Match) {
	if ls.Banned == nil || ls.Suspect == nil {
		return ls.Banned.Match(text), ls.Suspect.Match(text)
	}
	s := ls.Banned.getScratch()
	defer ls.Banned.putScratch(s)
	s.units = normalize(s.units, text)
	return ls.Banned.match(s, s.units), ls.Suspect.match(s, s.units)
}

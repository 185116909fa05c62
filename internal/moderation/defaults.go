package moderation

import (
	"embed"
	"slices"
	"strings"
)

// lists holds the default lists, lists/{lang}-{banned,suspect}.txt.
//
//go:embed lists/*.txt
var lists embed.FS

// languages are the languages Parley ships default lists for.
var languages = []string{"de", "en", "es", "fr"}

// Words are the two lists of a site and language: a comment with a banned
// entry is rejected, one with a suspect entry waits for a moderator.
type Words struct {
	Banned  []string
	Suspect []string
}

// Languages returns the languages that have default lists.
func Languages() []string { return append([]string(nil), languages...) }

// Defaults returns the default lists of the language of tag ("de",
// "de-AT"), and false when Parley has none for it.
func Defaults(tag string) (Words, bool) {
	lang, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(tag)), "-")
	lang, _, _ = strings.Cut(lang, "_")
	if !slices.Contains(languages, lang) {
		return Words{}, false
	}
	banned, err1 := lists.ReadFile("lists/" + lang + "-banned.txt")
	suspect, err2 := lists.ReadFile("lists/" + lang + "-suspect.txt")
	if err1 != nil || err2 != nil {
		return Words{}, false
	}
	return Words{Banned: ParseWords(string(banned)), Suspect: ParseWords(string(suspect))}, true
}

// ParseWords reads a list in the format of the default lists: one entry per
// line, blank lines and lines starting with '#' ignored.
func ParseWords(text string) []string {
	var words []string
	for line := range strings.Lines(text) {
		line = strings.TrimSpace(line)
		if line != "" && !strings.HasPrefix(line, "#") {
			words = append(words, line)
		}
	}
	return words
}

package service

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"parley"
)

const (
	maxNameLength   = 50
	maxNoteLength   = 1000
	maxTitleLength  = 500
	maxReplyDepth   = 64
	maxCountStories = 100
)

// cleanText normalizes user text the one way Parley stores it: valid UTF-8,
// NFC, \n line ends, no control characters but tab and newline, trimmed.
// field names the input in the error message.
func cleanText(s, field string, multiline bool) (string, error) {
	if !utf8.ValidString(s) {
		return "", parley.Errorf(parley.EINVALID, "The %s is not valid UTF-8.", field).Keyed("badText")
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	for _, r := range s {
		if r == '\n' && !multiline {
			return "", parley.Errorf(parley.EINVALID, "The %s must be a single line.", field)
		}
		if forbiddenRune(r) {
			return "", parley.Errorf(parley.EINVALID, "The %s contains a control character.", field).Keyed("badText")
		}
	}
	return strings.TrimSpace(norm.NFC.String(s)), nil
}

// forbiddenRune reports control and bidi-override characters, which can hide
// or reorder text in ways readers cannot see.
func forbiddenRune(r rune) bool {
	switch {
	case r == '\n' || r == '\t':
		return false
	case unicode.IsControl(r):
		return true
	case r >= '\u202a' && r <= '\u202e', r >= '\u2066' && r <= '\u2069':
		return true
	}
	return false
}

// cleanBody validates and normalizes a comment body against a site's limit.
func cleanBody(body string, site *parley.Site) (string, error) {
	body, err := cleanText(body, "comment", true)
	if err != nil {
		return "", err
	}
	if body == "" {
		return "", parley.Errorf(parley.EINVALID, "The comment is empty.").Keyed("empty")
	}
	if n := utf8.RuneCountInString(body); n > site.MaxBodyLength {
		return "", parley.Errorf(parley.EINVALID, "The comment is %d characters long; the limit is %d.", n, site.MaxBodyLength).Keyed("tooLong")
	}
	return body, nil
}

// cleanName validates a display name: one line of plain text.
func cleanName(name string) (string, error) {
	name, err := cleanText(name, "name", false)
	if err != nil {
		return "", err
	}
	if name == "" {
		return "", parley.Errorf(parley.EINVALID, "Please give a name to post under.").Keyed("nameRequired")
	}
	if utf8.RuneCountInString(name) > maxNameLength {
		return "", parley.Errorf(parley.EINVALID, "A name is at most %d characters.", maxNameLength)
	}
	return name, nil
}

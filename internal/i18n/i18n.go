// Package i18n holds Parley's message catalogs, one per language, and picks
// the language a reader gets: the page's own, else its base language, else
// English. The server-rendered block, the widget, e-mails and the moderator
// UI all read from here, so a string is translated once.
package i18n

import (
	"fmt"
	"strings"
	"time"
)

// Fallback is the language of last resort; its catalog has every key.
const Fallback = "en"

// Languages lists the languages with a catalog.
func Languages() []string { return []string{"de", "en", "es", "fr"} }

// Printer formats messages in one language.
type Printer struct {
	lang string
	msgs map[string]string
}

// For returns the printer for the best available match of tag, such as
// "de-AT" -> "de", "pt" -> "en".
func For(tag string) *Printer {
	tag = strings.ToLower(strings.TrimSpace(tag))
	base, _, _ := strings.Cut(strings.ReplaceAll(tag, "_", "-"), "-")
	if msgs, ok := catalogs[base]; ok {
		return &Printer{lang: base, msgs: msgs}
	}
	return &Printer{lang: Fallback, msgs: catalogs[Fallback]}
}

// Lang is the language the printer speaks.
func (p *Printer) Lang() string { return p.lang }

// T returns the message for key with args formatted into it. A key missing
// in this language falls back to English; a key missing there too is
// returned as is, which tests catch.
func (p *Printer) T(key string, args ...any) string {
	msg, ok := p.msgs[key]
	if !ok {
		msg, ok = catalogs[Fallback][key]
	}
	if !ok {
		return key
	}
	if len(args) == 0 {
		return msg
	}
	return fmt.Sprintf(msg, args...)
}

// Error returns the reader-facing message for an error code and, when the
// catalogs know it, its more precise key.
func (p *Printer) Error(code, key string) string {
	if _, ok := p.msgs["error."+key]; ok && key != "" {
		return p.T("error." + key)
	}
	return p.T("error." + code)
}

// FromHeader picks the first language of an Accept-Language header that has
// a catalog, or "" if none has.
func FromHeader(accept string) string {
	for _, part := range strings.Split(accept, ",") {
		tag, _, _ := strings.Cut(strings.TrimSpace(part), ";")
		if p := For(tag); p.lang != Fallback || strings.HasPrefix(strings.ToLower(tag), Fallback) {
			return p.lang
		}
	}
	return ""
}

// N returns the plural form of key for count n: the catalog holds
// key+".one" and key+".other" (the forms en, de, es and fr need), and
// %d in them is replaced by the count in the language's digits grouping.
func (p *Printer) N(key string, n int) string {
	form := ".other"
	if p.one(n) {
		form = ".one"
	}
	return strings.ReplaceAll(p.T(key+form), "%d", p.Number(n))
}

// one reports whether n takes the singular: French uses it for 0 and 1,
// the others for 1 alone.
func (p *Printer) one(n int) bool {
	if p.lang == "fr" {
		return n == 0 || n == 1
	}
	return n == 1
}

// Number formats n with the language's thousands separator.
func (p *Printer) Number(n int) string {
	s := fmt.Sprint(n)
	if n < 0 || len(s) <= 3 || (p.lang == "es" && len(s) <= 4) {
		return s
	}
	sep := map[string]string{"de": ".", "es": ".", "fr": "\u202f", "en": ","}[p.lang]
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Date formats t as a full date and time in the language's style, in UTC.
func (p *Printer) Date(t time.Time) string {
	t = t.UTC()
	month := p.T(fmt.Sprintf("month.%d", t.Month()))
	switch p.lang {
	case "de":
		return fmt.Sprintf("%d. %s %d, %02d:%02d", t.Day(), month, t.Year(), t.Hour(), t.Minute())
	case "es":
		return fmt.Sprintf("%d de %s de %d, %02d:%02d", t.Day(), month, t.Year(), t.Hour(), t.Minute())
	case "fr":
		return fmt.Sprintf("%d %s %d à %02d:%02d", t.Day(), month, t.Year(), t.Hour(), t.Minute())
	}
	return fmt.Sprintf("%s %d, %d, %02d:%02d UTC", month, t.Day(), t.Year(), t.Hour(), t.Minute())
}

// Messages returns a copy of one language's catalog, with English filling
// any key it lacks, for clients such as the widget that ship their own.
func Messages(lang string) map[string]string {
	out := make(map[string]string, len(catalogs[Fallback]))
	for k, v := range catalogs[Fallback] {
		out[k] = v
	}
	for k, v := range catalogs[For(lang).lang] {
		out[k] = v
	}
	return out
}

package admin

import (
	"fmt"
	"strings"
	"time"

	"parley/internal/i18n"
)

// printer speaks one language: the UI's own messages (catalog.go) first,
// then Parley's shared catalog (error messages, months, plurals), so that
// an error reads the same here as in the block.
type printer struct {
	*i18n.Printer
	msgs map[string]string
}

func newPrinter(tag string) *printer {
	p := i18n.For(tag)
	return &printer{Printer: p, msgs: messages[p.Lang()]}
}

// T returns the message for key with args formatted into it; a key the UI
// does not know goes to the shared catalog.
func (p *printer) T(key string, args ...any) string {
	msg, ok := p.msgs[key]
	if !ok {
		msg, ok = messages[i18n.Fallback][key]
	}
	if !ok {
		return p.Printer.T(key, args...)
	}
	if len(args) == 0 {
		return msg
	}
	return fmt.Sprintf(msg, args...)
}

// N returns the plural form of key for n, as i18n.Printer.N does, from
// the UI's catalog.
func (p *printer) N(key string, n int) string {
	form := ".other"
	if n == 1 || (p.Lang() == "fr" && n == 0) {
		form = ".one"
	}
	return strings.ReplaceAll(p.T(key+form), "%d", p.Number(n))
}

// Error is the message of an error code and key: the UI's own, else the
// shared catalog's.
func (p *printer) Error(code, key string) string {
	if _, ok := messages[i18n.Fallback]["error."+key]; ok && key != "" {
		return p.T("error." + key)
	}
	return p.Printer.Error(code, key)
}

// Ago says how long ago t was, coarsely, as a queue lists it.
func (p *printer) Ago(now, t time.Time) string {
	d := now.Sub(t)
	switch {
	case d < time.Minute:
		return p.T("admin.ago.now")
	case d < time.Hour:
		return p.N("admin.ago.min", int(d/time.Minute))
	case d < 24*time.Hour:
		return p.N("admin.ago.hour", int(d/time.Hour))
	}
	return p.N("admin.ago.day", int(d/(24*time.Hour)))
}

// Decimal writes a score with two decimals, with the language's decimal
// mark (0.82, 0,82).
func (p *printer) Decimal(f float64) string {
	s := fmt.Sprintf("%.2f", f)
	if p.Lang() != "en" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

package admin

import (
	"fmt"
	"html"
	"html/template"
	"strings"
	"time"

	"parley"
	"parley/internal/i18n"
)

// printer speaks one language: the UI's own messages (catalog.go) first,
// then Parley's shared catalog (error messages, months, plurals), so that
// an error reads the same here as in the block.
type printer struct {
	*i18n.Printer
	msgs    map[string]string
	reasons []reasonOption // Reasons, made on first use
	options template.HTML  // ReasonOptions, made on first use
}

// reasonOption is a reject reason as a form offers it: its value, its
// name in the language and its key (1 to 8).
type reasonOption struct {
	Value, Label string
	Key          int
}

// Reasons are the reject reasons in the language, made once per page:
// every item's forms list them.
func (p *printer) Reasons() []reasonOption {
	if p.reasons == nil {
		for i, r := range parley.RejectReasons() {
			p.reasons = append(p.reasons, reasonOption{Value: r, Label: p.T("admin.reason." + r), Key: i + 1})
		}
	}
	return p.reasons
}

// ReasonOptions are the reject reasons as the <option>s of a select, made
// once per page: a queue page lists them in three forms of every item,
// and as one piece of markup they cost the template one action instead
// of sixteen. Values are the fixed reason names; labels are escaped here.
func (p *printer) ReasonOptions() template.HTML {
	if p.options == "" {
		var b strings.Builder
		for _, r := range p.Reasons() {
			b.WriteString(`<option value="` + r.Value + `">` + html.EscapeString(r.Label) + `</option>`)
		}
		p.options = template.HTML(b.String())
	}
	return p.options
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

package service

import (
	"html"
	"strings"

	"parley"
	"parley/internal/i18n"
)

// siteName is how mails and pages name a site to its readers.
func siteName(site *parley.Site) string {
	if n := strings.TrimSpace(site.Name); n != "" {
		return n
	}
	return site.ID
}

// signInMail is the mail that carries a sign-in link, in the language the
// reader asked in: it names the site, says how long the link lasts and
// that whoever did not ask can ignore it. The HTML alternative says the
// same, for mail programs that show HTML only.
func signInMail(site *parley.Site, l *parley.SignInLink, link string) *parley.Message {
	p := i18n.For(l.Lang)
	name := siteName(site)
	paras := []string{p.T("email.greeting"), p.T("email.intro", name), link, p.T("email.validity"), p.T("email.ignore")}
	var h strings.Builder
	h.WriteString(`<!doctype html><html lang="` + p.Lang() + `"><body>`)
	for i, s := range paras {
		if i == 2 {
			h.WriteString(`<p><a href="` + html.EscapeString(link) + `">` + html.EscapeString(p.T("email.button", name)) + `</a></p>`)
			continue
		}
		h.WriteString("<p>" + html.EscapeString(s) + "</p>")
	}
	h.WriteString("</body></html>\n")
	return &parley.Message{
		ID: parley.NewID(l.CreatedAt), To: l.Email, CreatedAt: l.CreatedAt,
		Subject: p.T("email.subject", oneLine(name)),
		Text:    strings.Join(paras, "\n\n") + "\n",
		HTML:    h.String(),
	}
}

// oneLine keeps a site name that an operator typed from breaking a header.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

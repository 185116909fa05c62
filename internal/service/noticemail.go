package service

import (
	"html"
	"strings"
	"time"

	"parley"
	"parley/internal/i18n"
)

// The mails of notice and action: the notifier's confirmation of receipt
// (Art. 16(4)) and the outcome (Art. 16(5)), and the outcome of a
// complaint for its author (Art. 20(5)). Each is written in the language
// the notice or complaint was sent in, and enqueued in the unit of work
// of what it tells of.

// noticeReceivedMail confirms receipt of n to its notifier.
func noticeReceivedMail(site *parley.Site, n *parley.Notice) *parley.Message {
	p := i18n.For(n.Lang)
	paras := []string{p.T("email.greeting"), p.T("notice.mail.received", siteName(site), n.Reference),
		p.T("notice.mail.kind", kindName(p, n.Kind)), p.T("notice.mail.next")}
	return plainMail(p, n.Email, p.T("notice.mail.subject", n.Reference), paras, n.CreatedAt)
}

// noticeOutcomeMail tells n's notifier what was decided on it and why.
func noticeOutcomeMail(site *parley.Site, n *parley.Notice) *parley.Message {
	p := i18n.For(n.Lang)
	what := map[string]string{parley.ActionRemove: "notice.mail.remove", parley.ActionRestrict: "notice.mail.restrict", parley.ActionNone: "notice.mail.none"}[n.Action]
	paras := []string{p.T("email.greeting"), p.T(what, n.Reference)}
	switch n.Ground {
	case parley.GroundLaw:
		paras = append(paras, p.T("dsa.ground.law", n.Basis))
	case parley.GroundTerms:
		paras = append(paras, p.T("dsa.ground.terms", p.T("dsa.reason."+n.Basis)))
	}
	if note := strings.TrimSpace(n.Note); note != "" {
		paras = append(paras, p.T("dsa.facts.note", note))
	}
	decided := p.T("dsa.auto.decidedNo")
	if n.Automated {
		decided = p.T("dsa.auto.decidedYes")
	}
	paras = append(paras, decided, p.T("notice.mail.redress"))
	return plainMail(p, n.Email, p.T("notice.mail.outcomeSubject", n.Reference), paras, n.DecidedAt)
}

// complaintOutcomeMail tells a complaint's author its outcome, at to.
func complaintOutcomeMail(c *parley.Complaint, to string) *parley.Message {
	p := i18n.For(c.Lang)
	paras := []string{p.T("email.greeting")}
	if c.Outcome == parley.OutcomeReversed {
		paras = append(paras, p.T("complaint.mail.reversed", c.Reference))
		switch {
		case c.Action == parley.AuditNoticeDecided:
			paras = append(paras, p.T("complaint.mail.reopened"))
		case c.CommentID != "":
			paras = append(paras, p.T("complaint.mail.restored"))
		default:
			paras = append(paras, p.T("complaint.mail.lifted"))
		}
	} else {
		paras = append(paras, p.T("complaint.mail.upheld", c.Reference))
	}
	if note := strings.TrimSpace(c.Note); note != "" {
		paras = append(paras, p.T("dsa.facts.note", note))
	}
	if c.Outcome == parley.OutcomeUpheld {
		paras = append(paras, p.T("dsa.contest.outOfCourt")+" "+p.T("dsa.contest.court"))
	}
	return plainMail(p, to, p.T("complaint.mail.subject", c.Reference), paras, c.DecidedAt)
}

// plainMail builds a message of plain paragraphs, with the same paragraphs as
// its HTML alternative, everything escaped.
func plainMail(p *i18n.Printer, to, subject string, paras []string, at time.Time) *parley.Message {
	var h strings.Builder
	h.WriteString(`<!doctype html><html lang="` + p.Lang() + `"><body>`)
	for _, s := range paras {
		h.WriteString("<p>" + html.EscapeString(s) + "</p>")
	}
	h.WriteString("</body></html>\n")
	return &parley.Message{ID: parley.NewID(at.UTC()), To: to, Subject: oneLine(subject), Text: strings.Join(paras, "\n\n") + "\n",
		HTML: h.String(), CreatedAt: at.UTC()}
}

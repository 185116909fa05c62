package dsa

import (
	"strings"
	"testing"
	"time"

	"parley"
	"parley/internal/i18n"
)

var decided = time.Date(2026, 3, 5, 14, 7, 0, 0, time.UTC)

func TestStatementOfNoticeOnLaw(t *testing.T) {
	e := &parley.AuditEntry{ID: 42, SiteID: "news", Action: parley.AuditRejected, CommentID: "c1", UserID: "u1", ActorID: "mod",
		Reason: parley.ReasonIllegal, Note: "Calls for violence against a group.", Before: parley.StatusApproved, After: parley.StatusRejected,
		Ref: "N-2026-ABCDEFGHJK", CreatedAt: decided}
	n := &parley.Notice{Reference: "N-2026-ABCDEFGHJK", Kind: parley.NoticeHate, Action: parley.ActionRemove,
		Ground: parley.GroundLaw, Basis: "§ 130 StGB", CreatedAt: decided.Add(-time.Hour)}
	s := StatementOf(e, n)
	if s.Decision != DecisionRemoved || s.Ground != parley.GroundLaw || s.Provision != "§ 130 StGB" || s.Automated || s.Detected {
		t.Errorf("StatementOf = %+v", s)
	}
	if !s.ContestUntil.Equal(decided.Add(parley.ComplaintWindow)) {
		t.Errorf("ContestUntil = %v", s.ContestUntil)
	}
	want := map[string][]string{
		"en": {"Statement of reasons", "We have removed your comment.", "illegal under § 130 StGB", "Illegal hate speech", "N-2026-ABCDEFGHJK",
			"Calls for violence", "taken by a person", "not detected by automated means", "September 4, 2026", "Article 21", "court"},
		"de": {"Begründung", "Wir haben Ihren Kommentar entfernt.", "nach § 130 StGB rechtswidrig", "Rechtswidrige Hassrede",
			"Beschwerdemanagementsystem", "außergerichtlichen Streitbeilegungsstelle", "Rechtsweg"},
		"es": {"Declaración de motivos", "Hemos retirado tu comentario.", "ilícito según § 130 StGB", "sistema interno de gestión de reclamaciones",
			"resolución extrajudicial", "tribunales"},
		"fr": {"Exposé des motifs", "Nous avons retiré votre commentaire.", "au regard de § 130 StGB", "traitement des réclamations",
			"règlement extrajudicial", "saisir la justice"},
	}
	for lang, parts := range want {
		text := s.Text(lang, decided)
		for _, part := range parts {
			if !strings.Contains(text, part) {
				t.Errorf("%s statement lacks %q:\n%s", lang, part, text)
			}
		}
		if strings.Contains(text, "dsa.") || strings.Contains(text, "%!") {
			t.Errorf("%s statement shows a key or a broken verb:\n%s", lang, text)
		}
	}
}

func TestStatementOfAutomatedTerms(t *testing.T) {
	e := &parley.AuditEntry{ID: 7, Action: parley.AuditRejected, CommentID: "c", UserID: "u", Automated: true, Reason: parley.ReasonSpam, CreatedAt: decided}
	s := StatementOf(e, nil)
	text := s.Text("en", decided)
	for _, part := range []string{"rules of this discussion (spam)", "taken by automated means", "detected or held back by automated means", "our own initiative"} {
		if !strings.Contains(text, part) {
			t.Errorf("statement lacks %q:\n%s", part, text)
		}
	}
	// A human decision on a comment the pipeline held back: detected by
	// automated means, decided by a person.
	e = &parley.AuditEntry{ID: 8, Action: parley.AuditRejected, UserID: "u", ActorID: "mod", Reason: parley.ReasonAbuse, Before: parley.StatusPending, CreatedAt: decided}
	if s := StatementOf(e, nil); s.Automated || !s.Detected {
		t.Errorf("held then rejected: Automated %v Detected %v, want false true", s.Automated, s.Detected)
	}
}

func TestStatementOfSanctionsAndWindow(t *testing.T) {
	until := decided.Add(7 * 24 * time.Hour)
	e := &parley.AuditEntry{ID: 9, Action: parley.AuditSuspended, UserID: "u", ActorID: "mod", Reason: parley.ReasonHarassment,
		After: parley.StandingSuspended + " until " + until.Format(time.RFC3339), CreatedAt: decided}
	s := StatementOf(e, nil)
	if s.Decision != DecisionSuspended || !s.Until.Equal(until) {
		t.Fatalf("StatementOf(suspension) = %+v", s)
	}
	if text := s.Text("de", decided); !strings.Contains(text, "bis zum 12. März 2026") {
		t.Errorf("suspension in German:\n%s", text)
	}
	late := s.Text("en", s.ContestUntil)
	if !strings.Contains(late, "ended on") || strings.Contains(late, "Contest this decision") {
		t.Errorf("after the window the statement still offers a complaint:\n%s", late)
	}
	if !strings.Contains(late, "Article 21") {
		t.Errorf("after the window the statement must still name out-of-court settlement:\n%s", late)
	}
}

func TestNoStatementForNonDecisions(t *testing.T) {
	for _, action := range []string{parley.AuditApproved, parley.AuditNoticeDecided, parley.AuditNoted, parley.AuditHeld} {
		e := &parley.AuditEntry{ID: 3, Action: action, UserID: "u", CreatedAt: decided}
		if s := StatementOf(e, nil); s.Decision != "" || s.Text("en", decided) != "" || OwesStatement(e, nil) {
			t.Errorf("%s: statement %+v, text %q", action, s, s.Text("en", decided))
		}
	}
}

func TestContestable(t *testing.T) {
	restrict := &parley.Notice{Action: parley.ActionRestrict}
	cases := []struct {
		e    parley.AuditEntry
		n    *parley.Notice
		want bool
	}{
		{parley.AuditEntry{Action: parley.AuditRejected, UserID: "u"}, nil, true},
		{parley.AuditEntry{Action: parley.AuditBanned, UserID: "u"}, nil, true},
		{parley.AuditEntry{Action: parley.AuditHeld, UserID: "u", Automated: true}, nil, false},
		{parley.AuditEntry{Action: parley.AuditHeld, UserID: "u"}, restrict, true},
		{parley.AuditEntry{Action: parley.AuditApproved, UserID: "u"}, nil, false},
		{parley.AuditEntry{Action: parley.AuditNoted, UserID: "u"}, nil, false},
		{parley.AuditEntry{Action: parley.AuditRejected}, nil, false},
		{parley.AuditEntry{Action: parley.AuditNoticeDecided, UserID: "notifier"}, nil, true},
		{parley.AuditEntry{Action: parley.AuditNoticeDecided}, nil, false}, // a guest's notice
	}
	for _, c := range cases {
		if got := Contestable(&c.e, c.n); got != c.want {
			t.Errorf("Contestable(%s, notice %v) = %v, want %v", c.e.Action, c.n != nil, got, c.want)
		}
	}
}

// TestEveryKindAndReasonRenders: no kind of notice or reject reason shows
// a catalog key in any language.
func TestEveryKindAndReasonRenders(t *testing.T) {
	for _, lang := range i18n.Languages() {
		for _, kind := range parley.NoticeKinds() {
			for _, reason := range parley.RejectReasons() {
				e := &parley.AuditEntry{ID: 1, Action: parley.AuditRejected, UserID: "u", Reason: reason, Note: "n", CreatedAt: decided}
				text := StatementOf(e, &parley.Notice{Reference: "N-1", Kind: kind, Ground: parley.GroundTerms, CreatedAt: decided}).Text(lang, decided)
				if strings.Contains(text, "dsa.") || strings.Contains(text, "%!") {
					t.Fatalf("%s %s %s:\n%s", lang, kind, reason, text)
				}
			}
		}
	}
}

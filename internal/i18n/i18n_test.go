package i18n

import (
	"strings"
	"testing"
	"time"
)

// TestCatalogsComplete fails when a language lacks a key another has, or
// carries a different number of format verbs.
func TestCatalogsComplete(t *testing.T) {
	all := map[string]bool{}
	for _, msgs := range catalogs {
		for k := range msgs {
			all[k] = true
		}
	}
	for lang, msgs := range catalogs {
		for k := range all {
			msg, ok := msgs[k]
			if !ok {
				t.Errorf("%s: missing key %q", lang, k)
				continue
			}
			if strings.TrimSpace(msg) == "" {
				t.Errorf("%s: empty message for %q", lang, k)
			}
			if got, want := strings.Count(msg, "%"), strings.Count(catalogs[Fallback][k], "%"); got != want {
				t.Errorf("%s: %q has %d format verbs, English has %d", lang, k, got, want)
			}
		}
	}
	if len(catalogs) != len(Languages()) {
		t.Errorf("Languages() = %v, catalogs has %d", Languages(), len(catalogs))
	}
}

func TestFor(t *testing.T) {
	for tag, want := range map[string]string{"de": "de", "de-AT": "de", "es_MX": "es", "FR-ca": "fr", "pt-BR": "en", "": "en", "en-GB": "en"} {
		if got := For(tag).Lang(); got != want {
			t.Errorf("For(%q).Lang() = %q, want %q", tag, got, want)
		}
	}
}

func TestPlural(t *testing.T) {
	tests := []struct {
		lang string
		n    int
		want string
	}{
		{"en", 0, "0 comments"}, {"en", 1, "1 comment"}, {"en", 2, "2 comments"},
		{"de", 1, "1 Kommentar"}, {"de", 12345, "12.345 Kommentare"},
		{"es", 1, "1 comentario"}, {"es", 1000, "1000 comentarios"}, {"es", 10000, "10.000 comentarios"},
		{"fr", 0, "0 commentaire"}, {"fr", 1, "1 commentaire"}, {"fr", 2, "2 commentaires"}, {"fr", 1500, "1\u202f500 commentaires"},
		{"en", 1234567, "1,234,567 comments"},
	}
	for _, tt := range tests {
		if got := For(tt.lang).N("comments.count", tt.n); got != tt.want {
			t.Errorf("%s N(%d) = %q, want %q", tt.lang, tt.n, got, tt.want)
		}
	}
}

func TestDate(t *testing.T) {
	at := time.Date(2026, 3, 5, 14, 7, 0, 0, time.UTC)
	for lang, want := range map[string]string{
		"en": "March 5, 2026, 14:07 UTC",
		"de": "5. März 2026, 14:07",
		"es": "5 de marzo de 2026, 14:07",
		"fr": "5 mars 2026 à 14:07",
	} {
		if got := For(lang).Date(at); got != want {
			t.Errorf("%s Date = %q, want %q", lang, got, want)
		}
	}
}

func TestMissingKeyFallsBack(t *testing.T) {
	if got := For("de").T("no.such.key"); got != "no.such.key" {
		t.Errorf("missing key = %q", got)
	}
}

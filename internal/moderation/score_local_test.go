package moderation

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// regular is an author with a history: only what they wrote counts.
const regular = 400 * 24 * time.Hour

// TestLocalExamples scores comments in the four languages of the catalogs:
// ordinary ones, sharp but civil ones and German's capitalised nouns stay
// under the suggested threshold (0.5); the shapes of spam and shouting
// reach it. Each case pins the reasons, so a change of weights shows.
func TestLocalExamples(t *testing.T) {
	for _, tc := range []struct {
		name     string
		in       Input
		min, max float64
		keys     []string
	}{
		{"en ordinary", Input{Lang: "en", AccountAge: regular, ApprovedComments: 12,
			Body: "Great article. I would add that the council voted twice on this, and the second vote was closer than the report suggests."},
			0, 0, nil},
		{"de nouns are not shouting", Input{Lang: "de", AccountAge: regular, ApprovedComments: 3,
			Body: "Die Stadtverwaltung hat die Kosten für den Neubau der Grundschule an der Goethestraße völlig falsch eingeschätzt. Das Gutachten lag seit März vor."},
			0, 0, nil},
		{"es sharp but civil", Input{Lang: "es", AccountAge: regular, ApprovedComments: 5,
			Body: "No estoy de acuerdo en absoluto. El ayuntamiento lleva años prometiendo el carril bici y nunca cumple."},
			0, 0, nil},
		{"fr long and ordinary", Input{Lang: "fr", AccountAge: regular, ApprovedComments: 30,
			Body: "J'habite à deux rues du chantier depuis vingt ans. Les riverains n'ont jamais été consultés sur le calendrier des travaux, " +
				"et la réunion publique annoncée dans l'article a eu lieu un mardi à quinze heures, quand la plupart d'entre nous travaillent. " +
				"Ce n'est pas de la mauvaise volonté de notre part : nous demandons simplement une seconde réunion, le soir ou le samedi."},
			0, 0, nil},
		{"fr one source link", Input{Lang: "fr", AccountAge: regular, ApprovedComments: 8,
			Body:  "Le rapport complet est disponible ici, les chiffres de la page 12 contredisent l'article : https://www.insee.fr/fr/statistiques",
			Links: []string{"https://www.insee.fr/fr/statistiques"}},
			0.15, 0.15, []string{ReasonLinks}},
		{"en newcomer", Input{Lang: "en", AccountAge: time.Hour,
			Body: "First time commenting here, thanks for covering the flood so carefully."},
			0.2, 0.2, []string{ReasonNewAccount}},
		{"en spam from a new account", Input{Lang: "en", AccountAge: 5 * time.Minute,
			Body:  "Cheap pills https://pills.example https://pills.example/buy",
			Links: []string{"https://pills.example", "https://pills.example/buy"}},
			0.75, 0.75, []string{ReasonLinks, ReasonMostlyLinks, ReasonNewAccount}},
		{"de link farm", Input{Lang: "de", AccountAge: regular, ApprovedComments: 1,
			Body:  "Hier klicken: [1](https://a.example) [2](https://b.example) [3](https://c.example) [4](https://d.example) [5](https://e.example)",
			Links: []string{"https://a.example", "https://b.example", "https://c.example", "https://d.example", "https://e.example"}},
			0.85, 0.85, []string{ReasonLinks, ReasonMostlyLinks}},
		{"fr shouting", Input{Lang: "fr", AccountAge: regular, ApprovedComments: 2,
			Body: "C'EST UN SCANDALE ÉNORME, LE MAIRE DOIT DÉMISSIONNER IMMÉDIATEMENT !"},
			0.6, 0.6, []string{ReasonCapitals}},
		{"es shouting with exclamations", Input{Lang: "es", AccountAge: regular, ApprovedComments: 2,
			Body: "¡¡¡NO PUEDE SER, ESTO ES UNA VERGÜENZA TOTAL!!!!!!"},
			0.75, 0.75, []string{ReasonCapitals, ReasonRepeatChar}},
		{"short capitals are not judged", Input{Lang: "en", AccountAge: regular, ApprovedComments: 2,
			Body: "WELL SAID!"},
			0, 0, nil},
		{"de one word over and over", Input{Lang: "de", AccountAge: regular, ApprovedComments: 2,
			Body: "Lügenpresse Lügenpresse Lügenpresse Lügenpresse, sonst nichts, Lügenpresse Lügenpresse"},
			0.25, 0.25, []string{ReasonRepeatWord}},
		{"en pasted ten times: no word stands out, the whole does", Input{Lang: "en", AccountAge: regular, ApprovedComments: 2,
			Body: strings.Repeat("Visit my profile for the real story about this. ", 10)},
			0.3, 0.3, []string{ReasonRepetitive}},
		{"everything at once is capped at 1", Input{Lang: "en", AccountAge: time.Minute,
			Body:  strings.Repeat("BUY NOW!!!!!! https://x.example ", 10),
			Links: strings.Split(strings.Repeat("https://x.example ", 10), " ")[:10]},
			1, 1, []string{ReasonLinks, ReasonMostlyLinks, ReasonCapitals, ReasonRepeatChar, ReasonRepeatWord, ReasonRepetitive, ReasonNewAccount}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Local{}.Score(t.Context(), tc.in)
			if err != nil {
				t.Fatal(err)
			}
			var keys []string
			for _, r := range s.Reasons {
				keys = append(keys, r.Key)
			}
			if s.Value < tc.min-1e-9 || s.Value > tc.max+1e-9 {
				t.Errorf("score %.3f, want %.2f–%.2f; reasons %+v", s.Value, tc.min, tc.max, s.Reasons)
			}
			if diff := cmp.Diff(tc.keys, keys); diff != "" {
				t.Errorf("reason keys (-want +got):\n%s", diff)
			}
		})
	}
}

// TestNovelty: ordinary prose is mostly new; pasted text is not.
func TestNovelty(t *testing.T) {
	prose := "Der Gemeinderat hat gestern Abend mit knapper Mehrheit beschlossen, die Buslinie 12 ab dem Sommer im Zehn-Minuten-Takt fahren zu lassen. " +
		"Die Kosten trägt zur Hälfte der Landkreis; strittig bleibt, ob die Haltestelle am Friedhof wegfällt."
	if n := novelty(prose); n < 0.8 {
		t.Errorf("novelty of prose %.2f, want ≥ 0.8", n)
	}
	if n := novelty(strings.Repeat("Kauft bei uns! ", 30)); n > 0.1 {
		t.Errorf("novelty of a pasted line %.2f, want ≤ 0.1", n)
	}
	if n := novelty("short"); n != 1 {
		t.Errorf("novelty of a short text %.2f, want 1", n)
	}
}

// TestLocalReasonTexts: the reasons a moderator reads.
func TestLocalReasonTexts(t *testing.T) {
	s, _ := Local{}.Score(t.Context(), Input{AccountAge: time.Minute,
		Body:  "ACHTUNG ACHTUNG: DIESE SEITEN MÜSSEN SIE KENNEN https://a.example https://b.example https://c.example",
		Links: []string{"https://a.example", "https://b.example", "https://c.example"}})
	var got []string
	for _, r := range s.Reasons {
		got = append(got, r.Text)
	}
	want := []string{"3 links", "7 words of text for 3 links", "100% capitals", "new account, no approved comments"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("reasons (-want +got):\n%s", diff)
	}
}

// BenchmarkLocal scores a 1,000-character comment with two links.
func BenchmarkLocal(b *testing.B) {
	in := Input{AccountAge: time.Hour, Links: []string{"https://a.example", "https://b.example"},
		Body: strings.Repeat("Die Stadt hat die Kosten falsch eingeschätzt, sagt der Rechnungshof. ", 14)}
	for b.Loop() {
		Local{}.Score(b.Context(), in)
	}
}

// TestNoveltyCounts checks the set of shingles against counting them the
// plain way (sorted, duplicates dropped), NUL bytes and long texts
// included.
func TestNoveltyCounts(t *testing.T) {
	texts := []string{
		strings.Repeat("\x00", 40), "\x00\x00\x00\x00\x00\x00\x00\x00abc" + strings.Repeat("\x00", 9),
		strings.Repeat("Kauft bei uns! ", 30), strings.Repeat("Die Stadt hat die Kosten falsch eingeschätzt. ", 120),
		"exactly8", "Ünïcödé und ÄÖÜ, ärgerlich: ÄÖÜ ÄÖÜ ÄÖÜ",
	}
	for _, s := range texts {
		if len(s) > novelWindow {
			s = s[:novelWindow]
		}
		var pieces []uint64
		var k uint64
		for i := range len(s) {
			k = k<<8 | uint64(s[i])
			if i >= 7 {
				pieces = append(pieces, k)
			}
		}
		slices.Sort(pieces)
		want := float64(len(slices.Compact(pieces))) / float64(len(s)-7)
		if got := novelty(s); got != want {
			t.Errorf("novelty(%.20q…) = %v, want %v", s, got, want)
		}
	}
}

package main

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// German vocabulary for the generated comments. They are constants so that
// the generator has no shared mutable state; newTextGen splits them once.
const (
	nounWords = "Artikel Regierung Stadt Bahn Schule Zeitung Meinung Frage Antwort Entscheidung " +
		"Haushalt Verkehr Wohnung Miete Energie Heizung Sommer Winter Wahl Partei Gemeinde " +
		"Bürgermeister Straße Brücke Fahrrad Zukunft Klima Wirtschaft Arbeit Gesundheit " +
		"Kindergarten Steuer Rente Politik Debatte Kommentar Beitrag Leserbrief Quelle Studie"
	adjectiveWords = "wichtige schwierige richtige falsche neue alte große kleine öffentliche " +
		"teure günstige überraschende ärgerliche spannende einseitige gründliche sachliche"
	verbPhrases = "sehe das anders|stimme völlig zu|finde das übertrieben|halte das für richtig|" +
		"verstehe die Aufregung nicht|würde mir mehr Details wünschen|habe das selbst erlebt|" +
		"frage mich, wer das bezahlt|bin gespannt, wie es weitergeht|glaube, das greift zu kurz"
	openers = "Ehrlich gesagt|Meiner Meinung nach|Zum Glück|Leider|Trotzdem|Außerdem|" +
		"Übrigens|Im Grunde|Natürlich|Grundsätzlich"
	linkHosts = "example.org|example.com|example.net"
)

// textGen produces comment bodies of about 300 characters of German with
// some Markdown, so that the server's render and sanitise path sees the same
// mix as a real news discussion: emphasis, an occasional link, a quote, a list.
type textGen struct {
	rng        *rand.Rand
	nouns      []string
	adjectives []string
	verbs      []string
	openers    []string
	hosts      []string
}

// newTextGen returns a generator whose output depends only on seed, so runs
// are comparable and tests are deterministic.
func newTextGen(seed uint64) *textGen {
	return &textGen{
		rng:        rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		nouns:      strings.Fields(nounWords),
		adjectives: strings.Fields(adjectiveWords),
		verbs:      strings.Split(verbPhrases, "|"),
		openers:    strings.Split(openers, "|"),
		hosts:      strings.Split(linkHosts, "|"),
	}
}

func (g *textGen) pick(list []string) string { return list[g.rng.IntN(len(list))] }

// sentence returns one plain German sentence; with emphasis set, one noun
// is wrapped in Markdown emphasis.
func (g *textGen) sentence(emphasis bool) string {
	noun := g.pick(g.nouns)
	if emphasis {
		if g.rng.IntN(2) == 0 {
			noun = "*" + noun + "*"
		} else {
			noun = "**" + noun + "**"
		}
	}
	return fmt.Sprintf("%s: Das Thema %s ist eine %s Frage, und ich %s.",
		g.pick(g.openers), noun, g.pick(g.adjectives), g.pick(g.verbs))
}

// Body returns one comment of roughly 300 characters (between ~200 and
// ~450) made of paragraphs, with Markdown features mixed in at random.
func (g *textGen) Body() string {
	var b strings.Builder
	if g.rng.IntN(6) == 0 {
		fmt.Fprintf(&b, "> %s\n\n", g.sentence(false))
	}
	for b.Len() < 260 {
		b.WriteString(g.sentence(g.rng.IntN(3) == 0))
		b.WriteByte(' ')
		switch g.rng.IntN(8) {
		case 0:
			fmt.Fprintf(&b, "Siehe [%s](https://%s/%s/%d). ",
				g.pick(g.nouns), g.pick(g.hosts), strings.ToLower(g.pick(g.nouns)), g.rng.IntN(10000))
		case 1:
			if b.Len() < 200 {
				fmt.Fprintf(&b, "\n\n- %s\n- %s\n\n", g.pick(g.nouns), g.pick(g.nouns))
			}
		}
	}
	return strings.TrimSpace(b.String())
}

// Name returns a plausible German display name for an anonymous commenter.
func (g *textGen) Name() string {
	first := []string{"Anna", "Jürgen", "Sabine", "Mehmet", "Lena", "Klaus", "Özlem", "Tobias"}
	last := []string{"Müller", "Schmidt", "Weiß", "Becker", "Hoffmann", "Schäfer", "Krüger"}
	return first[g.rng.IntN(len(first))] + " " + last[g.rng.IntN(len(last))]
}

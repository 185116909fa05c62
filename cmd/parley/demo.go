package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"parley"
	"parley/internal/auth"
	"parley/internal/embed"
	"parley/internal/markup"
	"parley/internal/service"
)

// demoInfo describes the demo article.
var demoInfo = service.StoryInfo{Title: "Nachtbus statt Taxi: Kleinstadt testet Rufbus bis 3 Uhr", Lang: "de"}

// ensureDemo creates the demo site and story unless they exist. On the
// very first start, when the story does not exist yet, it also seeds a
// short discussion, so that a newcomer sees threads, replies, reactions and
// sorting at once. A story that exists is never seeded again: not on a
// restart, and not after an operator deleted the comments.
func ensureDemo(ctx context.Context, store parley.Store, svc *service.Service, log *slog.Logger, bus parley.Bus) error {
	site := &parley.Site{ID: embed.DemoSite, Name: "Parley-Demo", AllowAnonymous: true}
	if err := svc.CreateSite(ctx, site); err != nil && parley.ErrorCode(err) != parley.ECONFLICT {
		return fmt.Errorf("demo site: %w", err)
	}
	_, err := store.Story(ctx, embed.DemoSite, embed.DemoStory)
	switch parley.ErrorCode(err) {
	case parley.ENOTFOUND:
		if err := seedDemo(ctx, store, log, bus, parley.Now()); err != nil {
			return fmt.Errorf("demo discussion: %w", err)
		}
	case "":
	default:
		return fmt.Errorf("demo story: %w", err)
	}
	if _, err := svc.RegisterStory(ctx, embed.DemoSite, embed.DemoStory, demoInfo); err != nil {
		return fmt.Errorf("demo story: %w", err)
	}
	return nil
}

// demoComment is one comment of the seeded discussion.
type demoComment struct {
	key, parent string        // names for threading; parent "" for top level
	author      string        // commenters with the same name are one commenter
	at          time.Duration // after the discussion began
	body        string
	respect     []string // authors who react to it
}

// seedDemo posts demoDiscussion through a service of its own whose clock
// says when each comment was written, so that times differ as in a real
// discussion and counts and events come out as for any post.
func seedDemo(ctx context.Context, store parley.Store, log *slog.Logger, bus parley.Bus, now time.Time) error {
	begin := now.Add(-4 * time.Hour).Truncate(time.Minute)
	at := begin
	svc := service.New(store, markup.New(), bus, log, service.WithClock(func() time.Time { return at }))
	tokens := auth.NewCommenterTokens(store, nil)
	ids := map[string]string{}
	actors := map[string]*parley.Actor{}
	for _, c := range demoDiscussion {
		at = begin.Add(c.at)
		if err := postDemo(ctx, svc, tokens, c, ids, actors); err != nil {
			return err
		}
	}
	for _, c := range demoDiscussion {
		for i, who := range c.respect {
			at = begin.Add(c.at + time.Duration(i+3)*time.Minute)
			if _, err := svc.React(parley.WithActor(ctx, actors[who]), ids[c.key]); err != nil {
				return fmt.Errorf("%s reacts to %s: %w", who, c.key, err)
			}
		}
	}
	return nil
}

// postDemo posts c as its author, remembering the comment's ID and the
// author, as their commenter token names them, for later replies and
// reactions.
func postDemo(ctx context.Context, svc *service.Service, tokens *auth.CommenterTokens, c demoComment, ids map[string]string, actors map[string]*parley.Actor) error {
	as := ctx
	if a := actors[c.author]; a != nil {
		as = parley.WithActor(ctx, a)
	}
	p, err := svc.Post(as, service.NewComment{SiteID: embed.DemoSite, StoryID: embed.DemoStory,
		ParentID: ids[c.parent], Body: c.body, AuthorName: c.author, Story: demoInfo})
	if err != nil {
		return fmt.Errorf("post %s: %w", c.key, err)
	}
	ids[c.key] = p.Comment.ID
	if actors[c.author] == nil {
		a, err := tokens.Actor(ctx, p.Token)
		if err != nil {
			return fmt.Errorf("commenter %s: %w", c.author, err)
		}
		actors[c.author] = a
	}
	return nil
}

// demoDiscussion is what readers of the demo article might have written
// on the first evening.
var demoDiscussion = []demoComment{
	{key: "schicht", author: "Tobias Brandt", at: 0, respect: []string{"Anja Schulz", "Sabine Krüger", "Mehmet Aydın"},
		body: "Endlich. Ich arbeite in der Spätschicht, Feierabend ist um halb zwölf. Dann ist der letzte Bus seit über einer Stunde weg, und ein Taxi für 14 Euro kann ich mir nicht jede Woche leisten. Dass die Fahrt nur so viel kostet wie ein normales Ticket, ist für mich der eigentliche Punkt."},
	{key: "rand", author: "Petra Lindner", at: 12 * time.Minute, respect: []string{"Ingrid Hoffmann"},
		body: "Ich wohne in Oberlindenau, gut sechs Kilometer vom Bahnhof. Ich ahne schon, wie das läuft: Um eins wollen alle aus den Kneipen am Markt nach Hause, der Bus pendelt nur noch durch die Innenstadt, und wir da draußen warten 40 Minuten. Genau deshalb war unser Ortschaftsrat so skeptisch."},
	{key: "schicht-1", parent: "schicht", author: "Petra Lindner", at: 25 * time.Minute,
		body: "Verstehe ich, Tobias. Aber warum nur freitags und samstags? Spätschicht ist doch auch unter der Woche. Für Leute wie Sie bringt das am Wochenende allein nicht so viel."},
	{key: "geld", author: "Ingrid Hoffmann", at: 38 * time.Minute,
		body: "90.000 Euro für 40 Fahrgäste pro Nacht – das sind, wenn ich richtig rechne, über 20 Euro pro Fahrt. Dafür könnte man fast jedem ein Taxi bezahlen. Ich bin nicht grundsätzlich dagegen, aber diese Rechnung hätte ich gern einmal im Stadtrat gehört."},
	{key: "rand-1", parent: "rand", author: "Sabine Krüger", at: 47 * time.Minute, respect: []string{"Mehmet Aydın", "Jonas Weber"},
		body: "Dafür gibt es doch die Zusage mit den 25 Minuten: Wird im Schnitt länger gewartet, kommt ein zweites Fahrzeug. Und die Wartezeiten werden für jeden Ortsteil einzeln veröffentlicht. Das finde ich ehrlich gesagt ziemlich fair."},
	{key: "eltern", author: "Anja Schulz", at: 63 * time.Minute, respect: []string{"Tobias Brandt", "Finn K."},
		body: "Als Mutter von zwei Teenagern kann ich nur sagen: danke! Ich stand in den letzten zwei Jahren gefühlt jeden Samstag um Mitternacht mit dem Auto vor dem Jugendzentrum. Wenn die beiden jetzt allein heimkommen, ohne dass ich bis eins wach bleiben muss, ist das für uns eine echte Erleichterung."},
	{key: "geld-1", parent: "geld", author: "Mehmet Aydın", at: 71 * time.Minute, respect: []string{"Sabine Krüger"},
		body: "Die Rechnung stimmt nur halb. Der Landkreis zahlt die Hälfte, und die Tickets kommen auch noch rein. Für die Stadt sind es also eher zehn Euro pro Fahrt. Und ein Taxi, das erst nach einer halben Stunde kommt, ist eben auch keine Lösung."},
	{key: "schicht-2", parent: "schicht-1", author: "Tobias Brandt", at: 88 * time.Minute,
		body: "Stimmt schon. Ich hoffe, das Probejahr ist nur der Anfang. Wenn die Zahlen passen, kann man es ja auf die Woche ausweiten. Irgendwo muss man anfangen."},
	{key: "rand-2", parent: "rand-1", author: "Petra Lindner", at: 95 * time.Minute,
		body: "*Im Schnitt*, das ist ja der Haken. Wenn ich um zwei Uhr nachts bei Regen an der Haltestelle stehe, hilft mir ein Monatsmittel von 22 Minuten wenig. Aber gut, ich lasse mich gern überraschen."},
	{key: "rand-3", parent: "rand", author: "Jonas Weber", at: 104 * time.Minute,
		body: "Viel gewonnen wäre schon, wenn die App eine ehrliche Ankunftszeit anzeigt. Dann kann man wenigstens drinnen warten statt an der Landstraße."},
	{key: "eltern-1", parent: "eltern", author: "Finn K.", at: 110 * time.Minute,
		body: "Ich bin 17 und wohne in Hainbach. Ehrlich gesagt lässt sich bei uns keiner gern von den Eltern abholen. Wenn man den Bus wirklich einfach per App bestellen kann, nutzen den aus meinem Jahrgang bestimmt viele."},
	{key: "telefon", author: "Jonas Weber", at: 130 * time.Minute,
		body: "Eine Frage an die Redaktion: Braucht man für die Bestellung unbedingt ein Smartphone? Meine Mutter ist 78 und kommt freitags manchmal spät von der Chorprobe. Im Artikel steht „per App oder Telefon“ – ist die Nummer die ganze Nacht besetzt?"},
	{key: "eltern-2", parent: "eltern-1", author: "Anja Schulz", at: 142 * time.Minute,
		body: "Genau das höre ich zu Hause auch, Finn. Hauptsache, ihr bestellt ihn dann auch und lauft nicht doch wieder im Dunkeln an der Landstraße entlang."},
	{key: "telefon-1", parent: "telefon", author: "Sabine Krüger", at: 160 * time.Minute,
		body: "Laut der Vorlage für den Stadtrat läuft die telefonische Bestellung über die Leitstelle des Verkehrsverbunds, und die ist rund um die Uhr erreichbar. So stand es jedenfalls im Ratsinformationssystem."},
}

package service

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"parley"
	"parley/internal/markup"
	"parley/internal/store/sqlite"
)

// BenchmarkPipeline is the pipeline's cost per comment, the store's write
// left out: judge on an ordinary comment of about 60 words with a link,
// with nothing on, and with the default lists, 5,000 words of the site's
// own in each list, the links rule and the local scorer on, for a
// commenter of a month and one of today (whom the local scorer counts as
// new: no read, since the rule for new commenters is off).
//
//	go test ./internal/service -run '^$' -bench Pipeline -benchmem
func BenchmarkPipeline(b *testing.B) {
	store, err := sqlite.Open(b.Context(), filepath.Join(b.TempDir(), "parley.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	s := New(store, markup.New(), nopBus{}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	off := &parley.Site{ID: "off", Moderation: parley.Moderation{NoDefaultWords: true}}
	on := &parley.Site{ID: "on", Moderation: parley.Moderation{Premoderation: parley.PremoderateLinks, LinkAllowlist: []string{"news.example"},
		Scorers: json.RawMessage(`[{"name":"local","enabled":true,"threshold":0.5}]`)}}
	for _, site := range []*parley.Site{off, on} {
		if err := s.CreateSite(b.Context(), site); err != nil {
			b.Fatal(err)
		}
	}
	ctx := parley.WithActor(b.Context(), &parley.Actor{User: &parley.User{ID: "m", SiteID: "on"}, SiteID: "on", Role: parley.RoleModerator})
	for _, list := range []string{parley.WordsBanned, parley.WordsSuspect} {
		words := make([]string, 5000)
		for i := range words {
			words[i] = fmt.Sprintf("zq%sword%d", list[:2], i)
		}
		for part := range slices.Chunk(words, parley.MaxWordsChange) {
			if _, err := s.AddWords(ctx, "on", list, "de", part); err != nil {
				b.Fatal(err)
			}
		}
	}
	if on, err = s.Site(b.Context(), "on"); err != nil {
		b.Fatal(err)
	}
	body := "Die Stadt will den Nachtbus ab März wieder fahren lassen, und das ist eine gute Nachricht für alle, " +
		"die spät arbeiten. Trotzdem frage ich mich, warum die Linie nicht bis zum Bahnhof geht; dort steigen die meisten um. " +
		"Im Bericht der Verkehrsbetriebe steht mehr dazu: https://news.example/nachtbus. Vielleicht liest das ja jemand im Rathaus."
	html, err := s.renderBody(body)
	if err != nil {
		b.Fatal(err)
	}
	old := &parley.User{ID: "u", Name: "Lena", CreatedAt: time.Now().Add(-30 * 24 * time.Hour)}
	young := &parley.User{ID: "y", Name: "Yuki", CreatedAt: time.Now()}
	for name, in := range map[string]subject{
		"off":       {site: off, storyID: "s", lang: "de", author: old, body: body, html: html},
		"on":        {site: on, storyID: "s", lang: "de", author: old, body: body, html: html},
		"on, young": {site: on, storyID: "s", lang: "de", author: young, actor: &parley.Actor{User: young, SiteID: "on"}, body: body, html: html},
	} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				v, err := s.judge(b.Context(), in)
				if err != nil || v.status != parley.StatusApproved {
					b.Fatalf("judge = %+v, %v", v, err)
				}
			}
		})
	}
}

// nopBus drops every event: the benchmark has no subscribers (and the
// in-process bus lives in a package that imports this one).
type nopBus struct{}

func (nopBus) Publish(context.Context, parley.Event) error { return nil }
func (nopBus) Subscribe(parley.Topic, func(parley.Event)) (func(), error) {
	return func() {}, nil
}

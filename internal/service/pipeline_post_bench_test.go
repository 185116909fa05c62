package service_test

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"parley"
	"parley/internal/markup"
	"parley/internal/realtime"
	"parley/internal/service"
	"parley/internal/store/sqlite"
)

// BenchmarkPostPipeline is a whole post on SQLite (its unit of work
// included) by a commenter of today, with the pipeline off and on (the
// default lists and 5,000 words of the site's own per list, the links
// rule, the local scorer): what the pipeline adds to a write.
//
//	go test ./internal/service -run '^$' -bench PostPipeline -benchmem
func BenchmarkPostPipeline(b *testing.B) {
	store, err := sqlite.Open(b.Context(), filepath.Join(b.TempDir(), "parley.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	svc := service.New(store, markup.New(), realtime.NewBus(), quietLog())
	benchSites(b, svc)
	body := "Leider: Das Thema *Verkehr* ist eine schwierige Frage, und ich sehe das anders. Mehr dazu unter https://example.org/a. " +
		"Außerdem: Das Thema Miete ist eine wichtige Frage, und ich würde mir mehr Details wünschen."
	for _, site := range []string{"off", "on"} {
		u := &parley.User{ID: parley.NewID(time.Now()), SiteID: site, Name: "Lena", CreatedAt: time.Now()}
		if err := store.CreateUser(b.Context(), u); err != nil {
			b.Fatal(err)
		}
		ctx := parley.WithActor(b.Context(), &parley.Actor{User: u, SiteID: site, Role: parley.RoleCommenter, Method: parley.MethodToken})
		b.Run(site, func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				i++
				in := service.NewComment{SiteID: site, StoryID: "s", Body: fmt.Sprintf("%s %d", body, i), Story: service.StoryInfo{Lang: "de"}}
				if p, err := svc.Post(ctx, in); err != nil || p.Comment.Status != parley.StatusApproved {
					b.Fatalf("post = %+v, %v", p, err)
				}
			}
		})
	}
}

// benchSites makes the sites "off" (no pipeline) and "on" (all of it).
func benchSites(b *testing.B, svc *service.Service) {
	b.Helper()
	ctx := b.Context()
	off := &parley.Site{ID: "off", AllowAnonymous: true, RateLimit: parley.RateLimit{Off: true}, Moderation: parley.Moderation{NoDefaultWords: true}}
	on := &parley.Site{ID: "on", AllowAnonymous: true, RateLimit: parley.RateLimit{Off: true}, Moderation: parley.Moderation{
		Premoderation: parley.PremoderateLinks, LinkAllowlist: []string{"example.org"},
		Scorers: json.RawMessage(`[{"name":"local","enabled":true,"threshold":0.8}]`)}}
	for _, s := range []*parley.Site{off, on} {
		if err := svc.CreateSite(ctx, s); err != nil {
			b.Fatal(err)
		}
	}
	mod := parley.WithActor(ctx, &parley.Actor{User: &parley.User{ID: "m", SiteID: "on"}, SiteID: "on", Role: parley.RoleModerator})
	for _, list := range []string{parley.WordsBanned, parley.WordsSuspect} {
		words := make([]string, 5000)
		for i := range words {
			words[i] = fmt.Sprintf("zq%sword%d", list[:2], i)
		}
		for part := range slices.Chunk(words, parley.MaxWordsChange) {
			if _, err := svc.AddWords(mod, "on", list, "de", part); err != nil {
				b.Fatal(err)
			}
		}
	}
}

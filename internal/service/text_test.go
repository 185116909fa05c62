package service_test

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"parley"
	"parley/internal/markup"
	"parley/internal/realtime"
	"parley/internal/service"
	"parley/internal/store/sqlite"
)

func newService(t *testing.T) *service.Service {
	t.Helper()
	store, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "p.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	svc := service.New(store, markup.New(), realtime.NewBus(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err := svc.CreateSite(context.Background(), &parley.Site{ID: "s", AllowAnonymous: true}); err != nil {
		t.Fatal(err)
	}
	return svc
}

// invisibleTexts holds, per class, text that shows nothing at all.
var invisibleTexts = map[string]string{
	"zero width space":        "\u200b\u200b",
	"zero width joiner":       "\u200d",
	"zero width non-joiner":   "\u200c",
	"byte order mark":         "\ufeff",
	"word joiner":             "\u2060",
	"invisible operators":     "\u2061\u2062\u2063\u2064",
	"soft hyphen":             "\u00ad",
	"Hangul filler":           "\u3164",
	"halfwidth Hangul filler": "\uffa0",
	"Hangul jamo fillers":     "\u115f\u1160",
	"Braille blank":           "\u2800\u2800",
	"tag characters":          "\U000E0001\U000E0041\U000E007F",
	"variation selectors":     "\ufe0f\ufe0e\U000E0100",
	"Mongolian selectors":     "\u180b\u180e",
	"combining marks":         "\u0301\u0308\u20dd",
	"combining grapheme join": "\u034f",
	"Arabic letter mark":      "\u061c",
	"left-to-right mark":      "\u200e\u200f",
	"ideographic space":       "\u3000 \t",
	"mixed":                   " \u200b\ufeff\u3164\u2800\U000E0020\ufe0f\u0301 ",
}

// visibleTexts use the same characters inside visible text, where they
// do their job, and must be accepted as they are.
var visibleTexts = map[string]string{
	"ZWJ emoji sequence":      "👩\u200d💻",
	"flag tag sequence":       "🏴\U000E0067\U000E0062\U000E0073\U000E0063\U000E0074\U000E007F",
	"emoji presentation":      "❤\ufe0f",
	"Persian ZWNJ":            "می\u200cخواهم",
	"Devanagari joiner":       "क्\u200dष",
	"combining accent":        "q\u0301",
	"Arabic number sign":      "\u0600١٢",
	"text with zero width":    "Hallo\u200bWelt",
	"Hangul with a filler":    "한\u3164글",
	"Braille with blank cell": "⠓\u2800⠊",
}

// TestInvisibleTextIsRefused: bodies and names with nothing visible are
// empty; the same characters inside visible text are kept.
func TestInvisibleTextIsRefused(t *testing.T) {
	ctx := context.Background()
	svc := newService(t)
	for class, text := range invisibleTexts {
		_, err := svc.Post(ctx, service.NewComment{SiteID: "s", StoryID: "a", Body: text, AuthorName: "Ida"})
		if parley.ErrorKey(err) != "empty" {
			t.Errorf("body of %s: %v, want the key empty", class, err)
		}
		_, err = svc.Post(ctx, service.NewComment{SiteID: "s", StoryID: "a", Body: "sichtbar", AuthorName: text})
		if parley.ErrorKey(err) != "nameRequired" {
			t.Errorf("name of %s: %v, want the key nameRequired", class, err)
		}
	}
	for class, text := range visibleTexts {
		p, err := svc.Post(ctx, service.NewComment{SiteID: "s", StoryID: "a", Body: text, AuthorName: text})
		if err != nil {
			t.Errorf("%s: %v", class, err)
			continue
		}
		if !strings.Contains(p.Comment.HTML, text) || p.Comment.AuthorName != text {
			t.Errorf("%s: stored as %q by %q, want it kept", class, p.Comment.HTML, p.Comment.AuthorName)
		}
	}
}

// TestBodyRenderingToNothingIsEmpty: Markdown that renders to no visible
// text is refused as empty, on posting and on editing.
func TestBodyRenderingToNothingIsEmpty(t *testing.T) {
	ctx := context.Background()
	svc := newService(t)
	for _, body := range []string{"---", "***", "- - -", "[](https://a.example/)", "[\u200b](https://a.example/)", "[a]: https://a.example/", "&#8203;", "&zwnj;&nbsp;", "`\u200b`"} {
		if _, err := svc.Post(ctx, service.NewComment{SiteID: "s", StoryID: "a", Body: body, AuthorName: "Ida"}); parley.ErrorKey(err) != "empty" {
			t.Errorf("body %q: %v, want the key empty", body, err)
		}
	}
	p, err := svc.Post(ctx, service.NewComment{SiteID: "s", StoryID: "a", Body: "erst sichtbar", AuthorName: "Ida"})
	if err != nil {
		t.Fatal(err)
	}
	ctx = parley.WithActor(ctx, &parley.Actor{User: &parley.User{ID: p.Comment.AuthorID, SiteID: "s"}, SiteID: "s", Role: parley.RoleCommenter, Method: parley.MethodToken})
	if _, err := svc.Edit(ctx, p.Comment.ID, "---"); parley.ErrorKey(err) != "empty" {
		t.Errorf("edit to ---: %v, want the key empty", err)
	}
}

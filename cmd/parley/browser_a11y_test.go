package main

// Browser tests of what a person checks by eye and ear: accessibility with
// axe-core, and screenshots for review.

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// TestBrowserAccessibility runs axe-core's WCAG 2.1 A/AA rules on the demo
// page: empty, with 50 comments, and in dark mode.
func TestBrowserAccessibility(t *testing.T) {
	axe := axeSource(t)
	app := startTestApp(t)
	b := newTab(t, "axe")

	b.open(app.URL + "/")
	b.waitFor("the empty state", "blockText().includes("+jsString(german.T("empty"))+")")
	b.checkAxe("empty", axe)

	seedComments(t, app, 50)
	b.open(app.URL + "/")
	b.waitFor("the comments", "all('article').length >= 20")
	b.checkAxe("50 comments", axe)

	b.setColorScheme("dark")
	b.open(app.URL + "/")
	b.waitFor("the comments", "all('article').length >= 20")
	b.checkAxe("dark mode", axe)
}

// seedComments posts n comments through the API, every fifth a reply to
// the one before it.
func seedComments(t *testing.T, app *testApp, n int) {
	t.Helper()
	last := ""
	for i := range n {
		parent := ""
		if i%5 == 4 {
			parent = last
		}
		body := fmt.Sprintf("Kommentar %d: Der Rufbus *lohnt* sich, [mehr dazu](https://example.org/%d).", i, i)
		last = app.apiPost(t, "demo-article", parent, fmt.Sprintf("Leserin %d", i), body)
	}
}

// axeSource reads axe.min.js from $PARLEY_AXE_JS, node_modules or
// .cache/node_modules (where .ci/run installs it).
func axeSource(t *testing.T) string {
	t.Helper()
	paths := []string{
		os.Getenv("PARLEY_AXE_JS"),
		filepath.Join("..", "..", "node_modules", "axe-core", "axe.min.js"),
		filepath.Join("..", "..", ".cache", "node_modules", "axe-core", "axe.min.js"),
	}
	for _, p := range paths {
		if p == "" {
			continue
		}
		if src, err := os.ReadFile(p); err == nil {
			return string(src)
		}
	}
	skipOrFailCI(t, "no axe-core: set PARLEY_AXE_JS or run `npm install --no-save --prefix .cache axe-core@4` (looked in %q)", paths)
	return ""
}

// axeViolation is one failed axe rule.
type axeViolation struct {
	ID, Impact, Help string
	Targets          []string
}

// checkAxe injects axe and fails for every WCAG 2.1 A/AA violation.
func (b *tab) checkAxe(what, axe string) {
	b.t.Helper()
	if _, err := chromedp.Run(b.ctx, chromedp.Evaluate[chromedp.Void](axe)); err != nil {
		b.t.Fatalf("inject axe: %v", err)
	}
	vs := evalJS[[]axeViolation](b, `axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})
		.then((r) => r.violations.map((v) => ({ID: v.id, Impact: v.impact, Help: v.help,
			Targets: v.nodes.map((n) => JSON.stringify(n.target) + ' ' + n.failureSummary.replace(/\s+/g, ' '))})))`)
	for _, v := range vs {
		b.t.Errorf("axe (%s): %s [%s] %s\n\t%s", what, v.ID, v.Impact, v.Help, strings.Join(v.Targets, "\n\t"))
	}
}

// setColorScheme emulates prefers-color-scheme.
func (b *tab) setColorScheme(scheme string) {
	b.t.Helper()
	b.do("prefers-color-scheme: "+scheme, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}},
		})
		return err
	}))
}

// TestBrowserScreenshots saves full-page PNGs for people to look at and
// checks that 320 px wide needs no sideways scrolling.
func TestBrowserScreenshots(t *testing.T) {
	app := startTestApp(t)
	seedComments(t, app, 6)
	app.apiPost(t, "shots", "", "Sam", "A comment on the English page, with a [link](https://example.org/).")
	dir, err := filepath.Abs(filepath.Join("..", "..", "screenshots"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	b := newTab(t, "screenshots")
	b.shoot(dir, "demo-de.png", app.URL+"/")
	b.shoot(dir, "page-en.png", app.URL+"/en?story=shots")
	b.setColorScheme("dark")
	b.shoot(dir, "demo-dark.png", app.URL+"/")
	b.setColorScheme("light")
	b.do("320 px viewport", chromedp.EmulateViewport(320, 640))
	b.shoot(dir, "demo-320.png", app.URL+"/")
	if w := evalJS[int](b, "document.documentElement.scrollWidth"); w > 320 {
		t.Errorf("at 320 px the page is %d px wide: it scrolls sideways", w)
	}
	t.Logf("screenshots in %s", dir)
}

// shoot opens url, waits for the comments and saves a full-page PNG.
func (b *tab) shoot(dir, name, url string) {
	b.t.Helper()
	b.open(url)
	b.waitFor("the comments", "all('article').length > 0")
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

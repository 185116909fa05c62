package main

// Browser tests of the discussion block: Debian's Chromium, driven by
// chromedp, against the whole app served in-process. Helpers are in
// browser_helpers_test.go. Without Chromium they skip loudly (fail under
// CI=true).

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"parley/internal/i18n"
)

var german = i18n.For("de")

// Expressions for the demo page's top composer.
var (
	topForm  = "form(" + jsString(german.T("composer.cta")) + ")"
	topName  = "field(" + jsString(german.T("composer.name")) + ", " + topForm + ")"
	topBody  = "field(" + jsString(german.T("composer.body")) + ", " + topForm + ")"
	topSend  = "button(" + jsString(german.T("composer.submit")) + ", " + topForm + ")"
	deEdited = german.T("comment.edited")
)

// commentJS finds the article of the comment whose text contains s.
func commentJS(s string) string { return "comment(" + jsString(s) + ")" }

// buttonIn finds the button labelled with the German message key in scope.
func buttonIn(key, scope string) string {
	return "button(" + jsString(german.T(key)) + ", " + scope + ")"
}

// postFromComposer writes a top-level comment with the demo page's composer.
func (b *tab) postFromComposer(name, body string) {
	b.t.Helper()
	if name != "" {
		b.fill("the name field", topName, name)
	}
	b.fill("the comment field", topBody, body)
	b.click("the submit button", topSend)
	b.waitFor("the new comment "+jsString(body), commentJS(body))
}

// TestBrowserReaderFlow posts, replies, reacts, edits and deletes on the
// demo page, then reloads and compares the page with the API.
func TestBrowserReaderFlow(t *testing.T) {
	app := startTestApp(t)
	other := "Mia findet den Rufbus zu teuer"
	app.apiPost(t, "demo-article", "", "Mia", other)
	b := newTab(t, "reader")
	b.open(app.URL + "/")
	parent, reply := "Endlich ein Rufbus nach Mitternacht", "Antwort aus dem Browser"
	b.postFromComposer("Lena", parent)

	b.click("the reply button", buttonIn("comment.reply", commentJS(parent)))
	replyForm := commentJS(parent) + ".querySelector('form')"
	b.fill("the reply field", "field("+jsString(german.T("composer.body"))+", "+replyForm+")", reply)
	b.click("the reply's submit button", buttonIn("composer.submit", replyForm))
	b.waitFor("the reply nested under its parent", commentJS(reply)+" && "+commentJS(reply)+
		".closest('li').parentElement.closest('li') === "+commentJS(parent)+".closest('li')")

	b.expect("an edit button on the reply just posted", buttonIn("comment.edit", commentJS(reply)))

	b.reactAndUnreact(app, other)
	edited := "Endlich ein Rufbus, im Browser bearbeitet"
	b.editComment(parent, edited)

	b.click("the reply's delete button", buttonIn("comment.delete", commentJS(reply)))
	b.waitFor("the reply gone", "!"+commentJS(reply)+" && "+commentJS(edited))
	if d := b.openedDialogs(); len(d) != 1 {
		t.Errorf("dialogs %q, want one confirm before deleting", d)
	}
	if evalJS[bool](b, "!!button("+jsString(german.N("live.new", 1))+")") {
		t.Errorf("the reader's own comment is announced as new (%q)%s", german.N("live.new", 1), b.diagnose())
	}
	checkAgainstAPI(t, app, b, edited)

	b.open(app.URL + "/")
	b.waitFor("after reload: the edited comment and no reply", "!"+commentJS(reply)+" && "+commentJS(edited)+
		".textContent.includes("+jsString(deEdited)+")")
	checkAgainstAPI(t, app, b, edited)
}

// reactAndUnreact gives someone else's comment Respekt and takes it back,
// checking the button and the API.
func (b *tab) reactAndUnreact(app *testApp, text string) {
	b.t.Helper()
	respect := buttonIn("comment.respect", commentJS(text))
	for _, want := range []int{1, 0} {
		b.click("Respekt", respect)
		b.waitFor(fmt.Sprintf("Respekt count %d, pressed %v", want, want == 1),
			fmt.Sprintf("%s.getAttribute('aria-pressed') == '%v' && named(%s).endsWith('%d')", respect, want == 1, respect, want))
		for _, c := range app.apiGetThread(b.t, "demo-article").Comments {
			if strings.Contains(c.HTML, text) && c.Reactions != want {
				b.t.Errorf("the API says %d reactions, want %d", c.Reactions, want)
			}
		}
	}
}

// editComment replaces the text of one's own comment through its edit form.
func (b *tab) editComment(text, edited string) {
	b.t.Helper()
	b.click("the edit button", buttonIn("comment.edit", commentJS(text)))
	editForm := commentJS(text) + ".querySelector('form')"
	b.click("the edit field", "field("+jsString(german.T("composer.body"))+", "+editForm+")")
	b.do("select all", chromedp.KeyEvent("a", chromedp.KeyModifiers(chromedp.ModifierCtrl)))
	b.typeText(edited)
	b.click("the save button", buttonIn("comment.save", editForm))
	b.waitFor("the edited comment, marked edited", commentJS(edited)+" && "+commentJS(edited)+".textContent.includes("+jsString(deEdited)+")")
}

// checkAgainstAPI compares the page with the thread JSON after the reader
// flow: Mia's comment and the reader's edited one, without replies.
func checkAgainstAPI(t *testing.T, app *testApp, b *tab, edited string) {
	t.Helper()
	th := app.apiGetThread(t, "demo-article")
	if len(th.Comments) != 2 || !strings.Contains(th.Comments[1].HTML, edited) || th.Comments[1].EditedAt == "" ||
		len(th.Comments[1].Replies) != 0 || th.Story.CommentCount != 2 {
		t.Errorf("API thread: want Mia's comment and the edited one without replies, 2 in all; got %d, %+v", th.Story.CommentCount, th.Comments)
	}
	count := german.N("comments.count", th.Story.CommentCount)
	if !evalJS[bool](b, "blockText().includes("+jsString(count)+")") {
		t.Errorf("the page does not show the API's count %q%s", count, b.diagnose())
	}
	if n := evalJS[int](b, "all('article').length"); n != len(th.Comments) {
		t.Errorf("the page shows %d comments, the API %d%s", n, len(th.Comments), b.diagnose())
	}
}

// TestBrowserLive follows a comment from one browser to another, then
// drops the second browser's stream while it is offline and checks that
// it catches up when it comes back.
func TestBrowserLive(t *testing.T) {
	app := startTestApp(t)
	w, r := newTab(t, "writer"), newTab(t, "follower")
	w.open(app.URL + "/")
	r.open(app.URL + "/")
	app.waitStreams(t, "follower", "demo-article", 1)

	first := "Live aus dem ersten Browser"
	w.postFromComposer("Jonas", first)
	newOne := "button(" + jsString(german.N("live.new", 1)) + ")"
	r.waitFor("the '1 neuer Kommentar' button", newOne)
	if evalJS[bool](r, "!!"+commentJS(first)) {
		t.Errorf("the new comment was inserted before the reader asked for it%s", r.diagnose())
	}
	r.click("the '1 neuer Kommentar' button", newOne)
	r.waitFor("the live comment after the click", commentJS(first))

	r.setOffline(true)
	app.log.dropStreams("follower")
	app.waitStreams(t, "follower", "demo-article", 0)
	second := "Geschrieben, während der Leser offline war"
	app.apiPost(t, "demo-article", "", "Mia", second)
	mark := app.log.mark()
	r.setOffline(false)
	r.waitFor("the missed comment behind the button", newOne)
	r.click("the '1 neuer Kommentar' button", newOne)
	r.waitFor("the comment posted while offline", commentJS(second))
	checkResumed(t, app.log.since(mark, "follower"))
}

// checkResumed wants the follower's reconnection to say where it left off.
func checkResumed(t *testing.T, reqs []seenRequest) {
	t.Helper()
	for _, q := range reqs {
		if strings.HasSuffix(q.Path, "/events") && (q.LastEventID != "" || !strings.Contains(q.Query, "after=0")) {
			return
		}
	}
	t.Errorf("the follower did not resume its stream with Last-Event-ID (or after>0); its requests: %v", reqs)
}

// TestBrowserLanguages checks that the block speaks the page's language and
// no English on a Spanish and on the German page.
func TestBrowserLanguages(t *testing.T) {
	app := startTestApp(t)
	app.apiPost(t, "es-thread", "", "Lucía", "Me parece una buena idea.")
	app.apiPost(t, "demo-article", "", "Lena", "Eine gute Idee.")
	b := newTab(t, "languages")
	es := i18n.For("es")

	b.open(app.URL + "/es")
	for _, key := range []string{"discussion.heading", "composer.cta", "empty"} {
		b.waitFor(fmt.Sprintf("%q (%s)", es.T(key), key), "blockText().includes("+jsString(es.T(key))+")")
	}
	checkNoEnglish(t, b, "es")
	b.open(app.URL + "/es?story=es-thread")
	b.waitFor("the Spanish comment", commentJS("Me parece"))
	checkNoEnglish(t, b, "es")
	b.open(app.URL + "/")
	b.waitFor("the German comment", commentJS("Eine gute Idee"))
	checkNoEnglish(t, b, "de")
}

// blockStrings is everything a reader sees or hears of the block.
const blockStrings = `[blockText(), ...[...root.querySelectorAll('*')].flatMap((e) =>
	['aria-label', 'placeholder', 'title', 'alt'].map((a) => e.getAttribute(a) || ''))].filter(Boolean).join('\n')`

// checkNoEnglish fails for every English message the widget ships that
// shows up in the block, unless lang's message is the same.
func checkNoEnglish(t *testing.T, b *tab, lang string) {
	t.Helper()
	text := evalJS[string](b, blockStrings)
	en, local := i18n.Messages("en"), i18n.Messages(lang)
	for _, key := range widgetKeys(t) {
		if en[key] == local[key] {
			continue
		}
		for _, frag := range regexp.MustCompile(`%[ds]`).Split(en[key], -1) {
			frag = strings.TrimSpace(frag)
			if len(frag) < 3 {
				continue
			}
			if regexp.MustCompile(`(?i)(^|\P{L})` + regexp.QuoteMeta(frag) + `($|\P{L})`).MatchString(text) {
				t.Errorf("%s page: English %q (%s) in the block:\n%s", lang, frag, key, text)
			}
		}
	}
}

// widgetKeys reads the catalog keys the widget ships from its generated
// catalogs: embed.js's and embed-account.js's.
func widgetKeys(t *testing.T) []string {
	t.Helper()
	var keys []string
	for _, path := range []string{"catalog.gen.ts", filepath.Join("account", "catalog.gen.ts"), filepath.Join("inbox", "catalog.gen.ts")} {
		src, err := os.ReadFile(filepath.Join("..", "..", "widget", "src", path))
		if err != nil {
			t.Fatalf("the widget's key list: %v", err)
		}
		list, _, ok := strings.Cut(string(src), "];")
		_, list, ok2 := strings.Cut(list, "KEYS = [")
		if !ok || !ok2 {
			t.Fatalf("%s has no KEYS = [...] list", path)
		}
		for _, m := range regexp.MustCompile(`"([^"]+)"`).FindAllStringSubmatch(list, -1) {
			keys = append(keys, m[1])
		}
	}
	return keys
}

// TestBrowserKeyboard posts a comment and a reply on the demo page with
// the keyboard alone.
func TestBrowserKeyboard(t *testing.T) {
	app := startTestApp(t)
	b := newTab(t, "keyboard")
	b.open(app.URL + "/")
	body, reply := "Mit der Tastatur geschrieben", "Auch die Antwort per Tastatur"

	b.tabTo("the name field", "focused() === "+topName)
	b.typeText("Tasto")
	b.tabTo("the comment field", "focused() === "+topBody)
	b.typeText(body)
	b.tabTo("the submit button", "focused() === "+topSend)
	b.typeText(kb.Enter)
	b.waitFor("the new comment", commentJS(body))

	b.tabTo("the new comment's reply button", "focused() === "+buttonIn("comment.reply", commentJS(body)))
	b.typeText(kb.Enter)
	replyForm := commentJS(body) + ".querySelector('form')"
	b.tabTo("the reply field", "focused() === field("+jsString(german.T("composer.body"))+", "+replyForm+")")
	b.typeText(reply)
	b.tabTo("the reply's submit button", "focused() === "+buttonIn("composer.submit", replyForm))
	b.typeText(kb.Enter)
	b.waitFor("the reply under the comment", commentJS(reply)+" && "+commentJS(body)+".closest('li').contains("+commentJS(reply)+")")
}

// tabTo presses Tab until pred holds, at most 40 times.
func (b *tab) tabTo(what, pred string) {
	b.t.Helper()
	for range 40 {
		if evalJS[bool](b, "!!("+pred+")") {
			return
		}
		b.typeText(kb.Tab)
	}
	where := evalJS[string](b, "(() => { const e = focused(); return e ? e.outerHTML.slice(0, 200) : 'nothing'; })()")
	b.t.Fatalf("40 Tabs did not reach %s; focus is on %s%s", what, where, b.diagnose())
}

// TestBrowserXSS posts script in bodies and a name through the API, then
// loads the page and presses everything in the comments.
func TestBrowserXSS(t *testing.T) {
	app := startTestApp(t)
	bodies := []string{
		`<img src=x onerror="window.__pwned=1">`,
		`<script>window.__pwned=1</script>`,
		`[x](javascript:window.__pwned=1)`,
		`<svg onload="window.__pwned=1"></svg>`,
		`<a href="javascript:window.__pwned=1">link</a> <iframe src="javascript:window.__pwned=1"></iframe>`,
	}
	for i, body := range bodies {
		app.apiPost(t, "demo-article", "", fmt.Sprintf("Mallory %d", i), body+" marker")
	}
	name := `"><img src=x onerror=window.__pwned=1>`
	app.apiPost(t, "demo-article", "", name, "name marker")

	b := newTab(t, "xss")
	b.open(app.URL + "/")
	b.waitFor("all six comments", "all('article').filter((a) => a.textContent.includes('marker')).length == 6")
	if !evalJS[bool](b, "blockText().includes("+jsString(name)+")") {
		t.Errorf("the name %q is not shown as text%s", name, b.diagnose())
	}
	b.pressEverything()
	b.waitFor("the page to settle", "document.readyState == 'complete'")
	if pwned := evalJS[bool](b, "window.__pwned !== undefined"); pwned {
		t.Error("window.__pwned is set: a comment ran script")
	}
	if bad := evalJS[[]string](b, handlersJS); len(bad) > 0 {
		t.Errorf("elements with event handlers or script URLs on the page: %q", bad)
	}
	if d := b.openedDialogs(); len(d) > 0 {
		t.Errorf("JavaScript dialogs opened: %q", d)
	}
}

// handlersJS lists elements in the document and the block that carry an
// on* attribute or a javascript: URL.
const handlersJS = `[...document.querySelectorAll('*'), ...(root ? root.querySelectorAll('*') : [])]
	.filter((e) => [...e.attributes].some((a) => /^on/i.test(a.name) || /^\s*javascript:/i.test(a.value)))
	.map((e) => e.outerHTML.slice(0, 120))`

// clickablesJS finds the buttons and links of the comments, outside the
// forms they open, as [article, index] pairs; links off the page are left
// out, since following them leaves the test.
const clickablesJS = `all('article').flatMap((a, i) => all('button, a[href]', a).filter((e) => !e.closest('form'))
	.map((e, k) => [i, k, e.href && /^https?:/.test(e.href) && new URL(e.href).origin != location.origin]))
	.filter((p) => !p[2]).map((p) => [p[0], p[1]])`

// pressEverything clicks every button and link in the comments except
// Delete, each with the mouse.
func (b *tab) pressEverything() {
	b.t.Helper()
	for _, p := range evalJS[[][2]int](b, clickablesJS) {
		el := fmt.Sprintf("all('button, a[href]', all('article')[%d]).filter((e) => !e.closest('form'))[%d]", p[0], p[1])
		if evalJS[bool](b, "named("+el+").startsWith("+jsString(german.T("comment.delete"))+")") {
			continue
		}
		b.click(fmt.Sprintf("control %d of comment %d", p[1], p[0]), el)
	}
}

// TestBrowserRequestBudget counts what the block asks the server for.
func TestBrowserRequestBudget(t *testing.T) {
	app := startTestApp(t)
	for _, story := range []string{"demo-article", "budget"} {
		app.apiPost(t, story, "", "Lena", "Ein Kommentar für "+story)
	}
	b := newTab(t, "budget")
	b.do("disable the cache", chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, network.SetCacheDisabled, network.SetCacheDisabledParams{CacheDisabled: true})
		return err
	}))

	mark := app.log.mark()
	b.open(app.URL + "/")
	b.waitFor("the comment", commentJS("Ein Kommentar"))
	app.waitStreams(t, "budget", "demo-article", 1)
	reqs := app.log.since(mark, "budget")
	for _, q := range reqs {
		switch {
		case q.Path == "/", q.Path == "/embed.js", q.Path == "/embed/parley.css", q.Path == "/favicon.ico", strings.HasSuffix(q.Path, "/events"),
			q.Path == "/api/v1/sites/demo/auth": // the sign-in methods, public and cached for a minute
		default:
			t.Errorf("demo page with fragment: unexpected request %s (all: %v)", q, reqs)
		}
	}

	mark = app.log.mark()
	b.open(app.URL + "/en?story=budget")
	b.waitFor("the comment", commentJS("Ein Kommentar"))
	app.waitStreams(t, "budget", "budget", 1)
	checkOneThreadRequest(t, app.log.since(mark, "budget"))
}

// checkOneThreadRequest wants embed.js, then exactly one thread request.
func checkOneThreadRequest(t *testing.T, reqs []seenRequest) {
	t.Helper()
	script, threads := -1, 0
	for i, q := range reqs {
		if q.Path == "/embed.js" && script < 0 {
			script = i
		}
		if q.Method == "GET" && strings.HasSuffix(q.Path, "/comments") {
			threads++
			if script < 0 {
				t.Errorf("thread request %s before embed.js", q)
			}
		}
	}
	if script < 0 || threads != 1 {
		t.Errorf("page without fragment: embed.js requested: %v, thread requests %d, want 1; all: %v", script >= 0, threads, reqs)
	}
}

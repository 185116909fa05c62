package embed_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// postNotice posts the notice form of comment id with the given headers.
func (w *world) postNotice(t *testing.T, id string, form url.Values, headers ...string) (int, string) {
	t.Helper()
	req, err := http.NewRequest("POST", w.srv.URL+"/embed/demo/comments/"+id+"/notice", strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ": ")
		req.Header.Set(k, v)
	}
	resp, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("notice page Cache-Control %q", cc)
	}
	if fo := resp.Header.Get("X-Frame-Options"); fo != "DENY" {
		t.Errorf("notice page X-Frame-Options %q", fo)
	}
	return resp.StatusCode, string(body)
}

// TestNoticeForm: every comment of the fragment links to its notice form,
// which works without JavaScript: labelled fields, a token bound to the
// comment, the receipt on success, and on a refusal the form again with
// the reader's text, the message announced and its field marked. A post
// from another site's page, or without the comment's token, is refused.
func TestNoticeForm(t *testing.T) {
	w := newWorld(t)
	id := w.post(t, "", "Anna", "Ein Kommentar.")
	frag := get(t, w.srv.URL+"/embed/demo/stories/demo-article?page="+url.QueryEscape("https://news.example/a"))
	link := w.srv.URL + "/embed/demo/comments/" + id + "/notice?lang=de&amp;return=https%3a%2f%2fnews.example%2fa"
	if !strings.Contains(frag, `href="`+link+`"`) {
		t.Fatalf("the fragment does not link %s:\n%s", link, frag)
	}
	page := get(t, strings.ReplaceAll(link, "&amp;", "&"))
	for _, want := range []string{`<html lang="de">`, `<label for="parley-kind">`, `<label for="parley-explanation">`, `<label for="parley-good-faith">`,
		`value="illegal_hate_speech"`, "Rechtswidrige Hassrede", `href="https://news.example/a"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the form lacks %s:\n%s", want, page)
		}
	}
	m := tokenRE.FindStringSubmatch(page)
	if m == nil {
		t.Fatal("the notice form has no token")
	}
	form := url.Values{"token": {m[1]}, "lang": {"de"}, "kind": {"illegal_hate_speech"}, "law": {"§ 130 StGB"},
		"explanation": {"Hetze <gegen> eine Gruppe."}, "name": {"Eva"}, "email": {"eva@example.org"}, "return": {"https://news.example/a"}}
	origin := "Origin: " + w.srv.URL

	status, body := w.postNotice(t, id, form, origin)
	if status != http.StatusBadRequest || !strings.Contains(body, `role="alert"`) ||
		!strings.Contains(body, `id="parley-good-faith" name="goodFaith" type="checkbox" value="on" aria-invalid="true"`) ||
		!strings.Contains(body, "Hetze &lt;gegen&gt; eine Gruppe.") || !strings.Contains(body, "in gutem Glauben") {
		t.Errorf("without good faith: %d\n%s", status, body)
	}

	form.Set("goodFaith", "on")
	for name, c := range map[string]struct {
		form    url.Values
		headers []string
	}{
		"another site's page": {form, []string{"Origin: https://evil.example"}},
		"a cross-site fetch":  {form, []string{"Sec-Fetch-Site: cross-site"}},
		"no token":            {without(form, "token"), []string{origin}},
		"the story's token":   {with(form, "token", w.formToken(t)), []string{origin}},
	} {
		if status, body := w.postNotice(t, id, c.form, c.headers...); status != http.StatusForbidden {
			t.Errorf("%s: %d\n%s", name, status, body)
		}
	}

	status, body = w.postNotice(t, id, form, origin)
	if status != http.StatusCreated || !strings.Contains(body, `role="status"`) || !strings.Contains(body, "Ihr Aktenzeichen lautet N-2026-") ||
		!strings.Contains(body, `href="https://news.example/a"`) {
		t.Errorf("a good notice: %d\n%s", status, body)
	}
	if status, _ := w.postNotice(t, "00000000000000000000000000", with(form, "token", m[1]), origin); status != http.StatusForbidden {
		t.Errorf("another comment with this comment's token: %d", status)
	}
}

func without(v url.Values, key string) url.Values {
	out := url.Values{}
	for k, vs := range v {
		if k != key {
			out[k] = vs
		}
	}
	return out
}

func with(v url.Values, key, value string) url.Values {
	out := without(v, key)
	out.Set(key, value)
	return out
}

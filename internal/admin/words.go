package admin

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"parley"
	"parley/internal/i18n"
)

// WordLists is what the word list page needs of the service: a site's
// own banned and suspect words per language, each call authorized. Adding
// and removing say how many entries changed.
type WordLists interface {
	Words(ctx context.Context, siteID, list, lang string) ([]string, error)
	AddWords(ctx context.Context, siteID, list, lang string, words []string) (changed int, err error)
	RemoveWords(ctx context.Context, siteID, list, lang string, words []string) (changed int, err error)
}

// maxWordsPosted bounds the entries of one form, as the CLI's import
// bounds a file.
const maxWordsPosted = 5000

// wordsView is the word list page.
type wordsView struct {
	layout
	Available  bool
	List, Lang string
	Lists      []string
	Languages  []string
	Words      []string
	Notice     string
}

// wordList reads the list and language a request names, defaulting to
// the banned words of the staff member's language.
func wordList(q url.Values, p *printer) (list, lang string) {
	list, lang = q.Get("list"), q.Get("lang")
	if list != "suspect" {
		list = "banned"
	}
	if i18n.For(lang).Lang() != lang {
		lang = p.Lang()
	}
	return list, lang
}

// words shows one of the site's lists.
func (a *Admin) words(w http.ResponseWriter, r *http.Request, d *desk) error {
	list, lang := wordList(r.URL.Query(), d.P)
	v := &wordsView{layout: a.deskLayout(r, d, "words", d.P.T("admin.words.title")), Available: a.lists != nil,
		List: list, Lang: lang, Lists: []string{"banned", "suspect"}, Languages: i18n.Languages()}
	if n, err := strconv.Atoi(r.URL.Query().Get("changed")); err == nil && n >= 0 {
		v.Notice = d.P.N("admin.words.changed", n)
	}
	if a.lists == nil {
		// nothing to read, but the page is still a moderator's
		if _, err := a.svc.QueueCounts(r.Context(), d.Site.ID, ""); err != nil {
			return err
		}
	} else {
		words, err := a.lists.Words(r.Context(), d.Site.ID, list, lang)
		if err != nil {
			return err
		}
		v.Words = words
	}
	a.render(w, http.StatusOK, "words", v)
	return nil
}

// changeWords adds the posted words (one a line) or removes one.
func (a *Admin) changeWords(w http.ResponseWriter, r *http.Request, d *desk) error {
	if a.lists == nil {
		return parley.Errorf(parley.ENOTFOUND, "This server has no word lists.")
	}
	list, lang := wordList(r.PostForm, d.P)
	var (
		n   int
		err error
	)
	if remove := r.PostForm.Get("remove"); remove != "" {
		n, err = a.lists.RemoveWords(r.Context(), d.Site.ID, list, lang, []string{remove})
	} else {
		entries := splitWords(r.PostForm.Get("words"))
		if len(entries) > maxWordsPosted {
			return parley.Errorf(parley.ETOOLARGE, "Add at most %d entries at once.", maxWordsPosted)
		}
		n, err = a.lists.AddWords(r.Context(), d.Site.ID, list, lang, entries)
	}
	if err != nil {
		return err
	}
	q := url.Values{"list": {list}, "lang": {lang}, "changed": {strconv.Itoa(n)}}
	r.PostForm.Set("back", deskPath(d.Site.ID, "words")+"?"+q.Encode())
	return a.done(w, r, d.Site.ID, actionResult{Message: d.P.N("admin.words.changed", n)})
}

// splitWords reads one entry a line, as `parley words import` does.
func splitWords(s string) []string {
	var out []string
	for _, line := range strings.Split(s, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			out = append(out, line)
		}
	}
	return out
}

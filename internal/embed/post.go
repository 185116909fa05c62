package embed

import (
	"errors"
	"net/http"

	"parley"
	"parley/internal/i18n"
	"parley/internal/service"
	"parley/internal/web"
)

// maxFormBody bounds a posted form, as the JSON API bounds its bodies.
const maxFormBody = 64 << 10

// post takes a comment from the plain HTML form and sends the reader back
// to the page, to the new comment.
func (b *Block) post(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	err := r.ParseForm()
	lang := formLang(r)
	if err != nil {
		b.fail(w, r, lang, formError(err))
		return
	}
	site, err := b.svc.Site(r.Context(), r.PathValue("site"))
	if err != nil {
		b.fail(w, r, lang, err)
		return
	}
	if err := b.checkForm(r, site); err != nil {
		b.fail(w, r, lang, err)
		return
	}
	in := service.NewComment{
		SiteID: site.ID, StoryID: r.PathValue("story"),
		ParentID: r.PostForm.Get("parentId"), Body: r.PostForm.Get("body"),
		AuthorName: r.PostForm.Get("name"), Story: service.StoryInfo{Lang: lang},
		Honeypot: r.PostForm.Get("website"), Form: true,
	}
	posted, err := b.svc.Post(r.Context(), in)
	if err != nil {
		b.fail(w, r, lang, err)
		return
	}
	w.Header().Set("Location", b.returnURL(r, site, r.PostForm.Get("return"))+"#comment-"+posted.Comment.ID)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusSeeOther)
}

// refuse answers a post whose credential the authenticator refused, in the
// form's language and with the reader's text kept, as fail does for any
// refusal; the body is bounded first, as in post.
func (b *Block) refuse(w http.ResponseWriter, r *http.Request, err error) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	r.ParseForm() // unreadable: formLang falls back to the browser's language
	b.fail(w, r, formLang(r), err)
}

// formLang is the reader's language: the form's, else (when the body could
// not be read) the browser's.
func formLang(r *http.Request) string {
	if lang := r.PostForm.Get("lang"); lang != "" {
		return lang
	}
	if lang := r.URL.Query().Get("lang"); lang != "" {
		return lang
	}
	return i18n.FromHeader(r.Header.Get("Accept-Language"))
}

// formError says why a form body could not be read: too large (413) or
// malformed (400), never the one for the other.
func formError(err error) error {
	if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
		return parley.Errorf(parley.ETOOLARGE, "The form is too large.")
	}
	return parley.Errorf(parley.EINVALID, "The form could not be read.").Keyed("badForm")
}

// checkForm refuses a post that did not come from the form Parley rendered
// for this story, in two independent ways, because either alone has a gap:
//
//   - Origin and Sec-Fetch-Site: a browser names the page that sent the
//     form. Only Parley's own origin and the site's allowed origins may
//     post; "null" (sent by sandboxed frames and no-referrer pages) never
//     may. A request with neither header does not come from a browser, so
//     it cannot carry a reader's cookies or be a forgery of their intent.
//   - The form token (token.go): a page that did not get the form from
//     Parley cannot produce one, whatever headers its browser sends.
func (b *Block) checkForm(r *http.Request, site *parley.Site) error {
	crossSite := parley.Errorf(parley.EFORBIDDEN, "This form was sent from a page that may not post to this discussion.").Keyed("crossSite")
	origin := r.Header.Get("Origin")
	switch fetchSite := r.Header.Get("Sec-Fetch-Site"); {
	case origin != "" && !b.allowsOrigin(site, origin):
		return crossSite
	case origin == "" && (fetchSite == "cross-site" || fetchSite == "same-site"):
		return crossSite
	}
	return b.tokens.check(r.PostForm.Get("token"), site.ID, r.PathValue("story"))
}

// errorView is what the error page template sees.
type errorView struct {
	P       *i18n.Printer
	Message string
	Detail  string
	Body    string
	Back    string
}

// fail answers with a small page in the reader's language that says what
// went wrong and keeps what they wrote, so nothing typed is lost.
func (b *Block) fail(w http.ResponseWriter, r *http.Request, lang string, err error) {
	code := parley.ErrorCode(err)
	status := web.Status(code)
	switch code {
	case parley.EINTERNAL:
		if web.ClientGone(r) {
			b.log.DebugContext(r.Context(), "embed request abandoned by the client", "path", r.URL.Path, "err", err)
			return
		}
		b.log.ErrorContext(r.Context(), "embed request failed", "path", r.URL.Path, "err", err)
	case parley.EUNAVAILABLE:
		b.log.WarnContext(r.Context(), "embed request refused: unavailable", "path", r.URL.Path, "err", err)
	}
	p := i18n.For(lang)
	v := errorView{P: p, Message: p.Error(code, parley.ErrorKey(err)), Body: r.PostFormValue("body")}
	if p.Lang() == "en" && code != parley.EINTERNAL {
		v.Detail = parley.ErrorMessage(err)
	}
	if r.Method == http.MethodPost {
		site, _ := b.svc.Site(r.Context(), r.PathValue("site")) // nil: only our own origin
		v.Back = b.returnURL(r, site, r.PostFormValue("return"))
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	web.ErrorPage(h)
	web.ErrorHeaders(h, code)
	web.LimitHeaders(h, err)
	w.WriteHeader(status)
	b.tmpl.ExecuteTemplate(w, "error", v)
}

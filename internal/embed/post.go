package embed

import (
	"net/http"
	"net/url"
	"strings"

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
	lang := r.URL.Query().Get("lang")
	if err := r.ParseForm(); err != nil {
		b.fail(w, r, lang, parley.Errorf(parley.ETOOLARGE, "The form is too large."))
		return
	}
	lang = r.PostForm.Get("lang")
	ctx := r.Context()
	if o := r.Header.Get("Origin"); o != "" && o != "null" && o != baseURL(r) {
		ctx = parley.WithOrigin(ctx, o)
	}
	in := service.NewComment{
		SiteID: r.PathValue("site"), StoryID: r.PathValue("story"),
		ParentID: r.PostForm.Get("parentId"), Body: r.PostForm.Get("body"),
		AuthorName: r.PostForm.Get("name"), Story: service.StoryInfo{Lang: lang},
	}
	posted, err := b.svc.Post(ctx, in)
	if err != nil {
		b.fail(w, r, lang, err)
		return
	}
	back := b.returnURL(r, in.SiteID, r.PostForm.Get("return"))
	http.Redirect(w, r, back+"#comment-"+posted.Comment.ID, http.StatusSeeOther)
}

// returnURL is where to send the reader after posting: the page they came
// from if it is ours or one of the site's origins, else the bare fragment.
func (b *Block) returnURL(r *http.Request, siteID, raw string) string {
	if raw == "" {
		raw = r.Referer()
	}
	u, err := url.Parse(raw)
	fallback := "/embed/" + url.PathEscape(siteID) + "/stories/" + url.PathEscape(r.PathValue("story"))
	switch {
	case err != nil || raw == "":
		return fallback
	case strings.ContainsAny(raw, "\\\x00\t\n\r"):
		return fallback // browsers read "/\\host" as "//host"
	case u.Scheme == "" && u.Host == "" && strings.HasPrefix(u.Path, "/") && !strings.HasPrefix(u.Path, "//"):
		return u.Path + queryOf(u)
	case (u.Scheme == "http" || u.Scheme == "https") && u.Host == r.Host:
		return u.String()
	case u.Scheme == "http" || u.Scheme == "https":
		if site, err := b.svc.Site(r.Context(), siteID); err == nil && site.AllowsOrigin(u.Scheme+"://"+u.Host) {
			u.Fragment = ""
			return u.String()
		}
	}
	return fallback
}

func queryOf(u *url.URL) string {
	if u.RawQuery == "" {
		return ""
	}
	return "?" + u.RawQuery
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
		v.Back = b.returnURL(r, r.PathValue("site"), r.PostFormValue("return"))
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	web.ErrorPage(h)
	web.ErrorHeaders(h, code)
	w.WriteHeader(status)
	b.tmpl.ExecuteTemplate(w, "error", v)
}

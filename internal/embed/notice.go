package embed

import (
	"bytes"
	"net/http"
	"net/url"
	"time"

	"parley"
	"parley/internal/i18n"
	"parley/internal/service"
	"parley/internal/web"
)

// The no-JavaScript notice of illegal content (Digital Services Act,
// Art. 16): each comment of the fragment links to a page of Parley's own
// with the form, which posts back to it. The form carries a token bound
// to the comment (as the post form's is bound to its story) and is
// checked for its origin like the post form, so that no other page can
// file notices in a reader's name. Refusals show the form again with the
// reader's text, the message announced and its field marked.

// Each client address may send noticeBurst notices at once and one more
// every noticeEvery, as through the JSON API.
const (
	noticeBurst = 5
	noticeEvery = time.Minute
)

// noticeForm is what a reader typed into the form.
type noticeForm struct {
	Kind, Law, Explanation, Name, Email string
	GoodFaith                           bool
}

type noticeView struct {
	P         *i18n.Printer
	Action    string // this page's own absolute URL
	Token     string
	Back      string // the article, when its URL is one the site allows
	Kinds     []string
	Form      noticeForm
	Error     string
	Field     string // the field the error is about
	Reference string // set once the notice is received
	Mailed    bool
}

// noticeFields maps a refusal's key to the form field it is about.
var noticeFields = map[string]string{
	"noticeKind": "kind", "noticeLaw": "law", "noticeExplanation": "explanation", "badText": "explanation",
	"noticeContact": "name", "noticeEmail": "email", "noticeGoodFaith": "goodFaith",
}

// noticeStory is the pseudo-story a notice form's token is bound to: no
// story ID holds a colon, so a token of one form is never good for the other.
func noticeStory(commentID string) string { return "notice:" + commentID }

// noticePage shows the form (GET) or takes it (POST).
func (b *Block) noticePage(w http.ResponseWriter, r *http.Request) {
	siteID, commentID := r.PathValue("site"), r.PathValue("id")
	v := noticeView{Kinds: parley.NoticeKinds(),
		Action: b.publicURL + "/embed/" + url.PathEscape(siteID) + "/comments/" + url.PathEscape(commentID) + "/notice",
		Token:  b.tokens.issue(siteID, noticeStory(commentID))}
	if r.Method == http.MethodGet {
		q := r.URL.Query()
		v.P = i18n.For(q.Get("lang"))
		site, _ := b.svc.Site(r.Context(), siteID)
		v.Back = b.noticeBack(r, site, q.Get("return"))
		b.renderNotice(w, r, http.StatusOK, v)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	err := r.ParseForm()
	v.P = i18n.For(formLang(r))
	f := r.PostForm
	v.Form = noticeForm{Kind: f.Get("kind"), Law: f.Get("law"), Explanation: f.Get("explanation"), Name: f.Get("name"),
		Email: f.Get("email"), GoodFaith: f.Get("goodFaith") == "on"}
	if err == nil {
		err = b.fileNotice(r, siteID, commentID, &v)
	} else {
		err = formError(err)
	}
	if err == nil {
		b.renderNotice(w, r, http.StatusCreated, v)
		return
	}
	b.noticeRefused(w, r, err, v)
}

// fileNotice checks where the form came from and files its notice.
func (b *Block) fileNotice(r *http.Request, siteID, commentID string, v *noticeView) error {
	site, err := b.svc.Site(r.Context(), siteID)
	if err != nil {
		return err
	}
	v.Back = b.noticeBack(r, site, r.PostForm.Get("return"))
	if err := b.checkNoticeForm(r, site, commentID); err != nil {
		return err
	}
	in := service.NewNotice{CommentID: commentID, Kind: v.Form.Kind, Law: v.Form.Law, Explanation: v.Form.Explanation,
		Name: v.Form.Name, Email: v.Form.Email, GoodFaith: v.Form.GoodFaith, Lang: v.P.Lang(),
		Limit: func() error {
			if err := b.noticeClients.Allow(web.ClientAddr(r, b.trusted), time.Now()); err != nil {
				return parley.TooManyRequests("noticeTooMany", "Too many notices from your address; wait a little and try again.", parley.RetryAfter(err))
			}
			return nil
		}}
	n, err := b.svc.FileNotice(r.Context(), in)
	if err != nil {
		return err
	}
	v.Reference, v.Mailed = n.Reference, n.Email != ""
	return nil
}

// noticeBack is the article to go back to: raw when a browser would open
// it on Parley's origin or one of the site's, else "" (no link). site may
// be nil.
func (b *Block) noticeBack(r *http.Request, site *parley.Site, raw string) string {
	if raw == "" {
		return ""
	}
	if u, ok := b.resolve(r, raw); ok && b.allowsOrigin(site, u.Scheme+"://"+u.Host) {
		return u.String()
	}
	return ""
}

// checkNoticeForm is checkForm for the notice form: its origin, and its
// token bound to the comment.
func (b *Block) checkNoticeForm(r *http.Request, site *parley.Site, commentID string) error {
	crossSite := parley.Errorf(parley.EFORBIDDEN, "This form was sent from a page that may not post to this discussion.").Keyed("crossSite")
	origin := r.Header.Get("Origin")
	switch fetchSite := r.Header.Get("Sec-Fetch-Site"); {
	case origin != "" && !b.allowsOrigin(site, origin):
		return crossSite
	case origin == "" && (fetchSite == "cross-site" || fetchSite == "same-site"):
		return crossSite
	}
	return b.tokens.check(r.PostForm.Get("token"), site.ID, noticeStory(commentID))
}

// noticeRefused shows the form again with the refusal; what cannot be
// helped by changing the form (a hidden comment, an outage) is logged as
// fail logs it.
func (b *Block) noticeRefused(w http.ResponseWriter, r *http.Request, err error, v noticeView) {
	code, key := parley.ErrorCode(err), parley.ErrorKey(err)
	switch code {
	case parley.EINTERNAL:
		b.log.ErrorContext(r.Context(), "notice form failed", "path", r.URL.Path, "err", err)
	case parley.EUNAVAILABLE:
		b.log.WarnContext(r.Context(), "notice form refused: unavailable", "path", r.URL.Path, "err", err)
	}
	v.Error, v.Field = v.P.Error(code, key), noticeFields[key]
	web.ErrorHeaders(w.Header(), code)
	web.LimitHeaders(w.Header(), err)
	b.renderNotice(w, r, web.Status(code), v)
}

func (b *Block) renderNotice(w http.ResponseWriter, r *http.Request, status int, v noticeView) {
	var page bytes.Buffer
	if err := b.tmpl.ExecuteTemplate(&page, "notice", v); err != nil {
		b.log.ErrorContext(r.Context(), "render notice page", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	web.ErrorPage(h) // it holds what the reader typed: never framed
	w.WriteHeader(status)
	w.Write(page.Bytes())
}

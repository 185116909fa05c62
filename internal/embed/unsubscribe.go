package embed

import (
	"bytes"
	"io"
	"net/http"
	"net/url"

	"parley"
	"parley/internal/i18n"
	"parley/internal/web"
)

// maxUnsubscribeBody bounds what a one-click POST may send: RFC 8058's
// body is "List-Unsubscribe=One-Click" and nothing else is read.
const maxUnsubscribeBody = 1 << 10

type unsubscribeView struct {
	P      *i18n.Printer
	Action string // where the button posts: this page's own URL
	List   string // the prefix of the list's strings: "unsubscribe." or "unsubscribe.decisions."
	Done   bool
	Error  string
}

// unsubscribe answers the link in a notification mail: list names the
// mail list (absent for replies, as in the first mails). GET shows a
// button and changes nothing (mail scanners follow links); POST turns that
// list's mails off, and no other's. The POST carries no form token and needs none: RFC 8058's one-click
// POST comes from the mail provider, not from a page of ours, and the
// signed token in the URL is what authorizes it. The worst a forged
// request could do is what the link's owner asked for.
func (b *Block) unsubscribe(w http.ResponseWriter, r *http.Request) {
	token, list := r.URL.Query().Get("t"), r.URL.Query().Get("list")
	post := r.Method == http.MethodPost
	if post {
		io.Copy(io.Discard, http.MaxBytesReader(w, r.Body, maxUnsubscribeBody))
	}
	lang, err := b.svc.Unsubscribe(r.Context(), token, list, post)
	if lang == "" {
		lang = i18n.FromHeader(r.Header.Get("Accept-Language"))
	}
	v := unsubscribeView{P: i18n.For(lang), Action: unsubscribeURL(b.publicURL, token, list), Done: post && err == nil,
		List: "unsubscribe."}
	if list == parley.ListDecisions {
		v.List = "unsubscribe.decisions."
	}
	status := http.StatusOK
	if err != nil {
		code := parley.ErrorCode(err)
		status = web.Status(code)
		v.Error = v.P.Error(code, parley.ErrorKey(err))
		if code == parley.EINTERNAL || code == parley.EUNAVAILABLE {
			b.log.ErrorContext(r.Context(), "unsubscribe failed", "err", err)
		}
	}
	var page bytes.Buffer
	if err := b.tmpl.ExecuteTemplate(&page, "unsubscribe", v); err != nil {
		b.log.ErrorContext(r.Context(), "render unsubscribe page", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer") // the token is in the URL
	w.WriteHeader(status)
	w.Write(page.Bytes())
}

// unsubscribeURL is the link of a mail list's one-click unsubscribe under
// publicURL: the replies list, the first, is named by leaving list out.
func unsubscribeURL(publicURL, token, list string) string {
	u := publicURL + "/unsubscribe?t=" + url.QueryEscape(token)
	if list != "" && list != parley.ListReplies {
		u += "&list=" + url.QueryEscape(list)
	}
	return u
}

package moderation

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
)

// AkismetName is the name of the Akismet scorer.
const AkismetName = "akismet"

// Akismet asks Akismet's comment-check whether a comment is spam: spam
// scores 1, and "discard" (Akismet's pro tip for blatant spam) scores 1
// with its own reason, so that a later pipeline may drop it unseen.
//
// What it sends: the site's address (blog), the comment (comment_content,
// comment_type=comment), the article (permalink) and its language
// (blog_lang). The author's name, e-mail, address and browser go only when
// the site allows it and the caller filled Input.Personal. Akismet
// documents user_ip as required: without Personal it is not sent, Akismet
// may refuse the check, and a refused check holds the comment like any
// failure. So a site that enables Akismet should let it see Personal.
type Akismet struct {
	Key     string
	Blog    string // the site's front page, as registered with Akismet
	BaseURL string // "" for https://{Key}.rest.akismet.com; tests point it elsewhere
	Client  *http.Client
}

// validAkismetKey is the shape of an Akismet API key (12 hex digits today;
// letters and digits are allowed): it becomes part of a host name, so
// nothing else may pass.
var validAkismetKey = regexp.MustCompile(`^[A-Za-z0-9]{1,64}$`)

// maxAkismetResponse bounds Akismet's answer, which is one word.
const maxAkismetResponse = 4 << 10

// Name implements Scorer.
func (a *Akismet) Name() string { return AkismetName }

// Score implements Scorer: one form POST to {BaseURL}/1.1/comment-check.
func (a *Akismet) Score(ctx context.Context, in Input) (Score, error) {
	base := a.BaseURL
	if base == "" {
		if !validAkismetKey.MatchString(a.Key) {
			return Score{}, errors.New("akismet: the key is not an Akismet key")
		}
		base = "https://" + a.Key + ".rest.akismet.com"
	}
	form := a.form(in)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimSuffix(base, "/")+"/1.1/comment-check", strings.NewReader(form.Encode()))
	if err != nil {
		return Score{}, errors.New("akismet: bad base URL")
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("User-Agent", "Parley | Akismet/1.1")
	resp, body, err := scorerPost(a.Client, req, maxAkismetResponse)
	if err != nil {
		return Score{}, fmt.Errorf("akismet: %w", err)
	}
	switch strings.TrimSpace(string(body)) {
	case "true":
		if strings.EqualFold(resp.Get("X-akismet-pro-tip"), "discard") {
			return Score{Value: 1, Reasons: []Reason{{Key: ReasonBlatant, Text: "Akismet: blatant spam (discard)"}}}, nil
		}
		return Score{Value: 1, Reasons: []Reason{{Key: ReasonSpam, Text: "Akismet: spam"}}}, nil
	case "false":
		return Score{}, nil
	}
	help := cleanReason(resp.Get("X-akismet-debug-help"))
	if resp.Get("X-akismet-debug-help") == "" {
		help = "no explanation"
	}
	return Score{}, fmt.Errorf("akismet: neither spam nor ham (%s)", help)
}

// form is the comment-check request: only what Input allows.
func (a *Akismet) form(in Input) url.Values {
	f := url.Values{
		"blog":            {a.Blog},
		"comment_type":    {"comment"},
		"comment_content": {in.Body},
		"blog_charset":    {"UTF-8"},
	}
	if in.StoryURL != "" {
		f.Set("permalink", in.StoryURL)
	}
	if in.Lang != "" {
		f.Set("blog_lang", in.Lang)
	}
	if p := in.Personal; p != nil {
		for k, v := range map[string]string{"comment_author": p.Name, "comment_author_email": p.Email, "user_ip": p.IP, "user_agent": p.UserAgent} {
			if v != "" {
				f.Set(k, v)
			}
		}
	}
	return f
}

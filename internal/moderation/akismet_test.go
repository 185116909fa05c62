package moderation

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// fakeAkismet is Akismet's comment-check: it records each form and answers
// with reply. Like Akismet, it refuses a check without user_ip.
type fakeAkismet struct {
	*httptest.Server
	mu    sync.Mutex
	forms []url.Values
}

func startAkismet(t *testing.T, reply func(w http.ResponseWriter, f url.Values)) *fakeAkismet {
	t.Helper()
	a := &fakeAkismet{}
	a.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/1.1/comment-check" || r.Header.Get("Content-Type") != "application/x-www-form-urlencoded" {
			http.Error(w, "wrong request", http.StatusNotFound)
			return
		}
		if err := r.ParseForm(); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		a.mu.Lock()
		a.forms = append(a.forms, r.PostForm)
		a.mu.Unlock()
		if r.PostForm.Get("user_ip") == "" {
			w.Header().Set("X-akismet-debug-help", "Empty \"user_ip\" value")
			w.Write([]byte("Missing required field: user_ip."))
			return
		}
		reply(w, r.PostForm)
	}))
	t.Cleanup(a.Close)
	return a
}

func (a *fakeAkismet) last() url.Values {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.forms[len(a.forms)-1]
}

var ada = &Personal{Name: "Ada", Email: "ada@example.org", IP: "192.0.2.7", UserAgent: "Mozilla/5.0"}

func TestAkismetAnswers(t *testing.T) {
	for _, tc := range []struct {
		name  string
		reply func(w http.ResponseWriter)
		value float64
		keys  []string
		err   string
	}{
		{"ham", func(w http.ResponseWriter) { w.Write([]byte("false")) }, 0, nil, ""},
		{"spam", func(w http.ResponseWriter) { w.Write([]byte("true")) }, 1, []string{ReasonSpam}, ""},
		{"discard", func(w http.ResponseWriter) {
			w.Header().Set("X-akismet-pro-tip", "discard")
			w.Write([]byte("true"))
		}, 1, []string{ReasonBlatant}, ""},
		{"invalid key", func(w http.ResponseWriter) {
			w.Header().Set("X-akismet-debug-help", "We were unable to verify your API key.")
			w.Write([]byte("invalid"))
		}, 0, nil, "neither spam nor ham (We were unable to verify your API key.)"},
		{"500", func(w http.ResponseWriter) { http.Error(w, "oops", 500) }, 0, nil, "answered 500"},
		{"empty", func(w http.ResponseWriter) {}, 0, nil, "neither spam nor ham (no explanation)"},
		{"huge", func(w http.ResponseWriter) { w.Write([]byte(strings.Repeat("true", 2<<10))) }, 0, nil, "more than 4096 bytes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := startAkismet(t, func(w http.ResponseWriter, f url.Values) { tc.reply(w) })
			a := &Akismet{Key: "abc123", Blog: "https://zeitung.example", BaseURL: srv.URL, Client: srv.Client()}
			s, err := a.Score(t.Context(), Input{Body: "Nice", Personal: ada})
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("score %+v, error %v; want %q", s, err, tc.err)
				}
				if strings.Contains(err.Error(), "abc123") {
					t.Errorf("the error shows the key: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var keys []string
			for _, r := range s.Reasons {
				keys = append(keys, r.Key)
			}
			if s.Value != tc.value || !cmp.Equal(keys, tc.keys) {
				t.Errorf("score %+v, want %v with %v", s, tc.value, tc.keys)
			}
		})
	}
}

// TestAkismetForm: what goes to Akismet, with and without the author's
// details, through Run as a site would configure it.
func TestAkismetForm(t *testing.T) {
	srv := startAkismet(t, func(w http.ResponseWriter, f url.Values) { w.Write([]byte("false")) })
	a := &Akismet{Key: "abc123", Blog: "https://zeitung.example", BaseURL: srv.URL + "/", Client: srv.Client()}
	in := Input{Body: "Schöner Artikel!", Lang: "de", StoryURL: "https://zeitung.example/a/1", AddressHash: "h", Personal: ada}

	v := Run(t.Context(), []Configured{{Scorer: a, Threshold: 0.5, Personal: true}}, in)
	if v.Hold {
		t.Fatalf("verdict %+v, want not held", v)
	}
	want := url.Values{"blog": {"https://zeitung.example"}, "comment_type": {"comment"}, "comment_content": {"Schöner Artikel!"},
		"blog_charset": {"UTF-8"}, "blog_lang": {"de"}, "permalink": {"https://zeitung.example/a/1"},
		"comment_author": {"Ada"}, "comment_author_email": {"ada@example.org"}, "user_ip": {"192.0.2.7"}, "user_agent": {"Mozilla/5.0"}}
	if diff := cmp.Diff(want, srv.last()); diff != "" {
		t.Errorf("form with Personal (-want +got):\n%s", diff)
	}

	// Without permission, nothing personal leaves, and Akismet's refusal
	// holds the comment.
	v = Run(t.Context(), []Configured{{Scorer: a, Threshold: 0.5}}, in)
	if !v.Hold || !v.Failed || !strings.Contains(v.Results[0].Err.Error(), `Empty "user_ip" value`) {
		t.Fatalf("verdict %+v, want held as unavailable", v)
	}
	for _, k := range []string{"comment_author", "comment_author_email", "user_ip", "user_agent"} {
		if srv.last().Has(k) {
			t.Errorf("without Personal, %s = %q was sent", k, srv.last().Get(k))
		}
	}
}

// TestAkismetSlow: Akismet slower than the timeout holds the comment.
func TestAkismetSlow(t *testing.T) {
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body) // then the server notices when the client hangs up
		<-r.Context().Done()
	}))
	t.Cleanup(slow.Close)
	a := &Akismet{Key: "abc123", Blog: "https://zeitung.example", BaseURL: slow.URL, Client: slow.Client()}
	v := Run(t.Context(), []Configured{{Scorer: a, Threshold: 0.5, Timeout: 50 * time.Millisecond, Personal: true}}, Input{Body: "x", Personal: ada})
	if !v.Hold || v.Reasons[0].Text != "scorer akismet unavailable" {
		t.Fatalf("verdict %+v, want held", v)
	}
}

// TestAkismetKeyInHost: the key becomes part of a host name, so only an
// Akismet-shaped key is used; anything else fails before any request.
func TestAkismetKeyInHost(t *testing.T) {
	for _, key := range []string{"", "evil.example/x?", "abc@evil.example", "a b", "ab.cd"} {
		a := &Akismet{Key: key, Blog: "https://zeitung.example", Client: &http.Client{Transport: failTransport{t}}}
		if _, err := a.Score(t.Context(), Input{Body: "x"}); err == nil || !strings.Contains(err.Error(), "not an Akismet key") {
			t.Errorf("key %q: error %v", key, err)
		}
	}
}

// failTransport fails the test on any request.
type failTransport struct{ t *testing.T }

func (f failTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	f.t.Errorf("unexpected request to %s", r.URL.Host)
	return nil, http.ErrHandlerTimeout
}

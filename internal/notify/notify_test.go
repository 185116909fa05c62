package notify_test

import (
	"context"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"parley"
	"parley/internal/auth"
	"parley/internal/embed"
	"parley/internal/markup"
	"parley/internal/notify"
	"parley/internal/outbox"
	"parley/internal/outbox/smtptest"
	"parley/internal/realtime"
	"parley/internal/service"
	"parley/internal/store/postgres"
	"parley/internal/store/postgres/pgtest"
	"parley/internal/store/sqlite"
)

type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// world is Parley's mail path end to end: the service posting replies,
// the notifier and the real relay on one store, a real SMTP server, and
// the unsubscribe page behind a real HTTP server whose URL is the public
// URL (http, so the relay is told PlainHTTP as serve tells it).
type world struct {
	t        *testing.T
	store    parley.Store
	svc      *service.Service
	clk      *clock
	notifier *notify.Notifier
	relay    *outbox.Relay
	smtp     *smtptest.Server
	public   string
	users    map[string]*parley.User
	ids      map[string]string
}

func newWorld(t *testing.T, store parley.Store) *world {
	w := &world{t: t, store: store, clk: &clock{now: time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)}, users: map[string]*parley.User{}, ids: map[string]string{}}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	w.svc = service.New(store, markup.New(), realtime.NewBus(), log, service.WithClock(w.clk.Now))
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	w.public = srv.URL
	authn := auth.New(srv.URL, auth.NewCommenterTokens(store, nil))
	embed.New(w.svc, log, embed.Config{Auth: authn, PublicURL: srv.URL, FormKey: []byte("0123456789abcdef0123456789abcdef")}).Register(mux)
	var err error
	if w.notifier, err = notify.New(store, notify.Options{PublicURL: srv.URL, Owner: "n1", Clock: w.clk.Now, Logger: log}); err != nil {
		t.Fatal(err)
	}
	w.smtp = smtptest.Start(t, false)
	sender, err := outbox.ParseSMTPURL(w.smtp.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	w.relay, err = outbox.NewRelay(store, sender, outbox.Options{From: &mail.Address{Name: "Zeitung", Address: "noreply@news.example"},
		Host: "127.0.0.1", Clock: w.clk.Now, Logger: log, PlainHTTP: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.svc.CreateSite(t.Context(), &parley.Site{ID: "news", Name: "News", AllowAnonymous: true,
		RateLimit: parley.RateLimit{Off: true}}); err != nil { // the world posts in bursts
		t.Fatal(err)
	}
	return w
}

// user stores a reader with an e-mail address (none for "").
func (w *world) user(name, email string) {
	w.t.Helper()
	u := &parley.User{ID: parley.NewID(w.clk.Now()), SiteID: "news", Name: name, Email: email, CreatedAt: w.clk.Now()}
	if err := w.store.CreateUser(w.t.Context(), u); err != nil {
		w.t.Fatal(err)
	}
	w.users[name] = u
}

func (w *world) as(name string) context.Context {
	return parley.WithActor(w.t.Context(), &parley.Actor{User: w.users[name], SiteID: "news", Role: parley.RoleCommenter, Method: parley.MethodSession})
}

func (w *world) post(id, as, story, parent, body string) {
	w.t.Helper()
	in := service.NewComment{SiteID: "news", StoryID: story, ParentID: w.ids[parent], Body: body,
		Story: service.StoryInfo{URL: "https://news.example/" + story, Title: "Die Geschichte " + story}}
	p, err := w.svc.Post(w.as(as), in)
	if err != nil {
		w.t.Fatalf("post %s: %v", id, err)
	}
	w.ids[id] = p.Comment.ID
	w.clk.Add(time.Second)
}

// deliver runs the notifier and then the relay once, and returns the mails
// the SMTP server received in the round.
func (w *world) deliver() []mailMsg {
	w.t.Helper()
	before := len(w.smtp.Received())
	if _, err := w.notifier.RunOnce(w.t.Context()); err != nil {
		w.t.Fatalf("notifier: %v", err)
	}
	if _, err := w.relay.RunOnce(w.t.Context()); err != nil {
		w.t.Fatalf("relay: %v", err)
	}
	var out []mailMsg
	for _, r := range w.smtp.Received()[before:] {
		out = append(out, parseMail(w.t, r))
	}
	return out
}

type mailMsg struct {
	to, subject, text string
	header            mail.Header
}

func parseMail(t *testing.T, r smtptest.Received) mailMsg {
	t.Helper()
	m, err := mail.ReadMessage(strings.NewReader(string(r.Data)))
	if err != nil {
		t.Fatal(err)
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	if err != nil {
		t.Fatal(err)
	}
	_, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil {
		t.Fatal(err)
	}
	part, err := multipart.NewReader(m.Body, params["boundary"]).NextPart() // decodes quoted-printable
	if err != nil {
		t.Fatal(err)
	}
	text, err := io.ReadAll(part)
	if err != nil {
		t.Fatal(err)
	}
	return mailMsg{to: r.To, subject: subject, text: string(text), header: m.Header}
}

func onBackends(t *testing.T, fn func(t *testing.T, store parley.Store)) {
	t.Run("sqlite", func(t *testing.T) {
		s, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "parley.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		fn(t, s)
	})
	t.Run("postgres", func(t *testing.T) {
		s, err := postgres.Open(t.Context(), pgtest.SchemaURL(t, pgtest.URL(t)))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		fn(t, s)
	})
}

// TestReplyMails follows reply notifications from the post to the mail
// box and the unsubscribe link: batching in the window, a second mail
// after it, no mail for own replies, opted-out readers or deleted replies,
// the reader's language, and one-click unsubscribe.
func TestReplyMails(t *testing.T) {
	onBackends(t, func(t *testing.T, store parley.Store) {
		w := newWorld(t, store)
		w.user("Ada", "ada@example.org")
		w.user("Dora", "dora@example.de")
		w.user("Carl", "carl@example.org") // never opts in
		w.user("Bob", "")
		if _, err := w.svc.SetNotifications(w.as("Ada"), "news", service.NotificationChoice{Replies: new(true), Lang: "en"}); err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.SetNotifications(w.as("Dora"), "news", service.NotificationChoice{Replies: new(true), Lang: "de"}); err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.SetNotifications(w.as("Bob"), "news", service.NotificationChoice{Replies: new(true), Lang: ""}); parley.ErrorKey(err) != "noEmail" {
			t.Fatalf("opting in without an address = %v, want noEmail", err)
		}
		w.post("a1", "Ada", "s1", "", "Meine Meinung.")
		w.post("d1", "Dora", "s1", "", "Meine Sicht.")
		w.post("c1", "Carl", "s1", "", "Ich auch.")
		w.post("r1", "Bob", "s1", "a1", "First *reply* &amp; more.")
		w.post("own", "Ada", "s1", "a1", "Adding to myself.")
		w.clk.Add(2 * time.Minute)
		w.post("r2", "Bob", "s1", "a1", "Second reply.")
		w.post("rc", "Bob", "s1", "c1", "To Carl, who did not opt in.")
		w.post("rd", "Carl", "s1", "d1", "Antwort an Dora.")
		w.clk.Add(5 * time.Minute)
		w.post("r3", "Carl", "s1", "a1", "Third reply.")

		if got := w.deliver(); len(got) != 0 {
			t.Fatalf("mails within the window: %d, want none", len(got))
		}
		w.clk.Add(10 * time.Minute)
		got := w.deliver()
		if len(got) != 2 {
			t.Fatalf("mails after the window: %d, want Ada's and Dora's", len(got))
		}
		byTo := map[string]mailMsg{}
		for _, m := range got {
			byTo[m.to] = m
		}
		ada, dora := byTo["ada@example.org"], byTo["dora@example.de"]
		if ada.subject != "New replies to your comment on “Die Geschichte s1”" {
			t.Errorf("Ada's subject = %q", ada.subject)
		}
		for _, want := range []string{"3 new replies", "Bob wrote:", "> First reply & more.", "> Second reply.", "Carl wrote:", "> Third reply.", "https://news.example/s1"} {
			if !strings.Contains(ada.text, want) {
				t.Errorf("Ada's mail lacks %q:\n%s", want, ada.text)
			}
		}
		for _, not := range []string{"Adding to myself", "To Carl", "<em>"} {
			if strings.Contains(ada.text, not) {
				t.Errorf("Ada's mail has %q:\n%s", not, ada.text)
			}
		}
		if !strings.HasPrefix(dora.subject, "Neue Antworten auf Ihren Kommentar") || !strings.Contains(dora.text, "Carl schrieb:") || !strings.Contains(dora.text, "Antwort an Dora.") {
			t.Errorf("Dora's mail is not in German or lacks the reply: %q\n%s", dora.subject, dora.text)
		}
		unsub := strings.Trim(ada.header.Get("List-Unsubscribe"), "<>")
		if !strings.HasPrefix(unsub, w.public+"/unsubscribe?t=") || ada.header.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" {
			t.Fatalf("unsubscribe headers: %q, %q", ada.header.Get("List-Unsubscribe"), ada.header.Get("List-Unsubscribe-Post"))
		}

		// a reply after the mail waits for its own window; one deleted
		// before it goes out is left out
		w.post("r4", "Bob", "s1", "a1", "Fourth, later.")
		w.post("r5", "Bob", "s1", "a1", "Regretted.")
		if err := w.svc.Delete(w.as("Bob"), w.ids["r5"]); err != nil {
			t.Fatal(err)
		}
		if got := w.deliver(); len(got) != 0 {
			t.Fatalf("mails right after the first: %d, want none", len(got))
		}
		w.clk.Add(16 * time.Minute)
		got = w.deliver()
		if len(got) != 1 || got[0].to != "ada@example.org" || !strings.Contains(got[0].text, "1 new reply") ||
			!strings.Contains(got[0].text, "Fourth, later.") || strings.Contains(got[0].text, "Regretted") {
			t.Fatalf("second round = %+v, want one mail to Ada with the fourth reply only", got)
		}

		// the link of the mail: GET asks and changes nothing, a forged
		// token is refused, the one-click POST turns replies off
		if r := httpDo(t, "GET", unsub); r.status != 200 || !strings.Contains(r.body, "<form method=\"post\"") {
			t.Fatalf("GET unsubscribe = %d %s", r.status, r.body)
		}
		if st, _ := w.svc.Notifications(w.as("Ada"), "news"); !st.Replies {
			t.Fatal("GET unsubscribe turned replies off")
		}
		token := strings.TrimPrefix(unsub, w.public+"/unsubscribe?t=")
		forged := w.users["Carl"].ID + token[strings.Index(token, "."):]
		if r := httpDo(t, "POST", w.public+"/unsubscribe?t="+forged); r.status != 403 {
			t.Errorf("POST with another reader's ID = %d, want 403", r.status)
		}
		if r := httpDo(t, "POST", w.public+"/unsubscribe?t=nonsense"); r.status != 400 {
			t.Errorf("POST with a malformed token = %d, want 400", r.status)
		}
		if r := httpDo(t, "POST", unsub); r.status != 200 || !strings.Contains(r.body, "no longer get e-mails") {
			t.Fatalf("one-click POST = %d %s", r.status, r.body)
		}
		if st, _ := w.svc.Notifications(w.as("Ada"), "news"); st.Replies {
			t.Fatal("replies still on after the one-click POST")
		}
		w.post("r6", "Bob", "s1", "a1", "Nobody will hear of this.")
		w.clk.Add(16 * time.Minute)
		if got := w.deliver(); len(got) != 0 {
			t.Fatalf("mails after unsubscribing: %d, want none", len(got))
		}
	})
}

type httpResult struct {
	status int
	body   string
}

func httpDo(t *testing.T, method, url string) httpResult {
	t.Helper()
	var body io.Reader
	if method == "POST" {
		body = strings.NewReader("List-Unsubscribe=One-Click")
	}
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return httpResult{resp.StatusCode, string(raw)}
}

// TestNotifiersShareBatches: two notifiers on one database (two instances)
// claiming at once mail each batch exactly once.
func TestNotifiersShareBatches(t *testing.T) {
	t.Run("postgres", func(t *testing.T) {
		url := pgtest.SchemaURL(t, pgtest.URL(t))
		open := func() parley.Store {
			s, err := postgres.Open(t.Context(), url)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			return s
		}
		w := newWorld(t, open())
		const readers = 12
		for i := range readers {
			name := "Reader" + string(rune('A'+i))
			w.user(name, strings.ToLower(name)+"@example.org")
			if _, err := w.svc.SetNotifications(w.as(name), "news", service.NotificationChoice{Replies: new(true), Lang: "en"}); err != nil {
				t.Fatal(err)
			}
			w.post(name, name, "s1", "", "Von "+name+".")
		}
		w.user("Bob", "")
		for i := range readers {
			name := "Reader" + string(rune('A'+i))
			w.post("re"+name, "Bob", "s1", name, "Antwort an "+name+".")
			w.post("re2"+name, "Bob", "s1", name, "Noch eine an "+name+".")
		}
		w.clk.Add(16 * time.Minute)
		log := slog.New(slog.NewTextHandler(io.Discard, nil))
		var notifiers []*notify.Notifier
		for i, s := range []parley.Store{w.store, open()} {
			n, err := notify.New(s, notify.Options{PublicURL: w.public, Owner: "n" + string(rune('0'+i)), Clock: w.clk.Now, Batch: 3, Logger: log})
			if err != nil {
				t.Fatal(err)
			}
			notifiers = append(notifiers, n)
		}
		var wg sync.WaitGroup
		for _, n := range notifiers {
			wg.Go(func() {
				for {
					got, err := n.RunOnce(t.Context())
					if err != nil {
						t.Error(err)
						return
					}
					if got == 0 {
						return
					}
				}
			})
		}
		wg.Wait()
		for {
			n, err := w.relay.RunOnce(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			if n == 0 {
				break
			}
		}
		to := map[string]int{}
		for _, r := range w.smtp.Received() {
			to[r.To]++
			if m := parseMail(t, r); !strings.Contains(m.text, "2 new replies") {
				t.Errorf("mail to %s does not hold both replies:\n%s", r.To, m.text)
			}
		}
		if len(to) != readers {
			t.Errorf("%d readers got mail, want %d", len(to), readers)
		}
		for addr, n := range to {
			if n != 1 {
				t.Errorf("%s got %d mails, want 1", addr, n)
			}
		}
	})
}

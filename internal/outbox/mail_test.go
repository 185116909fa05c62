package outbox

import (
	"bytes"
	"flag"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"parley"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func bytesReader(b []byte) io.Reader { return bytes.NewReader(b) }

func goldenMessage() *parley.Message {
	return &parley.Message{ID: "06h3336azenw12bwcvrvymd0s8", To: "Jürgen Müller <juergen@example.de>",
		Subject: "Neue Antworten auf Ihren Kommentar – „Wahl 2026“", Text: "Hallo Jürgen,\nes gibt 2 neue Antworten.\n",
		HTML: "<p>Hallo Jürgen,</p><p>es gibt 2 neue Antworten.</p>", ListUnsubscribe: "https://comments.news.example/unsubscribe?t=abc",
		CreatedAt: time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)}
}

// TestComposeGolden keeps the exact bytes of a message: headers, encoding
// and parts.
func TestComposeGolden(t *testing.T) {
	m := goldenMessage()
	got, err := Compose(m, &mail.Address{Name: "Die Zeitung – Diskussion", Address: "noreply@news.example"}, "comments.news.example", m.CreatedAt)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("testdata", "reply.golden")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("Compose differs from %s (go test -update to accept):\n%s", path, got)
	}
}

// TestComposeParses reads the composed message back as a mail reader would:
// decoded UTF-8 headers, the unsubscribe pair, and both parts.
func TestComposeParses(t *testing.T) {
	m := goldenMessage()
	b, err := Compose(m, &mail.Address{Name: "Die Zeitung", Address: "noreply@news.example"}, "comments.news.example", m.CreatedAt)
	if err != nil {
		t.Fatal(err)
	}
	msg, err := mail.ReadMessage(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	dec := new(mime.WordDecoder)
	if subj, err := dec.DecodeHeader(msg.Header.Get("Subject")); err != nil || subj != m.Subject {
		t.Errorf("Subject decodes to %q, %v; want %q", subj, err, m.Subject)
	}
	if to, err := msg.Header.AddressList("To"); err != nil || to[0].Name != "Jürgen Müller" {
		t.Errorf("To = %v, %v", to, err)
	}
	if got := msg.Header.Get("List-Unsubscribe"); got != "<"+m.ListUnsubscribe+">" {
		t.Errorf("List-Unsubscribe = %q", got)
	}
	if got := msg.Header.Get("List-Unsubscribe-Post"); got != "List-Unsubscribe=One-Click" {
		t.Errorf("List-Unsubscribe-Post = %q", got)
	}
	_, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		t.Fatal(err)
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for _, want := range []struct{ typ, body string }{{"text/plain; charset=utf-8", strings.ReplaceAll(m.Text, "\n", "\r\n")}, {"text/html; charset=utf-8", m.HTML}} {
		p, err := mr.NextPart() // decodes quoted-printable
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(p)
		if p.Header.Get("Content-Type") != want.typ || string(body) != want.body {
			t.Errorf("part %s = %q, want %s %q", p.Header.Get("Content-Type"), body, want.typ, want.body)
		}
	}
}

// TestHeaderInjection: no value with CR or LF becomes a header, whichever
// field carries it and whether or not Validate ran before.
func TestHeaderInjection(t *testing.T) {
	for _, bad := range []func(m *parley.Message){
		func(m *parley.Message) { m.Subject = "Hi\r\nBcc: victim@example.com" },
		func(m *parley.Message) { m.Subject = "Hi\nBcc: victim@example.com" },
		func(m *parley.Message) { m.Subject = "Hi\rBcc: victim@example.com" },
		func(m *parley.Message) { m.To = "a@example.com\r\nBcc: victim@example.com" },
		func(m *parley.Message) { m.To = "\"x\r\nBcc: v@example.com\" <a@example.com>" },
		func(m *parley.Message) { m.ListUnsubscribe = "https://x.example/\r\nBcc: v@example.com" },
		func(m *parley.Message) { m.ID = "id\r\nBcc: v@example.com" },
		func(m *parley.Message) { m.ID = "id>\tX" },
		func(m *parley.Message) { m.ID = "" },
		func(m *parley.Message) { m.Subject = "\xff\xfe" },
		func(m *parley.Message) { m.Text = "a\x00b" },
		func(m *parley.Message) { m.HTML = "<p>\xc3</p>" },
	} {
		m := goldenMessage()
		bad(m)
		if b, err := Compose(m, from, "h.example", m.CreatedAt); parley.ErrorCode(err) != parley.EINVALID {
			t.Errorf("Compose(%q, %q) = %q, %v; want EINVALID", m.To, m.Subject, b, err)
		}
	}
	if _, err := Compose(goldenMessage(), &mail.Address{Name: "x\r\nBcc: v@example.com", Address: "a@example.com"}, "h", time.Now()); err != nil {
		t.Errorf("a From name with CRLF: %v, want it encoded", err) // mail.Address encodes it as a word
	}
}

// TestMessageIDStable: every attempt of a message carries the same
// Message-ID and the same bytes but for the date.
func TestMessageIDStable(t *testing.T) {
	m := goldenMessage()
	a, _ := Compose(m, from, "h.example", m.CreatedAt)
	b, _ := Compose(m, from, "h.example", m.CreatedAt)
	if !bytes.Equal(a, b) || !bytes.Contains(a, []byte("Message-ID: <"+m.ID+"@h.example>\r\n")) {
		t.Errorf("two attempts differ or lack the Message-ID:\n%s\n%s", a, b)
	}
}

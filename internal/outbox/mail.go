package outbox

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"time"

	"parley"
)

// MessageID returns the Message-ID header value of the outbox message id
// for a Parley reached at host: the same on every attempt and every
// instance, so that a mail sent twice (the process died between the mail
// server's acceptance and the mark) can be recognised as one by the
// receiving side.
func MessageID(id, host string) string {
	return "<" + id + "@" + host + ">"
}

// Compose renders m as an RFC 5322 message from from: multipart/alternative
// with a text and, when m has one, an HTML part, both UTF-8 in
// quoted-printable; headers encoded with mime.QEncoding where they are not
// ASCII. Every header value is checked for CR and LF again here, whoever
// built m, so that no value can add a header of its own.
func Compose(m *parley.Message, from *mail.Address, host string, date time.Time) ([]byte, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	to, err := mail.ParseAddress(m.To)
	if err != nil {
		return nil, parley.Errorf(parley.EINVALID, "The recipient is not an e-mail address.")
	}
	h := [][2]string{
		{"From", from.String()},
		{"To", to.String()},
		{"Subject", mime.QEncoding.Encode("utf-8", m.Subject)},
		{"Date", date.UTC().Format(time.RFC1123Z)},
		{"Message-ID", MessageID(m.ID, host)},
		{"MIME-Version", "1.0"},
		{"Auto-Submitted", "auto-generated"},
	}
	if m.ListUnsubscribe != "" {
		h = append(h, [2]string{"List-Unsubscribe", "<" + m.ListUnsubscribe + ">"},
			[2]string{"List-Unsubscribe-Post", "List-Unsubscribe=One-Click"})
	}
	boundary := boundaryOf(m.ID)
	h = append(h, [2]string{"Content-Type", `multipart/alternative; boundary="` + boundary + `"`})
	var b bytes.Buffer
	for _, kv := range h {
		if strings.ContainsAny(kv[1], "\r\n") {
			return nil, parley.Errorf(parley.EINVALID, "The %s header must not contain line breaks.", kv[0])
		}
		// fold between encoded words, so that lines stay near 78 characters
		fmt.Fprintf(&b, "%s: %s\r\n", kv[0], strings.ReplaceAll(kv[1], "?= =?", "?=\r\n =?"))
	}
	b.WriteString("\r\n")
	if err := writePart(&b, boundary, "text/plain", m.Text); err != nil {
		return nil, err
	}
	if m.HTML != "" {
		if err := writePart(&b, boundary, "text/html", m.HTML); err != nil {
			return nil, err
		}
	}
	b.WriteString("--" + boundary + "--\r\n")
	return b.Bytes(), nil
}

// writePart appends one part of the alternative, with CRLF line ends as
// SMTP wants them.
func writePart(b *bytes.Buffer, boundary, typ, body string) error {
	fmt.Fprintf(b, "--%s\r\nContent-Type: %s; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n", boundary, typ)
	body = strings.ReplaceAll(strings.ReplaceAll(body, "\r\n", "\n"), "\n", "\r\n")
	w := quotedprintable.NewWriter(b)
	if _, err := w.Write([]byte(body)); err != nil {
		return fmt.Errorf("outbox: encode %s: %w", typ, err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("outbox: encode %s: %w", typ, err)
	}
	b.WriteString("\r\n")
	return nil
}

// boundaryOf returns the multipart boundary of message id: a hash of the
// ID, which is unguessable (80 random bits), so no body can contain it on
// purpose, and the same on every attempt, so a message renders the same
// bytes each time (and golden files can hold it).
func boundaryOf(id string) string {
	sum := sha256.Sum256([]byte("parley boundary " + id))
	return "parley-" + hex.EncodeToString(sum[:16])
}

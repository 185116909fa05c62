package outbox

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/smtp"
	"net/textproto"
	"net/url"
	"time"
)

// Sender hands one composed message to a mail server. An error that
// Permanent reports true for is not worth retrying.
type Sender interface {
	Send(ctx context.Context, from, to string, msg []byte) error
}

// SMTP sends through one mail server, named by a URL:
// smtp://user:pass@host:port (STARTTLS whenever the server offers it, and
// required before a password is sent, except to a server on loopback) or
// smtps://user:pass@host:port (TLS from the first byte).
type SMTP struct {
	u       *url.URL
	tls     *tls.Config // nil: the system's roots and the URL's host name
	timeout time.Duration
}

// DefaultSMTPTimeout bounds one delivery, connection to QUIT; it must stay
// well below the relay's lease, or a slow delivery could be claimed again.
const DefaultSMTPTimeout = time.Minute

// ParseSMTPURL checks an --smtp-url and returns its sender. tlsConfig may be
// nil; tests pass one that trusts their own server.
func ParseSMTPURL(raw string, tlsConfig *tls.Config) (*SMTP, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, errors.New("smtp url: cannot be parsed") // the parse error repeats the password
	}
	if u.Scheme != "smtp" && u.Scheme != "smtps" {
		return nil, fmt.Errorf("smtp url: scheme %q: use smtp:// or smtps://", u.Scheme)
	}
	if u.Hostname() == "" || u.Port() == "" {
		return nil, errors.New("smtp url: name the host and the port, e.g. smtp://user:pass@mail.example:587")
	}
	if u.Path != "" && u.Path != "/" || u.RawQuery != "" {
		return nil, errors.New("smtp url: no path or query")
	}
	return &SMTP{u: u, tls: tlsConfig, timeout: DefaultSMTPTimeout}, nil
}

// Host returns the server's host:port, for logs (never the password).
func (s *SMTP) Host() string { return s.u.Host }

func (s *SMTP) tlsConfig() *tls.Config {
	c := &tls.Config{MinVersion: tls.VersionTLS12}
	if s.tls != nil {
		c = s.tls.Clone()
	}
	if c.ServerName == "" {
		c.ServerName = s.u.Hostname()
	}
	return c
}

// Send delivers msg to to, in one connection, within the sender's timeout
// and ctx's deadline, whichever ends first.
func (s *SMTP) Send(ctx context.Context, from, to string, msg []byte) error {
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	conn, err := s.dial(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if d, ok := ctx.Deadline(); ok {
		conn.SetDeadline(d)
	}
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Now()) }) // ctx ended: unblock
	defer stop()
	c, err := smtp.NewClient(conn, s.u.Hostname())
	if err != nil {
		return fmt.Errorf("smtp: greeting: %w", err)
	}
	defer c.Close()
	if err := s.deliver(c, from, to, msg); err != nil {
		return err
	}
	// The server accepted the message with its answer to the data; a QUIT
	// that fails now must not count as a failed delivery, or the retry
	// would send the message twice.
	c.Quit()
	return nil
}

func (s *SMTP) dial(ctx context.Context) (net.Conn, error) {
	var d net.Dialer
	if s.u.Scheme == "smtps" {
		td := tls.Dialer{NetDialer: &d, Config: s.tlsConfig()}
		conn, err := td.DialContext(ctx, "tcp", s.u.Host)
		if err != nil {
			return nil, fmt.Errorf("smtp: dial %s (TLS): %w", s.u.Host, err)
		}
		return conn, nil
	}
	conn, err := d.DialContext(ctx, "tcp", s.u.Host)
	if err != nil {
		return nil, fmt.Errorf("smtp: dial %s: %w", s.u.Host, err)
	}
	return conn, nil
}

// deliver runs one transaction on a connected client: STARTTLS when offered,
// AUTH PLAIN when the URL has a user, then MAIL, RCPT and DATA.
func (s *SMTP) deliver(c *smtp.Client, from, to string, msg []byte) error {
	if err := c.Hello("localhost"); err != nil {
		return fmt.Errorf("smtp: EHLO: %w", err)
	}
	if ok, _ := c.Extension("STARTTLS"); ok && s.u.Scheme == "smtp" {
		if err := c.StartTLS(s.tlsConfig()); err != nil {
			return fmt.Errorf("smtp: STARTTLS: %w", err)
		}
	}
	if s.u.User != nil {
		pass, _ := s.u.User.Password()
		// PlainAuth itself refuses to send the password over a connection
		// that is neither TLS nor to loopback.
		if err := c.Auth(smtp.PlainAuth("", s.u.User.Username(), pass, s.u.Hostname())); err != nil {
			return fmt.Errorf("smtp: AUTH: %w", err)
		}
	}
	if err := c.Mail(from); err != nil {
		return fmt.Errorf("smtp: MAIL FROM: %w", err)
	}
	if err := c.Rcpt(to); err != nil {
		return &refusal{fmt.Errorf("smtp: RCPT TO: %w", err)}
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("smtp: DATA: %w", err)
	}
	if _, err := w.Write(msg); err != nil {
		return fmt.Errorf("smtp: DATA: %w", err)
	}
	if err := w.Close(); err != nil { // the server's answer to the message
		return &refusal{fmt.Errorf("smtp: DATA: %w", err)}
	}
	return nil
}

// refusal is the server's answer to this message (its recipient or its
// content), as opposed to our configuration or the connection.
type refusal struct{ err error }

func (r *refusal) Error() string { return r.err.Error() }
func (r *refusal) Unwrap() error { return r.err }

// Permanent reports whether err is the mail server's definite refusal of
// this message (a 5xx reply to RCPT or to the data, such as an unknown
// recipient): trying again would only repeat it. Everything else may pass:
// a 4xx, a lost connection, a timeout, and also a 5xx to AUTH or MAIL FROM,
// which is our configuration's fault, not the message's, and must not give
// up every message while an operator fixes it.
func Permanent(err error) bool {
	if _, ok := errors.AsType[*refusal](err); !ok {
		return false
	}
	te, ok := errors.AsType[*textproto.Error](err)
	return ok && te.Code >= 500 && te.Code < 600
}

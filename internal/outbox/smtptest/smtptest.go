// Package smtptest starts a real SMTP server (emersion/go-smtp) on
// 127.0.0.1:0 for tests, and records what it accepts. Only tests import it.
package smtptest

import (
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Server is a running SMTP server. Set makes it refuse the data of the next
// messages with 451 (try later) or reject their recipients with 550.
type Server struct {
	URL     string        // smtp://parley:secret@127.0.0.1:port
	TLS     *tls.Config   // trusts the server's certificate (secure servers)
	Arrived chan Received // every accepted message, as it arrives (buffered)
	srv     *smtp.Server
	mu      sync.Mutex
	got     []Received
	refuse  int
	reject  int
}

// Received is one accepted message.
type Received struct {
	From, To string
	Data     []byte
	TLS      bool // it came over STARTTLS
}

// Start starts a server that t stops. With secure it offers STARTTLS with a
// certificate that Server.TLS trusts, and requires AUTH PLAIN over TLS
// (user parley, password secret).
func Start(t testing.TB, secure bool) *Server {
	t.Helper()
	ms := &Server{Arrived: make(chan Received, 1000)}
	ms.srv = smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &session{ms: ms, conn: c}, nil
	}))
	ms.srv.Domain = "127.0.0.1"
	ms.srv.AllowInsecureAuth = !secure
	if secure {
		h := httptest.NewUnstartedServer(nil) // only for its certificate for 127.0.0.1
		h.StartTLS()
		ms.srv.TLSConfig = &tls.Config{Certificates: h.TLS.Certificates}
		ms.TLS = h.Client().Transport.(*http.Transport).TLSClientConfig
		h.Close()
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go ms.srv.Serve(ln)
	t.Cleanup(func() { ms.srv.Close() })
	ms.URL = "smtp://parley:secret@" + ln.Addr().String()
	return ms
}

// Received returns the messages accepted so far.
func (ms *Server) Received() []Received {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	return append([]Received(nil), ms.got...)
}

// Set makes the server refuse the next refuse messages (451 to their data)
// and reject the next reject recipients (550).
func (ms *Server) Set(refuse, reject int) {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	ms.refuse, ms.reject = refuse, reject
}

type session struct {
	ms       *Server
	conn     *smtp.Conn
	from, to string
	authed   bool
}

func (s *session) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != "parley" || pass != "secret" {
			return errors.New("invalid credentials")
		}
		s.authed = true
		return nil
	}), nil
}

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	if s.ms.srv.TLSConfig != nil && !s.authed {
		return smtp.ErrAuthRequired
	}
	s.from = from
	return nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.ms.mu.Lock()
	defer s.ms.mu.Unlock()
	if s.ms.reject > 0 {
		s.ms.reject--
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "No such user"}
	}
	s.to = to
	return nil
}

func (s *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.ms.mu.Lock()
	defer s.ms.mu.Unlock()
	if s.ms.refuse > 0 {
		s.ms.refuse--
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Try again later"}
	}
	_, isTLS := s.conn.TLSConnectionState()
	rec := Received{From: s.from, To: s.to, Data: b, TLS: isTLS}
	s.ms.got = append(s.ms.got, rec)
	select {
	case s.ms.Arrived <- rec:
	default:
	}
	return nil
}

func (s *session) Reset()        {}
func (s *session) Logout() error { return nil }

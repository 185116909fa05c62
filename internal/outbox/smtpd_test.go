package outbox

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

// mailServer is a real SMTP server (emersion/go-smtp) on 127.0.0.1:0 that
// records what it accepts. refuse makes it answer the next n messages'
// data with 451 (try later), reject their recipients with 550.
type mailServer struct {
	URL            string // smtp://user:pass@127.0.0.1:port
	TLS            *tls.Config
	srv            *smtp.Server
	mu             sync.Mutex
	got            []received
	refuse, reject int
	authed         bool
}

type received struct {
	From, To string
	Data     []byte
	TLS      bool
}

// startMailServer starts the server; with secure it offers STARTTLS with a
// certificate that the returned TLS config trusts, and requires AUTH PLAIN.
func startMailServer(t *testing.T, secure bool) *mailServer {
	t.Helper()
	ms := &mailServer{}
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

func (ms *mailServer) received() []received {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	return append([]received(nil), ms.got...)
}

// set changes the server's answers for the next messages.
func (ms *mailServer) set(refuse, reject int) {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	ms.refuse, ms.reject = refuse, reject
}

type session struct {
	ms       *mailServer
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
	s.ms.got = append(s.ms.got, received{From: s.from, To: s.to, Data: b, TLS: isTLS})
	return nil
}

func (s *session) Reset()        {}
func (s *session) Logout() error { return nil }

package config

import (
	"errors"
	"flag"
	"fmt"
	"net/mail"
	"strings"
)

// mailFlags declares --smtp-url and --mail-from on fs, filling c. The SMTP
// URL carries the server's password, so it may come from the file that
// PARLEY_SMTP_URL_FILE names.
func mailFlags(fs *flag.FlagSet, env Env, c *Config) error {
	smtpURL, err := lookup(env, "PARLEY_SMTP_URL", "")
	from, err2 := lookup(env, "PARLEY_MAIL_FROM", "")
	if err := errors.Join(err, err2); err != nil {
		return err
	}
	fs.StringVar(&c.SMTPURL, "smtp-url", smtpURL, "mail server for outgoing mail: smtp://user:pass@host:587 (STARTTLS when offered) or smtps://user:pass@host:465; unset: no mail is sent, it waits in the outbox (env PARLEY_SMTP_URL, or PARLEY_SMTP_URL_FILE naming a file that holds it)")
	fs.StringVar(&c.MailFrom, "mail-from", from, `sender of outgoing mail, e.g. "Die Zeitung <noreply@zeitung.example>" (env PARLEY_MAIL_FROM)`)
	return nil
}

// validateMail checks that mail, if configured, has a sender that can be a
// From header. The SMTP URL itself is checked when the relay starts (see
// outbox.ParseSMTPURL), and never echoed: it holds a password.
func (c *Config) validateMail() error {
	if c.SMTPURL == "" {
		return nil
	}
	if c.MailFrom == "" {
		return errors.New("--smtp-url needs --mail-from, the sender of outgoing mail")
	}
	if strings.ContainsAny(c.MailFrom, "\r\n") {
		return errors.New("mail from: no line breaks")
	}
	if _, err := mail.ParseAddress(c.MailFrom); err != nil {
		return fmt.Errorf("mail from %q: %w", c.MailFrom, err)
	}
	return nil
}

package config

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestMailConfig(t *testing.T) {
	secret := filepath.Join(t.TempDir(), "smtp")
	if err := os.WriteFile(secret, []byte("smtps://u:pw@mail.example:465\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name           string
		args           []string
		env            map[string]string
		wantURL, wantF string
		wantErr        string
	}{
		{name: "none"},
		{name: "flags", args: []string{"--smtp-url", "smtp://u:p@m.example:587", "--mail-from", "Zeitung <n@z.example>"},
			wantURL: "smtp://u:p@m.example:587", wantF: "Zeitung <n@z.example>"},
		{name: "URL from a file", env: map[string]string{"PARLEY_SMTP_URL_FILE": secret, "PARLEY_MAIL_FROM": "n@z.example"},
			wantURL: "smtps://u:pw@mail.example:465", wantF: "n@z.example"},
		{name: "no sender", args: []string{"--smtp-url", "smtp://m.example:25"}, wantErr: "needs --mail-from"},
		{name: "sender not an address", args: []string{"--smtp-url", "smtp://m.example:25", "--mail-from", "nobody"}, wantErr: "mail from"},
		{name: "sender with a line break", args: []string{"--smtp-url", "smtp://m.example:25", "--mail-from", "a@b.example\r\nBcc: v@x.example"}, wantErr: "line breaks"},
		{name: "unreadable file", env: map[string]string{"PARLEY_SMTP_URL_FILE": "/nonexistent"}, wantErr: "PARLEY_SMTP_URL_FILE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := ParseServe(tt.args, env(tt.env), io.Discard)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || c.SMTPURL != tt.wantURL || c.MailFrom != tt.wantF {
				t.Fatalf("SMTPURL %q, MailFrom %q, %v; want %q, %q", c.SMTPURL, c.MailFrom, err, tt.wantURL, tt.wantF)
			}
		})
	}
}

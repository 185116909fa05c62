package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
)

// TestNoticeMails follows notice and action through the outbox to a real
// SMTP server: the notifier's confirmation and outcome in the language
// they asked in, and the outcome of the author's complaint in theirs.
func TestNoticeMails(t *testing.T) {
	app := startMailApp(t, true)
	author := app.signInByMail(t, "news", "autorin@example.de")
	mod := app.signInByMail(t, "news", "mod@example.org")
	mod2 := app.signInByMail(t, "news", "mod2@example.org")
	for _, m := range []string{"mod@example.org", "mod2@example.org"} {
		if _, err := app.cli(t, "user", "grant", "--site", "news", "--email", m, "--role", "moderator"); err != nil {
			t.Fatal(err)
		}
	}
	call := func(method, path, session string, body any) map[string]any {
		t.Helper()
		raw, _ := json.Marshal(body)
		headers := []string{"Content-Type", "application/json", "Origin", "https://news.example"}
		if session != "" {
			headers = append(headers, "Authorization", "Bearer "+session)
		}
		res, out := app.do(t, method, path, bytes.NewReader(raw), headers...)
		if res.StatusCode >= 300 {
			t.Fatalf("%s %s: %d %s", method, path, res.StatusCode, out)
		}
		var v map[string]any
		json.Unmarshal([]byte(out), &v)
		return v
	}
	posted := call("POST", "/api/v1/sites/news/stories/a1/comments", author, map[string]any{"body": "Eine Behauptung über Herrn X.", "story": map[string]string{"lang": "de"}})
	id := posted["comment"].(map[string]any)["id"].(string)

	notice := call("POST", "/api/v1/comments/"+id+"/notices", "", map[string]any{"kind": "defamation", "law": "Art. 29 CC (Suisse)",
		"explanation": "Fausse accusation de vol.", "name": "Jean Dupont", "email": "jean@example.fr", "goodFaith": true, "lang": "fr"})
	ref := notice["reference"].(string)
	m := app.relayedMail(t)
	if m.To != "jean@example.fr" || m.Subject != "Votre notification "+ref || !strings.Contains(m.Text, "Nous avons bien reçu votre notification") ||
		!strings.Contains(m.Text, "Diffamation ou injure") || !strings.Contains(m.HTML, `<html lang="fr">`) {
		t.Errorf("confirmation = %+v", m)
	}

	decided := call("POST", "/api/v1/admin/sites/news/notices/"+ref+"/decision", mod, map[string]any{"action": "remove", "ground": "law",
		"basis": "Art. 28 ZGB", "note": "Unbelegter Vorwurf einer Straftat."})
	m = app.relayedMail(t)
	if m.To != "jean@example.fr" || !strings.Contains(m.Subject, ref) || !strings.Contains(m.Text, "retiré le commentaire") ||
		!strings.Contains(m.Text, "au regard de Art. 28 ZGB") || !strings.Contains(m.Text, "article 21") {
		t.Errorf("outcome = %+v", m)
	}
	entry := strconv.FormatInt(int64(decided["entries"].([]any)[0].(float64)), 10)

	complaint := call("POST", "/api/v1/decisions/"+entry+"/complaints", author, map[string]any{"explanation": "Belegt durch das Urteil vom 3. März.", "lang": "de"})
	app.noMail(t)
	call("POST", "/api/v1/admin/sites/news/complaints/"+complaint["reference"].(string)+"/decision", mod2, map[string]any{"outcome": "reversed", "note": "Der Vorwurf ist belegt."})
	m = app.relayedMail(t)
	if m.To != "autorin@example.de" || !strings.Contains(m.Text, "Entscheidung aufgehoben") || !strings.Contains(m.Text, "Der Vorwurf ist belegt.") {
		t.Errorf("complaint outcome = %+v", m)
	}
	if res, body := app.do(t, "GET", "/api/v1/sites/news/stories/a1/comments", nil); res.StatusCode != http.StatusOK || !strings.Contains(body, "Herrn X") {
		t.Errorf("the restored comment is not in the thread: %d %s", res.StatusCode, body)
	}
}

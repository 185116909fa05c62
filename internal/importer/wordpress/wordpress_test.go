package wordpress

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"parley/internal/importer"
	"parley/internal/importer/importertest"
)

// want is everything a fixture should hand on.
type want struct {
	Authors []*importer.Author
	Threads []*importer.Thread
	Posts   []*importer.Post
	Repairs map[string]int
	Skips   map[string]int
}

func at(s string) time.Time {
	t, err := time.Parse(wpLayout, s)
	if err != nil {
		panic(err)
	}
	return t
}

func guest(name, email string) importer.Author {
	return importer.Author{Name: name, Email: email, Guest: true}
}

func user(id, name, email string) importer.Author {
	return importer.Author{Key: "user:" + id, Name: name, Email: email}
}

func post(key, thread, parent string, a importer.Author, body string, st importer.Status, created string) *importer.Post {
	return &importer.Post{Key: key, Thread: thread, Parent: parent, Author: a, Body: body,
		Format: importer.FormatHTML, Status: st, CreatedAt: at(created)}
}

const (
	approved = importer.StatusApproved
	pending  = importer.StatusPending
	spam     = importer.StatusSpam
	deleted  = importer.StatusDeleted
)

var newsWant = want{
	Authors: []*importer.Author{
		{Key: "user:1", Name: "Redaktion", Email: "redaktion@news.example.de"},
		{Key: "user:2", Name: "Miriam Keller", Email: "miriam.keller@news.example.de"},
	},
	Threads: []*importer.Thread{
		{Key: "101", URL: "https://news.example.de/2024/03/neue-radwege/", Title: "Neue Radwege für die Innenstadt",
			Lang: "de-DE", CreatedAt: at("2024-03-04 08:00:00")},
		// A relative link, taken relative to wp:base_blog_url; Polylang's language.
		{Key: "7", URL: "https://news.example.de/comment-rules/", Title: "How we moderate comments",
			Lang: "en", Closed: true, CreatedAt: at("2024-01-02 12:00:00")},
		// A bare "&" outside CDATA (broken-entity); "Open" (odd-status).
		{Key: "202", URL: "https://news.example.de/es/2024/05/mercado/", Title: "Frutas & verduras: el mercado de los sábados",
			Lang: "es", CreatedAt: at("2024-05-10 07:30:00")},
		// A trashed post, closed.
		{Key: "303", URL: "https://news.example.de/fr/2024/06/pont/", Title: "Fermeture du pont Saint-Michel",
			Lang: "fr", Closed: true, CreatedAt: at("2024-06-01 06:00:00")},
		// An attachment with a comment.
		{Key: "404", URL: "https://news.example.de/fr/2024/06/pont/plan-travaux/", Title: "Plan des travaux",
			Lang: "de-DE", CreatedAt: at("2024-06-01 06:05:00")},
		// A draft without post ID (empty-id) nor GMT date (local-time): the
		// offset last seen, +2h from June, is what the file gives.
		{Key: "guid:https://news.example.de/?p=505", URL: "https://news.example.de/?p=505", Title: "Entwurf: Haushalt 2025",
			Lang: "de-DE", CreatedAt: at("2024-11-20 19:30:00")},
		// A WooCommerce product, kept for its review.
		{Key: "600", URL: "https://news.example.de/shop/stadtplan/", Title: "Stadtplan, gefaltet",
			Lang: "de-DE", CreatedAt: at("2024-02-01 09:00:00")},
	},
	Posts: []*importer.Post{
		post("1001", "101", "", guest("Anna Berger", "anna.berger@example.org"),
			"<p>Endlich! Ich fahre jeden Tag über die Brückenstraße und habe dort schon zweimal fast einen Unfall gehabt.</p>\n"+
				"<p>Wann genau fängt der Bau an?<br>\nUnd wird die Straße dafür gesperrt?</p>",
			approved, "2024-03-04 09:15:00"),
		post("1002", "101", "1001", user("2", "Miriam Keller", "miriam.keller@news.example.de"),
			"<blockquote>Wann genau fängt der Bau an?</blockquote>\n"+
				`Laut <a href="https://stadt.example.de/radwege" rel="nofollow">Bauamt</a> am 15. April. Die Straße bleibt offen, nur eine Spur fällt weg.`,
			approved, "2024-03-04 10:02:30"),
		post("1003", "101", "1002", guest("Radler77", ""),
			"Eine Spur weniger heißt Stau bis zum Bahnhof. Danke für nichts.", pending, "2024-03-04 11:40:00"),
		post("1004", "101", "", guest("Günstige Uhren", "deals@spam.example"),
			`Toller Artikel! Uhren zum halben Preis: <a href="http://spam.example/uhren">hier klicken</a>`, spam, "2024-03-04 12:00:00"),
		// 1005 is a pingback. An orphan:
		post("1006", "101", "999", guest("Klaus", "klaus@example.com"),
			"Da stimme ich dir zu, aber wer bezahlt das alles?", approved, "2024-03-04 14:30:00"),
		// Older than its parent 1001.
		post("1007", "101", "1001", guest("Petra S.", "petra.s@example.com"),
			"Der Bau beginnt nach Ostern, stand gestern im Amtsblatt.", approved, "2024-03-04 08:45:00"),
		// A second, different 1002.
		post("1002", "101", "", guest("Jonas", "jonas@example.net"),
			"Gibt es auch einen Plan für Abstellplätze am Markt?", approved, "2024-03-04 15:10:00"),
		// 1001 twice.
		post("1001", "101", "", guest("Anna Berger", "anna.berger@example.org"),
			"<p>Endlich! Ich fahre jeden Tag über die Brückenstraße und habe dort schon zweimal fast einen Unfall gehabt.</p>\n"+
				"<p>Wann genau fängt der Bau an?<br>\nUnd wird die Straße dafür gesperrt?</p>",
			approved, "2024-03-04 09:15:00"),
		// No ID; no GMT date (local-time, at +1h).
		post("", "101", "", guest("Hans-Peter", "hp@example.de"),
			"Ich hoffe, die Ampel am Rathaus wird gleich mit erneuert.", approved, "2024-03-05 19:00:00"),
		post("2001", "7", "", guest("Sam Porter", "sam@example.co.uk"),
			"<p>Does the filter catch links? I tried to post this and it vanished:</p>\n"+
				"<pre><code>&lt;a href=\"https://example.org\"&gt;my site&lt;/a&gt;\n\nmore lines</code></pre>\n"+
				"<p>Any idea why?</p>",
			approved, "2024-01-03 08:00:00"),
		post("2002", "7", "2001", user("1", "Redaktion", "redaktion@news.example.de"),
			"Comments with more than two links wait for a moderator. Yours is through now.", approved, "2024-01-03 09:30:00"),
		post("2003", "7", "", guest("troll_account", "troll@example.com"),
			"These rules are censorship, plain and simple.", deleted, "2024-01-04 21:00:00"),
		// Double-escaped, passed on; "Approved" (odd-status); an RFC 3339 date (odd-date).
		post("3001", "202", "", guest("Lucía Fernández", "lucia.f@example.es"),
			"¡Qué bien que vuelva el puesto de quesos! Los de cabra &amp;amp; los curados son los mejores de la región.",
			approved, "2024-05-11 10:00:00"),
		// Entities outside CDATA: known ones resolved, broken ones kept as
		// text (broken-entity).
		post("3002", "202", "3001", guest("Jorge & Marta", "jorgeymarta@example.es"),
			"¿A qué hora abren?\u00a0Nosotros llegamos siempre tarde…&nbsp y ya no queda pan &copy", approved, "2024-05-11 11:20:00"),
		// 3003 is a trackback. Mojibake, passed on for the core to repair.
		post("4001", "303", "", guest("Élodie", "elodie@example.fr"),
			"Encore une fermeture ? Le dÃ©tour par la rocade prend vingt minutes de plus, c'est Ã©puisant.",
			deleted, "2024-06-01 07:10:00"),
		post("4002", "404", "", guest("Bernard", "bernard@example.fr"),
			"Le plan est illisible sur mon téléphone, auriez-vous une version <strong>en PDF</strong> ?", pending, "2024-06-02 16:45:00"),
		// "hold" (odd-status).
		post("5001", "guid:https://news.example.de/?p=505", "", user("2", "Miriam Keller", "miriam.keller@news.example.de"),
			"Bitte die Zahlen aus der Ratssitzung noch einmal prüfen.", pending, "2024-11-21 07:00:00"),
		// 6001 is an order note; "Review" (odd-status).
		post("6002", "600", "", guest("Tom Hadley", "tom.hadley@example.com"),
			"Sturdy paper and the bike lanes are marked. Worth it.", approved, "2024-02-10 16:00:00"),
	},
	Repairs: map[string]int{
		importer.RepairEntity:  2,
		importer.RepairEmptyID: 1,
		RepairLocalTime:        2,
		RepairOddDate:          1,
		RepairOddStatus:        4,
	},
	Skips: map[string]int{
		"attachment without comments":                                         1,
		"auto-draft item (never published)":                                   1,
		"comment of a plugin's own type (a note or a log, not a reader's)":    1,
		"item of WordPress's internal types (revision, menu item, template…)": 1,
		"pingback":  1,
		"trackback": 1,
	},
}

var latin1Want = want{
	Threads: []*importer.Thread{
		// The vertical tab becomes a space (broken-encoding).
		{Key: "31", URL: "http://courrier.example.fr/2012/07/fete-du-lac/", Title: "La fête du lac  revient",
			Lang: "fr-FR", CreatedAt: at("2012-07-14 06:00:00")},
	},
	Posts: []*importer.Post{
		// Latin-1 and Windows-1252 bytes read as such (broken-encoding).
		post("77", "31", "", guest("Renée", "renee@example.fr"),
			"Le feu d’artifice était magnifique, merci aux bénévoles\u00a0!", approved, "2012-07-14 07:30:00"),
		post("78", "31", "77", guest("Jürgen", "juergen@example.de"),
			"Schöne Grüße aus der Partnerstadt, wir waren gern dabei. “Bis nächstes Jahr”!", approved, "2012-07-14 08:00:00"),
		// Valid UTF-8, and mojibake that is valid UTF-8 too: passed on.
		post("79", "31", "78", guest("Lukas", "lukas@example.de"),
			"Grüße zurück – das hier ist schon richtig UTF-8, nur doppelt gelesen: GrÃ¼Ã\u009fe.", approved, "2012-07-14 09:00:00"),
	},
	Repairs: map[string]int{importer.RepairEncoding: 3},
}

var isoWant = want{
	Threads: []*importer.Thread{
		{Key: "12", URL: "http://eco.example.es/2009/02/tren/", Title: "Vuelve el tren de cercanías",
			Lang: "es-ES", CreatedAt: at("2009-02-16 18:00:00")},
	},
	Posts: []*importer.Post{
		post("5", "12", "", guest("María José", "mjose@example.es"),
			"¡Por fin! Mi hijo estudia en la ciudad y ahora podrá volver cada fin de semana.", approved, "2009-02-16 19:15:00"),
		post("6", "12", "5", guest("Andrés", ""),
			"¿Y los horarios? En la estación nadie sabe nada.", pending, "2009-02-17 07:00:00"),
	},
	Repairs: map[string]int{RepairLocalTime: 1},
}

var fixtures = []struct {
	file string
	want want
}{
	{"news.xml", newsWant},
	{"latin1.xml", latin1Want},
	{"iso-8859-1.xml", isoWant},
}

func got(r *importertest.Recorder) want {
	return want{Authors: r.Authors, Threads: r.Threads, Posts: r.Posts, Repairs: r.Repairs, Skips: r.Skips}
}

func TestFixtures(t *testing.T) {
	for _, f := range fixtures {
		t.Run(f.file, func(t *testing.T) {
			var r importertest.Recorder
			if err := Parse(context.Background(), importer.NewInput(filepath.Join("testdata", f.file)), &r); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(f.want, got(&r), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("records differ (-want +got):\n%s", diff)
			}
		})
	}
}

// TestGzip reads a gzip copy of each fixture through Input, which knows it
// by its first bytes, whatever its name.
func TestGzip(t *testing.T) {
	for _, f := range fixtures {
		path := filepath.Join(t.TempDir(), f.file)
		importertest.WriteGzip(t, filepath.Join("testdata", f.file), path)
		var r importertest.Recorder
		if err := Parse(context.Background(), importer.NewInput(path), &r); err != nil {
			t.Fatalf("%s: %v", f.file, err)
		}
		if diff := cmp.Diff(f.want, got(&r), cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("%s: records differ (-want +got):\n%s", f.file, diff)
		}
	}
}

func TestParseMissingFile(t *testing.T) {
	var r importertest.Recorder
	if err := Parse(context.Background(), importer.NewInput(filepath.Join(t.TempDir(), "none.xml")), &r); err == nil {
		t.Fatal("no error for a file that is not there")
	}
	if err := Parse(context.Background(), importer.NewInput(t.TempDir()), &r); err == nil {
		t.Fatal("no error for a folder")
	}
}

package disqus

import (
	"time"

	"parley/internal/importer"
)

// at is the time s, in RFC 3339.
func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t
}

// want is what a fixture must give, record for record.
type want struct {
	threads []*importer.Thread
	posts   []*importer.Post
	repairs map[string]int
	skips   map[string]int
}

// fixtures are the files in testdata and everything each must give.
var fixtures = map[string]want{
	"export.xml": {
		threads: []*importer.Thread{
			{Key: "5101", Ident: "artikel-4711", URL: "https://stadtkurier.example/lokales/radweg-am-kanal", Title: "Neuer Radweg am Kanal: Bauarbeiten beginnen im März", CreatedAt: at("2021-02-15T08:00:00Z")},
			{Key: "5102", Ident: "story-88", URL: "https://stadtkurier.example/en/harbour-festival", Title: "Harbour festival returns after three years", Closed: true, CreatedAt: at("2021-06-01T17:30:00Z")},
			{Key: "5103", Ident: "articulo-12", URL: "https://stadtkurier.example/es/mercado-de-invierno", Title: "El mercado de invierno abre sus puertas", CreatedAt: at("2021-11-20T09:15:00Z")},
			{Key: "5104", Ident: "article-305", URL: "https://stadtkurier.example/fr/bibliotheque-nocturne", Title: "La bibliothèque ouvre désormais le soir", CreatedAt: at("2022-01-10T12:00:00Z")},
		},
		posts: []*importer.Post{
			{Key: "9001", Thread: "5101", Author: importer.Author{Key: "jbecker", Name: "Jonas Becker", Email: "jonas.becker@mail.example"},
				Body:   "<p>Endlich! Ich fahre die Strecke jeden Tag und habe mich über die Schlaglöcher schon lange geärgert.</p>",
				Format: importer.FormatHTML, Status: importer.StatusApproved, CreatedAt: at("2021-02-15T09:12:44Z")},
			{Key: "9002", Thread: "5101", Parent: "9001", Author: importer.Author{Key: "petrak", Name: "Petra K.", Email: "petra.k@mail.example"},
				Body:   "<p>Und wo sollen die Anwohner während der Bauzeit parken? Dazu steht im <a href=\"https://stadtkurier.example/lokales/radweg-am-kanal#plan\" rel=\"nofollow noopener\" target=\"_blank\">Plan</a> kein Wort.</p>",
				Format: importer.FormatHTML, Status: importer.StatusApproved, CreatedAt: at("2021-02-15T10:03:10Z")},
			{Key: "9003", Thread: "5101", Parent: "9002", Author: importer.Author{Key: "jbecker", Name: "Jonas Becker", Email: "jonas.becker@mail.example"},
				Body:   "<blockquote>Und wo sollen die Anwohner parken?</blockquote><p>Im Parkhaus am Bahnhof, das steht auf Seite 3.</p>",
				Format: importer.FormatHTML, Status: importer.StatusApproved, CreatedAt: at("2021-02-15T10:47:02Z")},
			{Key: "9004", Thread: "5101", Author: importer.Author{Key: "", Name: "Uhren Sale", Email: "x9@spam.example", Guest: true},
				Body:   "<p>Günstige Uhren hier: <a href=\"http://uhren-billig.example\">uhren-billig.example</a></p>",
				Format: importer.FormatHTML, Status: importer.StatusSpam, CreatedAt: at("2021-02-16T03:20:00Z")},
			{Key: "9011", Thread: "5102", Author: importer.Author{Key: "samoneill", Name: "Sam O'Neill", Email: "sam.o@mail.example"},
				Body:   "<p>Great news. Will the food stalls be on the quay again, or up by the market square like last time?</p>",
				Format: importer.FormatHTML, Status: importer.StatusApproved, CreatedAt: at("2021-06-01T18:05:31Z")},
			{Key: "9012", Thread: "5102", Parent: "9011", Author: importer.Author{Key: "", Name: "harbourwatcher", Email: "", Guest: true},
				Body:   "<p>On the quay. The programme says so:</p><pre><code>Sat 12:00  Food stalls, north quay\nSat 20:00  Fireworks</code></pre>",
				Format: importer.FormatHTML, Status: importer.StatusApproved, CreatedAt: at("2021-06-01T18:40:00Z")},
			{Key: "9013", Thread: "5102", Parent: "9012", Author: importer.Author{Key: "samoneill", Name: "Sam O'Neill", Email: "sam.o@mail.example"},
				Body:   "<p>Thanks! See you there.</p>",
				Format: importer.FormatHTML, Status: importer.StatusDeleted, CreatedAt: at("2021-06-01T19:02:15Z")},
			{Key: "9021", Thread: "5103", Author: importer.Author{Key: "luciamartin", Name: "Lucía Martín", Email: "lucia.m@mail.example"},
				Body:   "<p>¿Alguien sabe si el mercado abre también los domingos? El año pasado cerraban a las ocho.</p>",
				Format: importer.FormatHTML, Status: importer.StatusApproved, CreatedAt: at("2021-11-20T11:30:00Z")},
			{Key: "9022", Thread: "5103", Parent: "9021", Author: importer.Author{Key: "andres_r", Name: "Andrés", Email: "andres@mail.example"},
				Body:   "<p>Sí, los domingos de 11 a 19 h. Lo pone en la <a href=\"https://stadtkurier.example/es/mercado-de-invierno#horarios\">página de horarios</a>.</p>",
				Format: importer.FormatHTML, Status: importer.StatusPending, CreatedAt: at("2021-11-20T12:01:09Z")},
			{Key: "9031", Thread: "5104", Author: importer.Author{Key: "cdubois", Name: "Claire Dubois", Email: "claire.dubois@mail.example"},
				Body:   "<p>Enfin&nbsp;! Avec mes horaires de travail, je n'arrivais jamais à passer avant la fermeture.</p>",
				Format: importer.FormatHTML, Status: importer.StatusApproved, CreatedAt: at("2022-01-10T13:14:00Z")},
			{Key: "9032", Thread: "5104", Parent: "9031", Author: importer.Author{Key: "mlaurent", Name: "Marc Laurent", Email: "m.laurent@mail.example"},
				Body:   "<p>Pareil pour moi. Et la salle de lecture reste ouverte jusqu&#39;à 22&nbsp;h, c&#39;est génial.</p>",
				Format: importer.FormatHTML, Status: importer.StatusApproved, CreatedAt: at("2022-01-10T14:40:27Z")},
			{Key: "9033", Thread: "5104", Parent: "9032", Author: importer.Author{Key: "cdubois", Name: "Claire Dubois", Email: "claire.dubois@mail.example"},
				Body:   "<p>Et le week-end&#8239;? Rien n'est prévu le samedi soir.</p>",
				Format: importer.FormatHTML, Status: importer.StatusApproved, CreatedAt: at("2022-01-11T08:05:00Z")},
		},
		repairs: nil,
		skips:   map[string]int{"category (Disqus's grouping of threads)": 1},
	},
	"faults.xml": {
		threads: []*importer.Thread{
			{Key: "601", Ident: "", URL: "http://blog.example/2019/05/q-and-a", Title: "Q&A: Wie sicher ist unser Trinkwasser?\u00a0Die Antworten", Closed: true, CreatedAt: at("2019-05-02T08:30:00Z")},
			{Key: "", Ident: "ohne-dsq-id", URL: "http://blog.example/2019/07/ohne-id", Title: "Ein Thread ohne dsq:id", CreatedAt: at("2019-07-01T00:00:00Z")},
			{Key: "603", Ident: "post-603", URL: "http://blog.example/2019/08/cantine", Title: "La cantine passe au bio : les parents divisés", CreatedAt: at("2019-08-30T06:00:00Z")},
		},
		posts: []*importer.Post{
			{Key: "801", Thread: "601", Author: importer.Author{Key: "hjuergen", Name: "Hans-Jürgen", Email: ""},
				Body:   "<p>Seit wann wird das Wasser eigentlich auf Uran getestet? Im <a href=\"http://blog.example/2019/05/q-and-a#bericht\">Bericht</a> steht nur &amp;amp; dergleichen.</p>",
				Format: importer.FormatHTML, Status: importer.StatusApproved, CreatedAt: at("2019-05-02T09:00:00Z")},
			{Key: "802", Thread: "601", Parent: "801", Author: importer.Author{Key: "anna_w", Name: "Anna", Email: "anna@mail.example"},
				Body:   "<blockquote>Seit wann wird getestet?</blockquote><p>Seit 2011, steht in der Trinkwasserverordnung. SchÃ¶ne GrÃ¼ÃŸe an alle Zweifler.</p>",
				Format: importer.FormatHTML, Status: importer.StatusApproved, CreatedAt: at("2019-05-02T08:45:00Z")},
			{Key: "803", Thread: "601", Parent: "424242", Author: importer.Author{Key: "", Name: "Gast", Email: "gast@mail.example", Guest: true},
				Body:   "Ich finde, man sollte “nachfragen” dürfen.",
				Format: importer.FormatHTML, Status: importer.StatusApproved, CreatedAt: at("2019-05-03T10:00:00Z")},
			{Key: "803", Thread: "601", Author: importer.Author{Key: "kim", Name: "Kim", Email: "kim@mail.example"},
				Body:   "<p>A second post that reuses the ID of the one before it.</p>",
				Format: importer.FormatHTML, Status: importer.StatusApproved, CreatedAt: at("2019-05-03T11:00:00Z")},
			{Key: "804", Thread: "601", Author: importer.Author{Key: "kim", Name: "Kim", Email: "kim@mail.example"},
				Body:   "<p>Same words, posted twice by a double click.</p>",
				Format: importer.FormatHTML, Status: importer.StatusApproved, CreatedAt: at("2019-05-03T12:00:00Z")},
			{Key: "804", Thread: "601", Author: importer.Author{Key: "kim", Name: "Kim", Email: "kim@mail.example"},
				Body:   "<p>Same words, posted twice by a double click.</p>",
				Format: importer.FormatHTML, Status: importer.StatusApproved, CreatedAt: at("2019-05-03T12:00:00Z")},
			{Key: "", Thread: "601", Author: importer.Author{Key: "", Name: "Rocío", Email: "", Guest: true},
				Body:   "Un comentario sin identificador, &nbps; con una entidad rota y otra sin punto y coma: &euro 5.",
				Format: importer.FormatHTML, Status: importer.StatusApproved, CreatedAt: time.Time{}},
			{Key: "807", Thread: "603", Author: importer.Author{Key: "odile", Name: "Odile", Email: "odile@mail.example"},
				Body:   "<p>Le bio, oui, mais <b>qui paie</b> la différence\u00a0?</p>",
				Format: importer.FormatHTML, Status: importer.StatusApproved, CreatedAt: at("2019-08-30T07:30:00.25Z")},
			{Key: "808", Thread: "603", Parent: "807", Author: importer.Author{Key: "odile", Name: "Odile", Email: "odile@mail.example"},
				Body:   "<p>Les parents d'élèves ont voté contre, je crois.</p>",
				Format: importer.FormatHTML, Status: importer.StatusDeleted, CreatedAt: time.Time{}},
			{Key: "809", Thread: "603", Author: importer.Author{Key: "", Name: "Promo", Email: "promo@spam.example", Guest: true},
				Body:   "<p>Achetez des montres pas chères !</p>",
				Format: importer.FormatHTML, Status: importer.StatusSpam, CreatedAt: at("2019-08-30T08:00:00Z")},
			{Key: "810", Thread: "699", Author: importer.Author{Key: "kim", Name: "Kim", Email: "kim@mail.example"},
				Body:   "<p>A reply to a thread that is not in the file.</p>",
				Format: importer.FormatHTML, Status: importer.StatusApproved, CreatedAt: at("2019-09-01T08:00:00Z")},
		},
		repairs: map[string]int{"boolean-spelling": 4, "broken-encoding": 2, "broken-entity": 2, "control-character": 1, "date-format": 2},
		skips:   map[string]int{"category (Disqus's grouping of threads)": 1, "deleted thread": 1, "post of a deleted thread": 1, "post without a thread": 1, "unknown element <internal>": 1},
	},
	"latin1.xml": {
		threads: []*importer.Thread{
			{Key: "701", Ident: "müll-2018", URL: "https://zeitung.example/müll", Title: "Mülltrennung: Was ändert sich 2018?", CreatedAt: at("2018-01-05T07:00:00Z")},
		},
		posts: []*importer.Post{
			{Key: "7011", Thread: "701", Author: importer.Author{Key: "francois", Name: "François", Email: "françois@mail.example"},
				Body:   "<p>Gelöste Fragen gibt es kaum, ungelöste dafür viele.</p>",
				Format: importer.FormatHTML, Status: importer.StatusApproved, CreatedAt: at("2018-01-05T08:00:00Z")},
			{Key: "7012", Thread: "701", Parent: "7011", Author: importer.Author{Key: "ines", Name: "Inés", Email: "ines@mail.example"},
				Body:   "<p>¿Y el contenedor marrón? Nadie lo vacía a tiempo.</p>",
				Format: importer.FormatHTML, Status: importer.StatusApproved, CreatedAt: at("2018-01-05T09:30:00Z")},
		},
		repairs: nil,
		skips:   nil,
	},
}

package importer_test

import (
	"context"
	"maps"
	"strconv"
	"strings"
	"testing"

	"parley"
	"parley/internal/importer"
	"parley/internal/importer/textfix"
)

// byBody finds the comments of r by body (placeholders by "" are not
// found: they have none).
func (r *siteRows) byBody(t *testing.T) map[string]*parley.Comment {
	t.Helper()
	m := map[string]*parley.Comment{}
	for _, cs := range r.comments {
		for _, c := range cs {
			if c.Body != "" {
				if m[c.Body] != nil {
					t.Errorf("two comments with body %q", c.Body)
				}
				m[c.Body] = c
			}
		}
	}
	return m
}

func thread(key, url string) *importer.Thread {
	return &importer.Thread{Key: key, URL: url, Title: "Titel " + key, Lang: "de", CreatedAt: at(0)}
}

func post(key, thread, parent, body string, m int) *importer.Post {
	return &importer.Post{Key: key, Thread: thread, Parent: parent, Body: body, CreatedAt: at(m),
		Author: importer.Author{Key: "a-" + key, Name: "Leser " + key, Email: key + "@leser.example"}}
}

// TestRepairs feeds one fault of each kind and checks that each is
// counted once and repaired as documented.
func TestRepairs(t *testing.T) {
	store := openSQLite(t)
	noMail := post("p6", "t1", "", "Kein Absender, aber eine Meinung.", 6)
	noMail.Author = importer.Author{Name: "Gast"}
	noTime := post("p8", "t1", "p1", "Wann war das noch?", 0)
	noTime.CreatedAt = noTime.CreatedAt.AddDate(-100, 0, 0) // before 1970: no usable time
	html := post("p9", "t1", "", "<p>Das <b>stimmt</b> so nicht.</p>", 9)
	html.Format = importer.FormatHTML
	text := post("p10", "t1", "", "*kein* Markdown # hier", 10)
	text.Format = importer.FormatText
	s := script{
		thread("t1", "https://news.example/2019/03/wahl"),
		&importer.Thread{Key: "", URL: "https://news.example/leer", Title: "Ohne Schlüssel"},
		post("p1", "t1", "", "Der erste Kommentar zur Wahl.", 1),
		post("p2", "t1", "p1", "Eine Antwort darauf.", 2),
		post("p2", "t1", "p1", "Eine Antwort darauf.", 2),             // the same post again
		post("p2", "t1", "p1", "Eine andere Antwort, gleiche ID.", 3), // another post with its key
		func() *importer.Post {
			p := post("", "t1", "", "Ohne ID geschrieben.", 4)
			p.Author.Email = "ohne@leser.example"
			return p
		}(),
		post("p5", "t1", "weg", "Die Antwort auf etwas, das fehlt.", 5),
		noMail,
		post("p7", "t1", "p1", "Älter als das, worauf ich antworte.", -10),
		noTime,
		html,
		text,
		post("p11", "unbekannt", "", "Zu einem Faden, den es nicht gibt.", 11),
		post("p12", "t1", "", "   ", 12),
	}
	sum := mustRun(t, store, s, importer.Options{})
	wantRepaired := map[string]int{
		importer.RepairEmptyID: 2, importer.RepairDuplicatePost: 1, importer.RepairDuplicateID: 1,
		importer.RepairOrphan: 1, importer.RepairMissingEmail: 1, importer.RepairTimeOrder: 1,
		importer.RepairMissingTime: 1, importer.RepairHTML: 1,
	}
	if !maps.Equal(sum.Repaired, wantRepaired) {
		t.Errorf("Repaired = %v, want %v", sum.Repaired, wantRepaired)
	}
	wantSkipped := map[string]int{"post of an unknown thread": 1, "empty body": 1, "thread without comments": 1}
	if !maps.Equal(sum.Skipped, wantSkipped) {
		t.Errorf("Skipped = %v, want %v", sum.Skipped, wantSkipped)
	}
	if sum.Stories != 1 || sum.Comments != 10 || sum.Existing != 0 {
		t.Errorf("summary = %+v, want 1 story, 10 comments", sum)
	}
	r := checkInvariants(t, store)
	c := r.byBody(t)
	first := c["Der erste Kommentar zur Wahl."]
	if first == nil || first.CreatedAt != at(1) {
		t.Fatalf("first comment = %+v", first)
	}
	if got := c["Eine andere Antwort, gleiche ID."]; got == nil || got.ParentID != first.ID {
		t.Errorf("the second post of key p2 = %+v, want a reply to the first comment", got)
	}
	if got := c["Die Antwort auf etwas, das fehlt."]; got == nil || got.ParentID != "" || got.Depth != 0 {
		t.Errorf("orphan = %+v, want it at the top level", got)
	}
	if got := c["Älter als das, worauf ich antworte."]; got == nil || !got.CreatedAt.Equal(at(1).Add(1e6)) {
		t.Errorf("early reply = %+v, want it 1 ms after its parent", got)
	}
	if got := c["Wann war das noch?"]; got == nil || !got.CreatedAt.Equal(at(1).Add(1e6)) {
		t.Errorf("reply without a time = %+v, want its parent's time and 1 ms", got)
	}
	var converted *parley.Comment
	for body, x := range c {
		if strings.Contains(body, "stimmt") {
			converted = x
		}
	}
	if converted == nil || strings.Contains(converted.Body, "<") || !strings.HasPrefix(converted.HTML, "<p>Das ") {
		t.Errorf("HTML body = %+v, want Markdown rendered again", converted)
	}
	if got := c[`\*kein\* Markdown \# hier`]; got == nil || got.HTML != "<p>*kein* Markdown # hier</p>" {
		t.Errorf("plain text body = %+v, want it shown as typed", got)
	}
	if got := c["Kein Absender, aber eine Meinung."]; got == nil || r.users[got.AuthorID].Name != "Gast" {
		t.Errorf("author without an address = %+v", got)
	}
	if first.ReplyCount != 4 {
		t.Errorf("first comment's ReplyCount = %d, want 4", first.ReplyCount)
	}
}

// TestLoops gives replies that form a loop: each loop is opened at a post
// whose parent comes later in the file, nothing is lost, nothing hangs.
func TestLoops(t *testing.T) {
	store := openSQLite(t)
	sum := mustRun(t, store, script{
		thread("t1", "https://news.example/kreis"),
		post("a", "t1", "c", "Ich antworte auf C.", 1),
		post("b", "t1", "a", "Ich antworte auf A.", 2),
		post("c", "t1", "b", "Ich antworte auf B.", 3),
		post("d", "t1", "d", "Ich antworte auf mich selbst.", 4),
	}, importer.Options{})
	if sum.Comments != 4 || sum.Repaired[importer.RepairOrphan] != 2 {
		t.Errorf("summary = %+v, want 4 comments and 2 loops opened", sum)
	}
	c := checkInvariants(t, store).byBody(t)
	if a := c["Ich antworte auf C."]; a == nil || a.Depth != 0 || c["Ich antworte auf B."].Depth != 2 {
		t.Errorf("loop a→c→b→a not opened at a: %+v", a)
	}
}

// TestStatuses maps each source status, deleted posts with replies to
// placeholders and those without to nothing.
func TestStatuses(t *testing.T) {
	store := openSQLite(t)
	with := func(p *importer.Post, st importer.Status) *importer.Post { p.Status = st; return p }
	sum := mustRun(t, store, script{
		thread("t1", "https://news.example/status"),
		with(post("ok", "t1", "", "Freigegeben.", 1), importer.StatusApproved),
		with(post("wait", "t1", "", "Wartet noch.", 2), importer.StatusPending),
		with(post("no", "t1", "", "Abgelehnt.", 3), importer.StatusRejected),
		with(post("spam", "t1", "", "Billige Uhren", 4), importer.StatusSpam),
		with(post("gone", "t1", "", "Gelöscht, mit Antwort.", 5), importer.StatusDeleted),
		with(post("reply", "t1", "gone", "Die Antwort bleibt.", 6), importer.StatusApproved),
		with(post("gone2", "t1", "", "Gelöscht, ohne Antwort.", 7), importer.StatusDeleted),
		with(post("gone3", "t1", "gone2", "Auch gelöscht.", 8), importer.StatusDeleted),
		with(post("odd", "t1", "", "Ein Status, den es nicht gibt.", 9), importer.Status(42)),
	}, importer.Options{})
	if sum.Comments != 7 || sum.Skipped["deleted without replies"] != 2 {
		t.Errorf("summary = %+v, want 7 comments and 2 deleted posts skipped", sum)
	}
	r := checkInvariants(t, store)
	c := r.byBody(t)
	for body, want := range map[string]string{"Freigegeben.": "approved", "Wartet noch.": "pending", "Abgelehnt.": "rejected",
		"Billige Uhren": "rejected", "Die Antwort bleibt.": "approved", "Ein Status, den es nicht gibt.": "pending"} {
		if c[body] == nil || c[body].Status != want {
			t.Errorf("%q: %+v, want status %s", body, c[body], want)
		}
	}
	placeholder := r.comments["u"+textfix.StoryID("https://news.example/status")[1:]]
	var found bool
	for _, x := range placeholder {
		if x.Status == parley.StatusDeleted {
			found = x.Body == "" && x.HTML == "" && !x.DeletedAt.IsZero() && x.ReplyCount == 1 && c["Die Antwort bleibt."].ParentID == x.ID
		}
	}
	if !found {
		t.Errorf("no deleted placeholder with its reply among %v", placeholder)
	}
	if r.stories[0].CommentCount != 2 {
		t.Errorf("CommentCount = %d, want 2", r.stories[0].CommentCount)
	}
}

// TestStoryIDs derives story IDs as documented: a valid Ident as it is,
// else the embed's hash of the URL after the URL rules (vectors computed
// with widget/src/story.ts storyFor under node), the longest rule first.
func TestStoryIDs(t *testing.T) {
	for url, want := range map[string]string{
		"https://news.example/2019/03/wahl":        "u0f5v32b1sqi3ba",
		"https://new.example/blog/ete":             "u13besp20jex3l1",
		"https://zeitung.example/artikel/über-uns": "u1jfle4y0zfyvbp",
		"":                             "u0ztntfp0a2bncy",
		"https://news.example/emoji/😀": "u1772rb80mbetyh",
	} {
		if got := textfix.StoryID(url); got != want {
			t.Errorf("StoryID(%q) = %s, want %s (story.ts)", url, got, want)
		}
	}
	store := openSQLite(t)
	rules := []importer.URLRule{{From: "http://old.example", To: "https://wrong.example"},
		{From: "http://old.example/blog", To: "https://new.example/blog"}}
	sum := mustRun(t, store, script{
		&importer.Thread{Key: "1", Ident: "wahl-2019", URL: "https://news.example/2019/03/wahl"},
		&importer.Thread{Key: "2", Ident: "nicht gültig", URL: "https://news.example/2019/03/wahl"},
		&importer.Thread{Key: "3", URL: "http://old.example/blog/ete", Title: "L'été"},
		post("a", "1", "", "Zur Wahl, per Kennung.", 1),
		post("b", "2", "", "Zur Wahl, per Adresse.", 2),
		post("c", "3", "", "C'était un bel été.", 3),
	}, importer.Options{MapURL: rules})
	if sum.Stories != 3 {
		t.Errorf("summary = %+v, want 3 stories", sum)
	}
	r := checkInvariants(t, store)
	got := map[string]string{}
	for _, st := range r.stories {
		got[st.ID] = st.URL
	}
	want := map[string]string{"wahl-2019": "https://news.example/2019/03/wahl",
		"u0f5v32b1sqi3ba": "https://news.example/2019/03/wahl", "u13besp20jex3l1": "https://new.example/blog/ete"}
	if !maps.Equal(got, want) {
		t.Errorf("stories = %v, want %v", got, want)
	}
}

func TestParseURLRule(t *testing.T) {
	r, err := importer.ParseURLRule("http://old.example=https://new.example")
	if err != nil || r != (importer.URLRule{From: "http://old.example", To: "https://new.example"}) {
		t.Errorf("ParseURLRule = %+v, %v", r, err)
	}
	for _, bad := range []string{"", "http://old.example", "=https://new.example", "http://old.example="} {
		if _, err := importer.ParseURLRule(bad); err == nil {
			t.Errorf("ParseURLRule(%q) accepted", bad)
		}
	}
}

func TestReadSSOMap(t *testing.T) {
	m, err := importer.ReadSSOMap(strings.NewReader("email,subject\nAda@Example.COM,user-17\n bob@example.org , 42\n"))
	if err != nil || !maps.Equal(m, map[string]string{"ada@example.com": "user-17", "bob@example.org": "42"}) {
		t.Errorf("ReadSSOMap = %v, %v", m, err)
	}
	if m, err := importer.ReadSSOMap(strings.NewReader("ada@example.com,7\n")); err != nil || m["ada@example.com"] != "7" {
		t.Errorf("ReadSSOMap without a header = %v, %v", m, err)
	}
	for _, bad := range []string{"not an address,7\n", "ada@example.com,\n", "ada@example.com,1\nADA@example.com,2\n", "a,b,c\n", "\"open"} {
		if _, err := importer.ReadSSOMap(strings.NewReader(bad)); err == nil {
			t.Errorf("ReadSSOMap(%q) accepted", bad)
		}
	}
}

// TestAuthors merges authors by address across threads, sources and
// runs, and gives mapped addresses' comments to SSO users: a new one with
// its identity, or the existing user of an identity.
func TestAuthors(t *testing.T) {
	store := openSQLite(t)
	ctx := t.Context()
	existing := &parley.User{ID: parley.NewID(at(0)), SiteID: "news", Name: "Bob (SSO)", TokenHash: "h", CreatedAt: at(0)}
	err := store.Update(ctx, func(tx parley.Tx) error {
		if err := tx.CreateUser(ctx, existing); err != nil {
			return err
		}
		return tx.CreateIdentity(ctx, "news", "sso:bob-1", existing.ID, at(0))
	})
	if err != nil {
		t.Fatal(err)
	}
	by := func(p *importer.Post, name, email string) *importer.Post {
		p.Author = importer.Author{Key: "k-" + name, Name: name, Email: email}
		return p
	}
	sso := map[string]string{"bob@example.org": "bob-1", "cleo@example.net": "cleo-9"}
	sum := mustRun(t, store, script{
		thread("t1", "https://news.example/eins"), thread("t2", "https://news.example/zwei"),
		by(post("1", "t1", "", "Ada im ersten Faden.", 1), "Ada", "ADA@example.com"),
		by(post("2", "t2", "", "Ada im zweiten Faden.", 2), "Ada L.", "ada@example.com"),
		by(post("3", "t1", "", "Bob hat schon ein Konto.", 3), "Bob", "bob@example.org"),
		by(post("4", "t2", "", "Cleo bekommt eines.", 4), "Cleo", "cleo@example.net"),
		&importer.Post{Key: "5", Thread: "t2", Body: "Dora kennt der Verlag.", CreatedAt: at(5), Author: importer.Author{Key: "d"}},
		&importer.Author{Key: "d", Name: "Dora", SSO: "dora-3"},
	}, importer.Options{MapSSO: sso})
	if sum.Commenters != 3 {
		t.Errorf("Commenters = %d, want 3 (Ada, Cleo, Dora)", sum.Commenters)
	}
	// A second source names Ada again: the same user.
	sum2 := mustRun(t, store, script{
		thread("x", "https://news.example/drei"),
		by(post("1", "x", "", "Ada aus einer anderen Quelle.", 6), "Ada", "ada@example.com"),
	}, importer.Options{Source: "other"})
	if sum2.Commenters != 0 || sum2.Comments != 1 {
		t.Errorf("second source: %+v, want 1 comment by a known user", sum2)
	}
	r := checkInvariants(t, store)
	c := r.byBody(t)
	ada := c["Ada im ersten Faden."].AuthorID
	if c["Ada im zweiten Faden."].AuthorID != ada || c["Ada aus einer anderen Quelle."].AuthorID != ada {
		t.Errorf("Ada's comments have different authors")
	}
	if r.users[ada].Counts.Approved != 3 {
		t.Errorf("Ada's counts = %+v, want 3 approved", r.users[ada].Counts)
	}
	if got := c["Bob hat schon ein Konto."]; got.AuthorID != existing.ID || got.AuthorName != "Bob (SSO)" {
		t.Errorf("Bob's comment = %+v, want the existing SSO user's", got)
	}
	for sub, body := range map[string]string{"cleo-9": "Cleo bekommt eines.", "dora-3": "Dora kennt der Verlag."} {
		u, err := store.IdentityUser(ctx, "news", "sso:"+sub)
		if err != nil || c[body].AuthorID != u.ID {
			t.Errorf("identity sso:%s = %v, %v; comment by %s", sub, u, err, c[body].AuthorID)
		}
	}
}

// TestIdempotent imports the same file twice: the second run adds
// nothing and says the stories were there.
func TestIdempotent(t *testing.T) {
	store := openSQLite(t)
	s := script{thread("t1", "https://news.example/a"), thread("t2", "https://news.example/b"),
		post("1", "t1", "", "Eins.", 1), post("2", "t1", "1", "Zwei.", 2), post("3", "t2", "", "Drei.", 3)}
	first := mustRun(t, store, s, importer.Options{})
	before := readSite(t, store)
	second := mustRun(t, store, s, importer.Options{})
	if first.Stories != 2 || first.Comments != 3 || first.Commenters != 3 {
		t.Errorf("first run: %+v", first)
	}
	if second.Stories != 0 || second.Comments != 0 || second.Commenters != 0 || second.Existing != 2 {
		t.Errorf("second run: %+v, want nothing new and 2 existing", second)
	}
	after := checkInvariants(t, store)
	if len(after.users) != len(before.users) || len(after.comments) != len(before.comments) {
		t.Errorf("second run changed the rows")
	}
}

// cancelAfter is a Target whose context is cancelled after n units.
type cancelAfter struct {
	parley.Store
	n      int
	cancel context.CancelFunc
}

func (c *cancelAfter) Update(ctx context.Context, fn func(tx parley.Tx) error) error {
	if c.n == 0 {
		c.cancel()
	}
	c.n--
	return c.Store.Update(ctx, fn)
}

// TestInterrupted cancels an import after two stories: those two are
// whole, the others absent; a parse error midway writes nothing; a rerun
// completes both, with counts right.
func TestInterrupted(t *testing.T) {
	var s script
	for i := range 5 {
		key := string(rune('a' + i))
		s = append(s, thread(key, "https://news.example/"+key),
			post(key+"1", key, "", "Oben in "+key+".", i), post(key+"2", key, key+"1", "Darunter in "+key+".", i+1))
	}
	t.Run("cancel", func(t *testing.T) {
		store := openSQLite(t)
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		target := &cancelAfter{Store: store, n: 2, cancel: cancel}
		_, err := importer.Run(ctx, target, importer.Options{Site: "news", Source: "test", WorkDir: t.TempDir()}, s.parse, input(t))
		if err == nil {
			t.Fatal("Run after cancel: no error")
		}
		r := checkInvariants(t, store)
		if len(r.stories) != 2 {
			t.Fatalf("stories after cancel: %d, want 2", len(r.stories))
		}
		for _, st := range r.stories {
			if len(r.comments[st.ID]) != 2 {
				t.Errorf("story %s has %d comments, want both", st.ID, len(r.comments[st.ID]))
			}
		}
		sum := mustRun(t, store, s, importer.Options{})
		if sum.Existing != 2 || sum.Stories != 3 || sum.Comments != 6 {
			t.Errorf("rerun: %+v, want 2 existing, 3 stories and 6 comments new", sum)
		}
		if r := checkInvariants(t, store); len(r.stories) != 5 {
			t.Errorf("stories after the rerun: %d", len(r.stories))
		}
	})
	t.Run("parse error", func(t *testing.T) {
		store := openSQLite(t)
		broken := append(append(script{}, s[:6]...), errBroken)
		sum, err := run(t, store, broken, importer.Options{})
		if err == nil || !strings.Contains(err.Error(), "line 99") || !strings.Contains(err.Error(), "nothing was written") {
			t.Fatalf("Run of a broken file: %v", err)
		}
		if sum.Stories != 0 || len(readSite(t, store).stories) != 0 {
			t.Errorf("a broken file wrote %+v", sum)
		}
		if sum := mustRun(t, store, s, importer.Options{}); sum.Stories != 5 {
			t.Errorf("run of the whole file: %+v", sum)
		}
		checkInvariants(t, store)
	})
}

// TestBackends imports into a story that already has native comments, on
// both backends, and checks every count afterwards and after a rerun.
func TestBackends(t *testing.T) {
	for name, open := range backends(t) {
		t.Run(name, func(t *testing.T) {
			store := open(t)
			ctx := t.Context()
			url := "https://news.example/2019/03/wahl"
			st, err := store.EnsureStory(ctx, &parley.Story{SiteID: "news", ID: textfix.StoryID(url), URL: url, Title: "Wahl",
				Status: parley.StoryOpen, CreatedAt: at(100)})
			if err != nil {
				t.Fatal(err)
			}
			u := &parley.User{ID: parley.NewID(at(100)), SiteID: "news", Name: "Native", TokenHash: "t", CreatedAt: at(100)}
			if err := store.CreateUser(ctx, u); err != nil {
				t.Fatal(err)
			}
			native := &parley.Comment{ID: parley.NewID(at(101)), SiteID: "news", StoryID: st.ID, AuthorID: u.ID,
				AuthorName: "Native", Body: "Schon da.", HTML: "<p>Schon da.</p>", Status: parley.StatusApproved, CreatedAt: at(101)}
			native.RootID = native.ID
			if err := store.CreateComment(ctx, native); err != nil {
				t.Fatal(err)
			}
			deleted := post("d", "t1", "", "weg", 2)
			deleted.Status = importer.StatusDeleted
			s := script{thread("t1", url), thread("t2", "https://news.example/neu"),
				post("1", "t1", "", "Importiert.", 1), deleted, post("2", "t1", "d", "Unter dem Gelöschten.", 3),
				post("3", "t2", "", "Anderswo.", 4)}
			sum := mustRun(t, store, s, importer.Options{})
			if sum.Stories != 2 || sum.Comments != 4 {
				t.Errorf("summary = %+v", sum)
			}
			r := checkInvariants(t, store)
			got, _ := store.Story(ctx, "news", st.ID)
			if got.CommentCount != 3 || got.Title != "Wahl" {
				t.Errorf("story with native comments: %+v, want count 3 and its own title", got)
			}
			if n := len(r.comments[st.ID]); n != 4 {
				t.Errorf("story has %d comments, want 4", n)
			}
			if again := mustRun(t, store, s, importer.Options{}); again.Existing != 2 || again.Comments != 0 {
				t.Errorf("rerun: %+v", again)
			}
			checkInvariants(t, store)
			events, err := store.LogEvents(ctx, 0, nil, 1000)
			if err != nil {
				t.Fatal(err)
			}
			changed := 0
			for _, e := range events {
				if e.Type == parley.EventStoryChanged {
					changed++
				}
			}
			if changed != 2 {
				t.Errorf("%d story.changed events, want one per story written", changed)
			}
		})
	}
}

// TestDryRun reads, repairs and counts, and writes nothing.
func TestDryRun(t *testing.T) {
	store := openSQLite(t)
	s := script{thread("t1", "https://news.example/a"), post("1", "t1", "", "Eins.", 1), post("2", "t1", "x", "Zwei.", 2)}
	sum := mustRun(t, store, s, importer.Options{DryRun: true})
	if !sum.DryRun || sum.Stories != 1 || sum.Comments != 2 || sum.Commenters != 2 || sum.Repaired[importer.RepairOrphan] != 1 {
		t.Errorf("dry run: %+v", sum)
	}
	if r := readSite(t, store); len(r.stories) != 0 || len(r.users) != 0 {
		t.Errorf("a dry run wrote %d stories, %d users", len(r.stories), len(r.users))
	}
	if events, _ := store.LogEvents(t.Context(), 0, nil, 10); len(events) != 0 {
		t.Errorf("a dry run appended %v", events)
	}
}

// TestModerate runs the site's lists only when asked: a banned entry
// rejects, a suspect one holds, each with a revision giving the reasons.
func TestModerate(t *testing.T) {
	s := script{thread("t1", "https://news.example/a"),
		post("1", "t1", "", "Das ist Schwurbelei.", 1), post("2", "t1", "", "Das ist fragwürdig.", 2), post("3", "t1", "", "Sachlich.", 3)}
	for _, moderate := range []bool{false, true} {
		store := openSQLite(t)
		ctx := t.Context()
		if _, err := store.AddWords(ctx, "news", parley.WordsBanned, "de", []string{"schwurbelei"}, at(0)); err != nil {
			t.Fatal(err)
		}
		if _, err := store.AddWords(ctx, "news", parley.WordsSuspect, "de", []string{"fragwürdig"}, at(0)); err != nil {
			t.Fatal(err)
		}
		mustRun(t, store, s, importer.Options{Moderate: moderate})
		c := checkInvariants(t, store).byBody(t)
		want := map[string]string{"Das ist Schwurbelei.": "approved", "Das ist fragwürdig.": "approved", "Sachlich.": "approved"}
		if moderate {
			want["Das ist Schwurbelei."], want["Das ist fragwürdig."] = "rejected", "pending"
		}
		for body, status := range want {
			if c[body].Status != status {
				t.Errorf("moderate=%t: %q is %s, want %s", moderate, body, c[body].Status, status)
			}
		}
		revs, err := store.CommentRevisions(ctx, c["Das ist Schwurbelei."].ID)
		if moderate && (err != nil || len(revs) != 1 || len(revs[0].Reasons) != 1 || revs[0].Reasons[0].Key != parley.WordsBanned) {
			t.Errorf("revisions of the banned comment = %+v, %v", revs, err)
		}
		if !moderate && len(revs) != 0 {
			t.Errorf("revisions without --moderate: %+v", revs)
		}
	}
}

// TestProgress reports both phases, each ending with a final call whose
// counts are the phase's whole.
func TestProgress(t *testing.T) {
	store := openSQLite(t)
	var calls []importer.Progress
	s := script{thread("t1", "https://news.example/a"), thread("t2", "https://news.example/b"),
		post("1", "t1", "", "Eins.", 1), post("2", "t2", "", "Zwei.", 2), post("3", "t2", "2", "Drei.", 3)}
	mustRun(t, store, s, importer.Options{Progress: func(p importer.Progress) { calls = append(calls, p) }})
	var finals []importer.Progress
	for _, p := range calls {
		if p.Final {
			finals = append(finals, importer.Progress{Phase: p.Phase, Done: p.Done, Total: p.Total, Comments: p.Comments})
		}
	}
	want := []importer.Progress{{Phase: importer.PhaseReading, Done: 0, Total: 9, Comments: 3},
		{Phase: importer.PhaseWriting, Done: 2, Total: 2, Comments: 3}}
	if len(finals) != 2 || finals[0] != want[0] || finals[1] != want[1] {
		t.Errorf("final progress calls = %+v, want %+v", finals, want)
	}
}

// TestDeepThread gives a chain of replies deeper than Parley's threads:
// those below the deepest level become siblings there, and nothing is
// lost.
func TestDeepThread(t *testing.T) {
	store := openSQLite(t)
	s := script{thread("t1", "https://news.example/tief")}
	parent := ""
	for i := range 70 {
		key := "p" + strconv.Itoa(i)
		s = append(s, post(key, "t1", parent, "Antwort Nummer "+strconv.Itoa(i)+".", i))
		parent = key
	}
	sum := mustRun(t, store, s, importer.Options{})
	if sum.Comments != 70 || sum.Repaired[importer.RepairDepth] != 5 {
		t.Errorf("summary = %+v, want 70 comments, 5 lifted", sum)
	}
	c := checkInvariants(t, store).byBody(t)
	deepest := c["Antwort Nummer 64."]
	for i := 65; i < 70; i++ {
		if got := c["Antwort Nummer "+strconv.Itoa(i)+"."]; got.Depth != 64 || got.ParentID != c["Antwort Nummer 63."].ID {
			t.Errorf("reply %d at depth %d under %s, want 64 under reply 63", i, got.Depth, got.ParentID)
		}
	}
	if deepest.Depth != 64 {
		t.Errorf("reply 64 at depth %d", deepest.Depth)
	}
}

package importer

import (
	"context"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"time"
	"unicode/utf8"

	_ "modernc.org/sqlite" // the staging database

	"parley"
	"parley/internal/importer/textfix"
)

// The staging database holds what a parser emits until the file is read
// to its end, because exports are not grouped by story: a Disqus file
// lists every thread, then every post in any order. It is a temporary
// SQLite file without journal or syncs (a crash loses nothing that the
// file itself does not still have), with a bounded page cache, so that
// the memory of an import does not grow with the file.
const stagingSchema = `
CREATE TABLE threads (
	seq        INTEGER PRIMARY KEY,
	key        TEXT NOT NULL UNIQUE,
	story      TEXT NOT NULL,
	url        TEXT NOT NULL,
	title      TEXT NOT NULL,
	lang       TEXT NOT NULL,
	closed     INTEGER NOT NULL,
	created_at INTEGER NOT NULL,
	fallback   INTEGER NOT NULL DEFAULT 0 -- the time of a top-level post without one
);
CREATE INDEX threads_story ON threads (story, seq);
CREATE TABLE authors (
	key   TEXT PRIMARY KEY,
	name  TEXT NOT NULL,
	email TEXT NOT NULL,
	sso   TEXT NOT NULL,
	guest INTEGER NOT NULL
);
CREATE TABLE posts (
	seq          INTEGER PRIMARY KEY,
	key          TEXT NOT NULL UNIQUE,
	thread       TEXT NOT NULL,
	parent       TEXT NOT NULL,
	author_key   TEXT NOT NULL,
	author_name  TEXT NOT NULL,
	author_email TEXT NOT NULL,
	author_sso   TEXT NOT NULL,
	guest        INTEGER NOT NULL,
	body         TEXT NOT NULL, -- Markdown, repaired
	status       INTEGER NOT NULL,
	created_at   INTEGER NOT NULL, -- Unix ms, 0 when missing
	edited_at    INTEGER NOT NULL,
	content      TEXT NOT NULL UNIQUE -- thread, author, body and time: a duplicate post has the same
);
CREATE INDEX posts_parent ON posts (thread, parent);
CREATE TABLE aliases (key TEXT PRIMARY KEY, target TEXT NOT NULL);
CREATE TABLE tree (
	seq        INTEGER PRIMARY KEY,
	story      TEXT NOT NULL,
	depth      INTEGER NOT NULL,
	parent_seq INTEGER NOT NULL,
	root_seq   INTEGER NOT NULL,
	at         INTEGER NOT NULL -- the repaired time
);
`

// stagingPragmas: no journal and no syncs (the file is thrown away), an
// 8 MB page cache (it costs about twice that in RSS, outside the Go heap;
// the file's pages are in the OS's cache anyway), temporary tables on
// disk.
var stagingPragmas = []string{"journal_mode(OFF)", "synchronous(OFF)", "cache_size(-8000)", "temp_store(FILE)", "mmap_size(0)"}

// staging is the open staging database of one Run.
type staging struct {
	path  string
	db    *sql.DB
	conn  *sql.Conn            // the one connection: every statement goes through it
	stmts map[string]*sql.Stmt // the statements run per record, prepared once
}

// openStaging creates the staging file in dir.
func openStaging(ctx context.Context, dir string) (*staging, error) {
	if dir == "" {
		dir = os.TempDir()
	}
	f, err := os.CreateTemp(dir, "parley-import-*.db")
	if err != nil {
		return nil, fmt.Errorf("importer: staging file: %w", err)
	}
	path := f.Name()
	f.Close()
	q := url.Values{}
	for _, p := range stagingPragmas {
		q.Add("_pragma", p)
	}
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		os.Remove(path)
		return nil, fmt.Errorf("importer: staging: %w", err)
	}
	db.SetMaxOpenConns(1)
	s := &staging{path: path, db: db, stmts: map[string]*sql.Stmt{}}
	if s.conn, err = db.Conn(ctx); err == nil {
		_, err = s.conn.ExecContext(ctx, stagingSchema)
	}
	if err != nil {
		s.close()
		return nil, fmt.Errorf("importer: staging: %w", err)
	}
	return s, nil
}

// close closes and removes the staging file.
func (s *staging) close() error {
	var err error
	for _, st := range s.stmts {
		err = errors.Join(err, st.Close())
	}
	if s.conn != nil {
		err = s.conn.Close()
	}
	err = errors.Join(err, s.db.Close())
	for _, suffix := range []string{"", "-journal", "-wal", "-shm"} {
		if rmErr := os.Remove(s.path + suffix); rmErr != nil && !errors.Is(rmErr, os.ErrNotExist) {
			err = errors.Join(err, rmErr)
		}
	}
	return err
}

// prepared returns the statement of query, prepared on first use.
func (s *staging) prepared(ctx context.Context, query string) (*sql.Stmt, error) {
	if st, ok := s.stmts[query]; ok {
		return st, nil
	}
	st, err := s.conn.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	s.stmts[query] = st
	return st, nil
}

// exec runs a prepared statement.
func (s *staging) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	st, err := s.prepared(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}

// scan runs a prepared query of one row into dest.
func (s *staging) scan(ctx context.Context, query string, args []any, dest ...any) error {
	st, err := s.prepared(ctx, query)
	if err != nil {
		return err
	}
	return st.QueryRowContext(ctx, args...).Scan(dest...)
}

// batchSize is how many records go into the staging file per commit.
const batchSize = 2000

// stager is the Emitter of Run's reading phase: it repairs what a record
// alone shows (text, IDs, duplicates) and writes it into the staging file.
type stager struct {
	s       *staging
	opts    *Options
	sum     *Summary
	posts   int64
	pending int // records since the last commit
	tick    func(posts int64)
	inTx    bool
	fixed   []string // the text repairs of the record being staged
}

// Threads, authors and posts are bounded field by field: a hostile file
// cannot make one record big enough to matter, and nothing longer is a
// comment anyone wrote.
const (
	maxKey   = 512
	maxName  = 100 // runes
	maxTitle = 500 // bytes, as parley.Story allows
	maxURL   = 2000
	maxBody  = 4 * 20000 // bytes: four times the longest body a site allows
)

func (e *stager) begin(ctx context.Context) error {
	if e.inTx {
		return nil
	}
	_, err := e.s.conn.ExecContext(ctx, "BEGIN")
	e.inTx = err == nil
	return err
}

// counted commits every batchSize records.
func (e *stager) counted(ctx context.Context) error {
	e.pending++
	if e.pending < batchSize {
		return nil
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return e.commit(ctx)
}

func (e *stager) commit(ctx context.Context) error {
	e.pending = 0
	if !e.inTx {
		return nil
	}
	e.inTx = false
	_, err := e.s.conn.ExecContext(ctx, "COMMIT")
	return err
}

// Thread stages a thread; a second thread with a key already seen is
// skipped, since the posts that name the key cannot say which they mean.
func (e *stager) Thread(ctx context.Context, t *Thread) error {
	if err := e.begin(ctx); err != nil {
		return err
	}
	key := clip(t.Key, maxKey)
	if strings.TrimSpace(key) == "" {
		key = "~" + digest(t.Ident, t.URL, t.Title)[:20]
		e.fixed = append(e.fixed, RepairEmptyID)
	}
	title := clip(e.clean(t.Title), maxTitle)
	u := mapURL(e.opts.MapURL, strings.TrimSpace(t.URL))
	story := storyID(e.opts.Source, key, strings.TrimSpace(t.Ident), u)
	if len(u) > maxURL || !validURL(u) {
		u = ""
	}
	lang := t.Lang
	if len(lang) > 35 || !validLang(lang) {
		lang = ""
	}
	res, err := e.s.exec(ctx, `INSERT INTO threads (key, story, url, title, lang, closed, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`, key, story, u, title, lang, t.Closed, millis(t.CreatedAt))
	if err != nil {
		return fmt.Errorf("importer: stage thread: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		e.Skipped("thread given twice")
	} else {
		e.keepFixed()
	}
	e.fixed = e.fixed[:0]
	return e.counted(ctx)
}

// storyID is the thread's Ident when it is a valid story ID, else the ID
// the embed derives from the URL, else (no URL either) one derived from
// the source's key, which no embed finds but which keeps the comments.
func storyID(source, key, ident, url string) string {
	switch {
	case textfix.ValidStoryID(ident):
		return ident
	case url != "":
		return textfix.StoryID(url)
	}
	return textfix.StoryID(source + ":" + key)
}

// Author stages an author record of a format that keeps its users apart
// from the posts; posts name it by key. The first record of a key wins.
func (e *stager) Author(ctx context.Context, a *Author) error {
	key := clip(a.Key, maxKey)
	if key == "" {
		e.Skipped("author without a key")
		return nil
	}
	if err := e.begin(ctx); err != nil {
		return err
	}
	res, err := e.s.exec(ctx, `INSERT INTO authors (key, name, email, sso, guest) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT DO NOTHING`, key, e.name(a.Name), email(a.Email), clip(a.SSO, 255), a.Guest)
	if err != nil {
		return fmt.Errorf("importer: stage author: %w", err)
	}
	if n, _ := res.RowsAffected(); n > 0 {
		e.keepFixed()
	}
	e.fixed = e.fixed[:0]
	return e.counted(ctx)
}

// Post repairs and stages a post: its text cleaned and turned into
// Markdown, an empty key derived from its contents, a second copy of a
// post dropped (replies to it go to the first), a different post under a
// key already seen given a key of its own.
func (e *stager) Post(ctx context.Context, p *Post) error {
	e.posts++
	if e.tick != nil && e.posts%256 == 0 {
		e.tick(e.posts)
	}
	if len(p.Body) > maxBody {
		e.Skipped("body too long")
		return nil
	}
	if err := e.begin(ctx); err != nil {
		return err
	}
	e.fixed = e.fixed[:0]
	body := e.body(p.Body, p.Format)
	thread, parent := clip(p.Thread, maxKey), clip(p.Parent, maxKey)
	at := millis(p.CreatedAt)
	a := p.Author
	name, mail := e.name(a.Name), email(a.Email)
	content := digest(thread, a.Key, name, mail, body, fmt.Sprint(at))
	key := clip(p.Key, maxKey)
	if strings.TrimSpace(key) == "" {
		key = "~" + content[:20]
		e.fixed = append(e.fixed, RepairEmptyID)
	}
	var kept string
	switch err := e.s.scan(ctx, `SELECT key FROM posts WHERE content = ?`, []any{content}, &kept); {
	case err == nil:
		e.Repaired(RepairDuplicatePost)
		if kept != key {
			_, err = e.s.exec(ctx, `INSERT INTO aliases (key, target) VALUES (?, ?) ON CONFLICT DO NOTHING`, key, kept)
		}
		return err
	case !errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("importer: stage post: %w", err)
	}
	key, err := e.freeKey(ctx, key, content)
	if err != nil {
		return err
	}
	edited := millis(p.EditedAt)
	if edited <= at {
		edited = 0
	}
	_, err = e.s.exec(ctx, `INSERT INTO posts (key, thread, parent, author_key, author_name, author_email,
		author_sso, guest, body, status, created_at, edited_at, content) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		key, thread, parent, clip(a.Key, maxKey), name, mail, clip(a.SSO, 255), a.Guest, body, statusOf(p.Status), at, edited, content)
	if err != nil {
		return fmt.Errorf("importer: stage post: %w", err)
	}
	e.keepFixed()
	return e.counted(ctx)
}

// freeKey returns key, or when another post has it, key with a suffix
// from the post's contents (counted as a duplicate ID).
func (e *stager) freeKey(ctx context.Context, key, content string) (string, error) {
	for i := 0; ; i++ {
		var n int
		if err := e.s.scan(ctx, `SELECT count(*) FROM posts WHERE key = ?`, []any{key}, &n); err != nil {
			return "", fmt.Errorf("importer: stage post: %w", err)
		}
		if n == 0 {
			return key, nil
		}
		if i == 0 {
			e.Repaired(RepairDuplicateID)
		}
		key = clip(key, maxKey-24) + "~" + digest(content, fmt.Sprint(i))[:16]
	}
}

// keepFixed counts the repairs of a record that was staged; those of a
// record dropped as a copy are not counted: it is counted once, as a
// duplicate.
func (e *stager) keepFixed() {
	for _, k := range e.fixed {
		e.Repaired(k)
	}
	e.fixed = e.fixed[:0]
}

// Repaired counts a repair.
func (e *stager) Repaired(kind string) { e.sum.Repaired[kind]++ }

// Skipped counts a record left out.
func (e *stager) Skipped(reason string) { e.sum.Skipped[reason]++ }

// clean repairs entities and encodings of a text field, counting them.
func (e *stager) clean(s string) string {
	out, kinds := textfix.Clean(s)
	e.fixed = append(e.fixed, kinds...)
	return strings.ToValidUTF8(out, "\uFFFD")
}

// name is an author's display name, repaired and bounded.
func (e *stager) name(s string) string {
	s = strings.Join(strings.Fields(e.clean(s)), " ")
	if utf8.RuneCountInString(s) > maxName {
		s = string([]rune(s)[:maxName])
	}
	return s
}

// body returns a post's text as Markdown: HTML converted (counted), plain
// text escaped so that nothing in it becomes markup.
func (e *stager) body(s string, f Format) string {
	s = stripControls(s)
	switch f {
	case FormatHTML:
		// Clean would turn escaped text ("&lt;b&gt;") into markup: an HTML
		// body gets the repairs that are faults in HTML, then Markdown.
		out, kinds := textfix.CleanHTML(s)
		e.fixed = append(e.fixed, kinds...)
		e.fixed = append(e.fixed, RepairHTML)
		s = textfix.Markdown(strings.ToValidUTF8(out, "\uFFFD"))
	case FormatText:
		s = escapeMarkdown(e.clean(s))
	default:
		s = e.clean(s)
	}
	return strings.TrimSpace(s)
}

// stripControls drops NUL and the other C0 controls but tab and newline,
// which no comment means and PostgreSQL refuses (NUL) in text.
func stripControls(s string) string {
	if strings.IndexFunc(s, isControl) < 0 {
		return s
	}
	return strings.Map(func(r rune) rune {
		if isControl(r) {
			return -1
		}
		return r
	}, s)
}

func isControl(r rune) bool { return r < 0x20 && r != '\t' && r != '\n' || r == 0x7f }

// escapeMarkdown puts a backslash before what Markdown would read as
// markup, so that plain text shows as it was typed: the inline marks
// anywhere, list, heading and quote marks at the start of a line. Leading
// spaces go, or four of them would make a code block.
func escapeMarkdown(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = escapeLine(strings.TrimLeft(l, " \t"))
	}
	return strings.Join(lines, "\n")
}

func escapeLine(l string) string {
	var b strings.Builder
	digits := true // only digits so far: "1." or "1)" would start a list
	for i, r := range l {
		switch {
		case strings.ContainsRune("\\`*_[]<>#~|!&", r), i == 0 && strings.ContainsRune("-+=", r),
			i > 0 && digits && (r == '.' || r == ')'):
			b.WriteByte('\\')
		}
		digits = digits && r >= '0' && r <= '9'
		b.WriteRune(r)
	}
	return b.String()
}

// digest is parley.PartsSum in hex.
func digest(parts ...string) string {
	sum := parley.PartsSum(parts...)
	return hex.EncodeToString(sum[:])
}

// email is a usable address, lower-cased, or "".
func email(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	at := strings.LastIndexByte(s, '@')
	if at < 1 || at == len(s)-1 || len(s) > 254 || strings.ContainsAny(s, " \t\r\n<>,;\"") || !utf8.ValidString(s) {
		return ""
	}
	return s
}

// clip cuts s to at most n bytes at a rune boundary, valid UTF-8.
func clip(s string, n int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// millis is t in Unix milliseconds, 0 for a zero time or one no
// comment can have (before 1970 or after 9999).
func millis(t time.Time) int64 {
	if t.IsZero() || t.Year() < 1970 || t.Year() > 9999 {
		return 0
	}
	return t.UnixMilli()
}

func validURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// validLang accepts what looks like a BCP 47 tag: letters, digits, '-'.
func validLang(s string) bool {
	for _, r := range s {
		if !(r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return true
}

// statusOf bounds a parser's Status: anything unknown waits for a
// moderator rather than being shown.
func statusOf(s Status) Status {
	if s < StatusApproved || s > StatusDeleted {
		return StatusPending
	}
	return s
}

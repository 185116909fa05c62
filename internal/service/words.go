package service

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"parley"
	"parley/internal/moderation"
)

// WordChange is what AddWords or RemoveWords did.
type WordChange struct {
	List, Lang string
	Changed    int // entries added or removed
	Total      int // entries in the site's list afterwards
}

// Words returns a site's own list (banned or suspect) of a language, in
// byte order, without Parley's defaults (moderation.Defaults), to
// moderators and admins of the site.
func (s *Service) Words(ctx context.Context, siteID, list, lang string) ([]string, error) {
	site, err := s.Site(ctx, siteID)
	if err != nil {
		return nil, err
	}
	if _, err := authorize(ctx, site, actManageWords, nil); err != nil {
		return nil, err
	}
	if lang, err = checkWordList(list, lang); err != nil {
		return nil, err
	}
	words, err := s.store.Words(ctx, site.ID, list, lang)
	if err != nil {
		return nil, fmt.Errorf("words: %w", err)
	}
	return words, nil
}

// AddWords adds entries to a site's list of a language, for moderators
// and admins of the site. Each entry is checked as the matcher reads it
// (moderation.Compile), so that a list that was stored always compiles.
func (s *Service) AddWords(ctx context.Context, siteID, list, lang string, words []string) (*WordChange, error) {
	return s.changeWords(ctx, siteID, list, lang, words, true)
}

// RemoveWords removes entries from a site's list of a language, for
// moderators and admins of the site.
func (s *Service) RemoveWords(ctx context.Context, siteID, list, lang string, words []string) (*WordChange, error) {
	return s.changeWords(ctx, siteID, list, lang, words, false)
}

// changeWords adds or removes entries in one unit of work with what must
// change with them: the site's WordsVersion, so that every instance
// compiles the lists again when it next reads the site, and the audit
// entry.
func (s *Service) changeWords(ctx context.Context, siteID, list, lang string, words []string, add bool) (*WordChange, error) {
	site, err := s.Site(ctx, siteID)
	if err != nil {
		return nil, err
	}
	a, err := authorize(ctx, site, actManageWords, nil)
	if err != nil {
		return nil, err
	}
	if lang, err = checkWordList(list, lang); err != nil {
		return nil, err
	}
	if words, err = cleanWords(words); err != nil {
		return nil, err
	}
	if add {
		if err := s.roomFor(ctx, site.ID, list, lang, len(words)); err != nil {
			return nil, err
		}
	}
	ch := &WordChange{List: list, Lang: lang}
	err = s.store.Update(ctx, func(tx parley.Tx) error {
		var err error
		if add {
			ch.Changed, err = tx.AddWords(ctx, site.ID, list, lang, words, s.now())
		} else {
			ch.Changed, err = tx.RemoveWords(ctx, site.ID, list, lang, words)
		}
		if err != nil {
			return fmt.Errorf("change words: %w", err)
		}
		if ch.Changed == 0 {
			return nil
		}
		return s.wordsChanged(ctx, tx, site.ID, a, ch, words, add)
	})
	if err != nil {
		return nil, err
	}
	all, err := s.store.Words(ctx, site.ID, list, lang)
	if err != nil {
		return nil, fmt.Errorf("words: %w", err)
	}
	ch.Total = len(all)
	if ch.Changed > 0 {
		s.sites.drop(site.ID)
		s.publishEvent(ctx, parley.Event{Type: parley.EventSiteChanged, SiteID: site.ID})
	}
	return ch, nil
}

// wordsChanged moves the site's WordsVersion on and records the change in
// the audit log, in the unit of the change.
func (s *Service) wordsChanged(ctx context.Context, tx parley.Tx, siteID string, a *parley.Actor, ch *WordChange, words []string, add bool) error {
	site, err := tx.Site(ctx, siteID)
	if err != nil {
		return fmt.Errorf("site: %w", err)
	}
	site.Moderation.WordsVersion++
	if err := tx.UpdateSite(ctx, site); err != nil {
		return fmt.Errorf("update site: %w", err)
	}
	verb := "removed"
	if add {
		verb = "added"
	}
	e := &parley.AuditEntry{
		SiteID: siteID, Action: parley.AuditWordsChanged, ActorID: actorID(a), Reason: ch.List + "/" + ch.Lang,
		Note: fmt.Sprintf("%s %d: %s", verb, ch.Changed, clip(strings.Join(words, ", "), 500)), CreatedAt: s.now(),
	}
	if err := tx.AppendAudit(ctx, e); err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	return nil
}

// roomFor refuses (EINVALID, tooManyWords) to add n entries to a list
// that would then hold more than parley.MaxWords: the matcher must stay
// well under a millisecond a comment. Two additions at once may together
// pass the bound by one change's worth; the bound is about speed, not
// exactness.
func (s *Service) roomFor(ctx context.Context, siteID, list, lang string, n int) error {
	have, err := s.store.Words(ctx, siteID, list, lang)
	if err != nil {
		return fmt.Errorf("words: %w", err)
	}
	if len(have)+n > parley.MaxWords {
		return parley.Errorf(parley.EINVALID, "A list holds at most %d words.", parley.MaxWords).Keyed("tooManyWords")
	}
	return nil
}

// actorID is who acted, "" for the operator at the command line.
func actorID(a *parley.Actor) string {
	if a == nil || a.User == nil {
		return ""
	}
	return a.User.ID
}

// clip shortens s to at most n bytes, on a rune boundary, marking the cut.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// checkWordList refuses an unknown list or language and returns the
// language as lists are kept under it ("de-AT" is "de").
func checkWordList(list, lang string) (string, error) {
	if !parley.ValidWordList(list) {
		return "", parley.Errorf(parley.EINVALID, "The list is banned or suspect, not %q.", list).Keyed("badWordList")
	}
	l := parley.WordLang(lang)
	if l == "" {
		return "", parley.Errorf(parley.EINVALID, "%q is not a language such as de, en, es or fr.", lang).Keyed("badLang")
	}
	return l, nil
}

// cleanWords trims the entries, drops blank ones and repeats, and refuses
// the change unless every entry is one the matcher can compile.
func cleanWords(words []string) ([]string, error) {
	out := make([]string, 0, len(words))
	for _, w := range words {
		if w = strings.TrimSpace(w); w == "" {
			continue
		}
		if err := parley.CheckWord(w); err != nil {
			return nil, err
		}
		if _, err := moderation.Compile([]string{w}); err != nil {
			return nil, parley.Errorf(parley.EINVALID, "%q cannot be a word list entry: %v", w, err).Keyed("badWord")
		}
		out = append(out, w)
	}
	slices.Sort(out)
	out = slices.Compact(out)
	switch {
	case len(out) == 0:
		return nil, parley.Errorf(parley.EINVALID, "Name at least one word.").Keyed("badWord")
	case len(out) > parley.MaxWordsChange:
		return nil, parley.Errorf(parley.EINVALID, "Change at most %d words at once.", parley.MaxWordsChange).Keyed("tooManyWords")
	}
	return out, nil
}

// wordKey names the compiled lists of a site and language.
type wordKey struct{ site, lang string }

// compiledWords are a site's lists of one language, compiled, and the
// site's settings they were compiled for.
type compiledWords struct {
	version  int64
	defaults bool
	lists    moderation.Lists
}

// wordLists keeps compiled lists in memory: compiling thousands of
// entries takes milliseconds, matching a comment microseconds, so a post
// must never compile. An entry is good while the site it was compiled for
// has the same WordsVersion and NoDefaultWords; the site is read (and
// cached) by every post anyway, so a change made on any instance is
// noticed within the site cache's TTL, without a query of its own.
// Sites with no words of their own share the compiled defaults of a
// language.
//
// A list is compiled once however many posts miss it together: after a
// word list changes on a busy site, every post that arrives during the
// milliseconds of its compiling waits for that one compile (compiling)
// instead of starting its own, which with 5,000 words and 16 posters
// cost 16 compiles' CPU at once.
type wordLists struct {
	mu        sync.Mutex
	sites     map[wordKey]*compiledWords
	defaults  map[string]moderation.Lists
	compiling map[wordKey]*compileCall
}

// compileCall is a compile of a site's lists in progress; done is closed
// once words and err are set.
type compileCall struct {
	version  int64
	defaults bool
	done     chan struct{}
	words    *compiledWords
	err      error
}

func newWordLists() *wordLists {
	return &wordLists{sites: map[wordKey]*compiledWords{}, defaults: map[string]moderation.Lists{},
		compiling: map[wordKey]*compileCall{}}
}

// lists returns the compiled lists of site for a story language.
func (s *Service) lists(ctx context.Context, site *parley.Site, storyLang string) (moderation.Lists, error) {
	lang := parley.WordLang(storyLang)
	if lang == "" {
		lang = "en"
	}
	m := site.Moderation
	key := wordKey{site.ID, lang}
	w := s.words
	w.mu.Lock()
	c, ok := w.sites[key]
	w.mu.Unlock()
	if ok && c.version == m.WordsVersion && c.defaults == !m.NoDefaultWords {
		return c.lists, nil
	}
	if m.WordsVersion == 0 && !m.NoDefaultWords {
		return w.defaultLists(lang)
	}
	c, err := s.sharedCompile(ctx, site, key)
	if err != nil {
		return moderation.Lists{}, err
	}
	return c.lists, nil
}

// sharedCompile compiles the lists of key for site, or waits for the
// compile of the same settings that another post started. The compile
// does not end with the context of the post that started it, which may
// leave before the others that wait for it.
func (s *Service) sharedCompile(ctx context.Context, site *parley.Site, key wordKey) (*compiledWords, error) {
	m := site.Moderation
	w := s.words
	w.mu.Lock()
	call, ok := w.compiling[key]
	if ok && call.version == m.WordsVersion && call.defaults == !m.NoDefaultWords {
		w.mu.Unlock()
		select {
		case <-call.done:
			return call.words, call.err
		case <-ctx.Done():
			return nil, fmt.Errorf("waiting for the word lists: %w", ctx.Err())
		}
	}
	// The error stays if the compile panics, for the posts that wait.
	call = &compileCall{version: m.WordsVersion, defaults: !m.NoDefaultWords, done: make(chan struct{}),
		err: parley.Errorf(parley.EINTERNAL, "The word lists could not be compiled.")}
	w.compiling[key] = call
	w.mu.Unlock()
	defer func() {
		w.mu.Lock()
		if w.compiling[key] == call {
			delete(w.compiling, key)
		}
		if call.err == nil {
			if len(w.sites) >= maxEntries {
				clear(w.sites)
			}
			w.sites[key] = call.words
		}
		w.mu.Unlock()
		close(call.done)
	}()
	call.words, call.err = s.compileWords(context.WithoutCancel(ctx), site, key.lang)
	return call.words, call.err
}

// defaultLists returns Parley's compiled default lists of lang (none for
// a language without defaults), compiled once per process.
func (w *wordLists) defaultLists(lang string) (moderation.Lists, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if ls, ok := w.defaults[lang]; ok {
		return ls, nil
	}
	words, _ := moderation.Defaults(lang)
	ls, err := moderation.CompileWords(words)
	if err != nil {
		return moderation.Lists{}, fmt.Errorf("default words of %s: %w", lang, err)
	}
	w.defaults[lang] = ls
	return ls, nil
}

// compileWords reads and compiles a site's lists of lang, with the
// defaults unless the site turned them off.
func (s *Service) compileWords(ctx context.Context, site *parley.Site, lang string) (*compiledWords, error) {
	m := site.Moderation
	var words moderation.Words
	if !m.NoDefaultWords {
		words, _ = moderation.Defaults(lang)
	}
	banned, err := s.store.Words(ctx, site.ID, parley.WordsBanned, lang)
	if err != nil {
		return nil, fmt.Errorf("banned words: %w", err)
	}
	suspect, err := s.store.Words(ctx, site.ID, parley.WordsSuspect, lang)
	if err != nil {
		return nil, fmt.Errorf("suspect words: %w", err)
	}
	words.Banned = append(words.Banned, banned...)
	words.Suspect = append(words.Suspect, suspect...)
	ls, err := moderation.CompileWords(words)
	if err != nil {
		return nil, fmt.Errorf("words of site %s, %s: %w", site.ID, lang, err)
	}
	return &compiledWords{version: m.WordsVersion, defaults: !m.NoDefaultWords, lists: ls}, nil
}

// keepWordsVersion sets site's WordsVersion to the stored one, in the
// unit that writes the site: a site read before a word list changed (from
// a cache, on another instance) and written back after must not move the
// version back, or instances that compiled the lists in between would
// keep them.
func keepWordsVersion(ctx context.Context, tx parley.Tx, site *parley.Site) error {
	stored, err := tx.Site(ctx, site.ID)
	if err != nil {
		return err
	}
	site.Moderation.WordsVersion = stored.Moderation.WordsVersion
	return nil
}

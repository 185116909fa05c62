package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"

	"parley"
	"parley/internal/config"
	"parley/internal/moderation"
	"parley/internal/service"
)

// maxWordsFile bounds a list read by `parley words import`: MaxWords
// entries of MaxWordLength bytes with their newlines.
const maxWordsFile = parley.MaxWords * (parley.MaxWordLength + 1)

// words runs `parley words add|remove|import|list`: a site's own banned
// and suspect words per language, beside Parley's defaults (which
// `parley site update --default-words=false` leaves out). The command acts
// as the site's operator, with an admin's rights; each change is in the
// site's audit log. stdin is what `import -` reads.
func words(ctx context.Context, args []string, env func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || (args[0] != "add" && args[0] != "remove" && args[0] != "import" && args[0] != "list") {
		return fmt.Errorf("words: add, remove, import or list?\n%s", usage)
	}
	cmd := args[0]
	fs := flag.NewFlagSet("parley words "+cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	db, err := config.Flags(fs, env)
	if err != nil {
		return err
	}
	var siteID, list, lang string
	fs.StringVar(&siteID, "site", "", "site ID")
	fs.StringVar(&list, "list", "", "banned (a comment with one is rejected) or suspect (it waits for a moderator)")
	fs.StringVar(&lang, "lang", "", "the language of the stories the words apply to: de, en, es, fr or another")
	store, err := parseAndOpen(ctx, fs, args[1:], db)
	if err != nil {
		return err
	}
	defer store.Close()
	bus, closeBus := commandBus(ctx, env, stderr)
	defer closeBus()
	svc := cliService(store, bus, stderr, "")
	ctx = parley.WithActor(ctx, operator(siteID))
	rest := fs.Args()
	switch cmd {
	case "list":
		all, err := svc.Words(ctx, siteID, list, lang)
		if err != nil {
			return fmt.Errorf("words list: %s", parley.ErrorMessage(err))
		}
		for _, w := range all {
			fmt.Fprintln(stdout, w)
		}
		return nil
	case "import":
		if len(rest) != 1 {
			return fmt.Errorf("words import: name one FILE (one word a line, # starts a comment), or - for standard input")
		}
		if rest, err = readWords(rest[0], stdin); err != nil {
			return fmt.Errorf("words import: %w", err)
		}
	}
	if len(rest) == 0 {
		return fmt.Errorf("words %s: name the words", cmd)
	}
	change := svc.AddWords
	verb := "added"
	if cmd == "remove" {
		change, verb = svc.RemoveWords, "removed"
	}
	// A long file goes in parts of the most one change may hold, each
	// its own entry in the audit log.
	changed, last := 0, &service.WordChange{}
	for part := range slices.Chunk(rest, parley.MaxWordsChange) {
		if last, err = change(ctx, siteID, list, lang, part); err != nil {
			return fmt.Errorf("words %s: %s (%d %s before)", cmd, parley.ErrorMessage(err), changed, verb)
		}
		changed += last.Changed
	}
	fmt.Fprintf(stdout, "%s %d words; the %s list of %s has %d\n", verb, changed, last.List, last.Lang, last.Total)
	return nil
}

// operator is who acts at the command line: whoever may run it may do
// anything to the site, so the command holds an admin's role there. It
// has no user ID: the audit log names no one.
func operator(siteID string) *parley.Actor {
	return &parley.Actor{User: &parley.User{SiteID: siteID, Name: "operator"}, SiteID: siteID, Role: parley.RoleAdmin, Method: "cli"}
}

// readWords reads a list file ("-": stdin) in the format of the default
// lists (moderation.ParseWords).
func readWords(path string, stdin io.Reader) ([]string, error) {
	r := stdin
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	raw, err := io.ReadAll(io.LimitReader(r, maxWordsFile+1))
	if err != nil {
		return nil, err
	}
	if len(raw) > maxWordsFile {
		return nil, fmt.Errorf("%s is larger than a list may be (%d bytes)", path, maxWordsFile)
	}
	return moderation.ParseWords(string(raw)), nil
}

package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"parley"
	"parley/internal/config"
	"parley/internal/service"
)

// moderationFlags are the moderation settings of `parley site create|update`;
// as with every site flag, an update changes only those given.
type moderationFlags struct {
	m             parley.Moderation
	allowlist     string
	pow           string
	defaultWords  bool
	scorersFile   string
	premoderation string
}

func (f *moderationFlags) declare(fs *flag.FlagSet) {
	fs.StringVar(&f.premoderation, "premoderation", parley.PremoderateOff, "which comments wait for a moderator: off, all, new (of commenters with fewer approved comments than --premoderation-new) or links (with a link off --link-allowlist); staff never wait")
	fs.IntVar(&f.m.TrustAfter, "premoderation-new", parley.DefaultTrustAfter, "approved comments after which a commenter is no longer new")
	fs.StringVar(&f.allowlist, "link-allowlist", "", "hosts whose links (their subdomains' too) never hold a comment under --premoderation links, comma-separated, e.g. news.example,wikipedia.org")
	fs.IntVar(&f.m.CloseAfterDays, "close-after", 0, "close a story's discussion this many days after the story began (0: never)")
	fs.IntVar(&f.m.PremoderateAfterDays, "premoderate-after", 0, "hold every comment on stories older than this many days for a moderator (0: never)")
	fs.IntVar(&f.m.PowAfter, "pow-after", 0, "ask readers without an account for a proof of work (solved by the widget in the background) once their address posted this many times within an hour (0: never)")
	fs.StringVar(&f.pow, "pow", "off", "always: ask every post of readers without an account for a proof of work; off: only after --pow-after")
	fs.BoolVar(&f.defaultWords, "default-words", true, "check comments against Parley's default banned and suspect words of the story's language as well as the site's own (parley words); --default-words=false: only the site's")
	fs.StringVar(&f.scorersFile, "scorers", "", "a JSON file with the site's scorers, e.g. [{\"name\":\"local\",\"enabled\":true,\"threshold\":0.5}] (\"\": none)")
}

// apply copies the flags that were given onto m.
func (f *moderationFlags) apply(fs *flag.FlagSet, m *parley.Moderation) error {
	var err error
	fs.Visit(func(fl *flag.Flag) {
		switch fl.Name {
		case "premoderation":
			m.Premoderation = f.premoderation
			if m.Premoderation == parley.PremoderateOff {
				m.Premoderation = ""
			}
		case "premoderation-new":
			m.TrustAfter = f.m.TrustAfter
		case "link-allowlist":
			m.LinkAllowlist = splitHosts(f.allowlist)
		case "close-after":
			m.CloseAfterDays = f.m.CloseAfterDays
		case "premoderate-after":
			m.PremoderateAfterDays = f.m.PremoderateAfterDays
		case "pow-after":
			m.PowAfter = f.m.PowAfter
		case "pow":
			if f.pow != "always" && f.pow != "off" {
				err = fmt.Errorf("--pow is always or off, not %q", f.pow)
			}
			m.PowAlways = f.pow == "always"
		case "default-words":
			m.NoDefaultWords = !f.defaultWords
		case "scorers":
			m.Scorers, err = readScorers(f.scorersFile)
		}
	})
	if f.premoderation != "" && !parley.ValidPremoderation(f.premoderation) {
		return fmt.Errorf("--premoderation is off, all, new or links, not %q", f.premoderation)
	}
	return err
}

// splitHosts reads a comma-separated list of hosts, lower-cased.
func splitHosts(s string) []string {
	var hosts []string
	for h := range strings.SplitSeq(s, ",") {
		if h = strings.ToLower(strings.TrimSpace(h)); h != "" {
			hosts = append(hosts, h)
		}
	}
	return hosts
}

// readScorers reads and checks a scorer configuration file; "" removes
// the scorers. The file's content is stored with the site (key files stay
// files, named in it), so that every instance builds the same scorers.
func readScorers(path string) ([]byte, error) {
	if path == "" {
		return nil, nil
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read scorers: %w", err)
	}
	if _, err := service.ParseScorers(raw); err != nil {
		return nil, fmt.Errorf("scorers in %s: %s", path, parley.ErrorMessage(err))
	}
	return raw, nil
}

// story runs `parley story update --site S --id ID --premoderation MODE`:
// a story's own pre-moderation, which wins over the site's ("site"
// follows the site again).
func story(ctx context.Context, args []string, env func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "update" {
		return fmt.Errorf("story: update?\n%s", usage)
	}
	fs := flag.NewFlagSet("parley story update", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db, err := config.Flags(fs, env)
	if err != nil {
		return err
	}
	var siteID, storyID, mode string
	fs.StringVar(&siteID, "site", "", "site ID")
	fs.StringVar(&storyID, "id", "", "story ID")
	fs.StringVar(&mode, "premoderation", "", "off, all, new or links for this story alone, or site to follow the site's setting")
	store, err := parseAndOpen(ctx, fs, args[1:], db)
	if err != nil {
		return err
	}
	defer store.Close()
	switch mode {
	case "":
		return fmt.Errorf("story update: --premoderation is off, all, new, links or site")
	case "site":
		mode = ""
	}
	bus, closeBus := commandBus(ctx, env, stderr)
	defer closeBus()
	st, err := cliService(store, bus, stderr, "").SetStoryPremoderation(ctx, siteID, storyID, mode)
	if err != nil {
		return fmt.Errorf("story update: %s", parley.ErrorMessage(err))
	}
	shown := st.Premoderation
	if shown == "" {
		shown = "site"
	}
	fmt.Fprintf(stdout, "updated story %s of site %s: premoderation %s\n", st.ID, st.SiteID, shown)
	return nil
}

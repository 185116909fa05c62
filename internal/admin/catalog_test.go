package admin

import (
	"io/fs"
	"os"
	"regexp"
	"strings"
	"testing"

	"parley"
	"parley/internal/i18n"
	"parley/internal/service"
)

// TestCatalogsComplete fails when a language lacks a key another has, or
// carries other format verbs than English.
func TestCatalogsComplete(t *testing.T) {
	for _, lang := range i18n.Languages() {
		msgs := messages[lang]
		for k, want := range en {
			msg, ok := msgs[k]
			switch {
			case !ok:
				t.Errorf("%s: missing %q", lang, k)
			case strings.TrimSpace(msg) == "":
				t.Errorf("%s: empty %q", lang, k)
			case strings.Count(msg, "%") != strings.Count(want, "%"):
				t.Errorf("%s: %q has other format verbs than English", lang, k)
			}
		}
		if len(msgs) != len(en) {
			t.Errorf("%s has %d messages, English %d", lang, len(msgs), len(en))
		}
	}
}

// literalKey finds the keys the templates and handlers name literally.
// (plural keys, named by n and N, are listed below with their forms).
var literalKey = regexp.MustCompile(`tf? \$?\.P "(admin\.[A-Za-z.]+)"|\.T\("(admin\.[A-Za-z]+(?:\.[A-Za-z]+)*)"\)`)

// TestEveryKeyTranslated: each key a template or handler names, and each
// key of the families they build from values (statuses, reasons, actions,
// roles, standings), is in the English catalog, and so, by
// TestCatalogsComplete, in every language.
func TestEveryKeyTranslated(t *testing.T) {
	keys := map[string]bool{}
	for _, dir := range []fs.FS{templateFS, sourceFS} {
		fs.WalkDir(dir, ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			b, _ := fs.ReadFile(dir, p)
			for _, m := range literalKey.FindAllStringSubmatch(string(b), -1) {
				keys[m[1]+m[2]] = true
			}
			return nil
		})
	}
	family := func(prefix string, values ...string) {
		for _, v := range values {
			keys[prefix+v] = true
		}
	}
	family("admin.status.", append(parley.Queues(), parley.StatusApproved, parley.StatusPending, parley.StatusRejected, parley.StatusDeleted)...)
	family("admin.reason.", parley.RejectReasons()...)
	family("admin.action.", auditActions...)
	family("admin.done.", parley.AuditApproved, parley.AuditRejected, parley.AuditHeld, parley.AuditFeatured, parley.AuditUnfeatured,
		parley.AuditWarned, parley.AuditSuspended, parley.AuditBanned, parley.AuditReinstated, parley.AuditNoted,
		parley.AuditStoryClosed, parley.AuditStoryReopened, "nothing")
	family("admin.role.", "none", "commenter", "staff", "moderator", "admin")
	family("admin.standing.", parley.StandingActive, parley.StandingWarned, parley.StandingSuspended, parley.StandingBanned)
	family("admin.sanction.", service.SanctionWarn, service.SanctionSuspend, service.SanctionBan, service.SanctionReinstate)
	family("admin.why.rule.", "all", "new", "links", "age", "story", "other")
	family("admin.why.words.", "banned", "suspect")
	family("admin.words.", "banned", "suspect")
	for k := range scoreKeys {
		family("admin.score.", k)
	}
	for _, plural := range []string{"admin.ago.min", "admin.ago.hour", "admin.ago.day", "admin.home.pending", "admin.story.comments", "admin.words.changed",
		"admin.bulk.done", "admin.glance.approved", "admin.glance.pending", "admin.glance.rejected", "admin.glance.reports", "admin.glance.notes"} {
		family(plural, ".one", ".other")
	}
	if len(keys) < 100 {
		t.Fatalf("found only %d keys: the pattern no longer matches the templates", len(keys))
	}
	for k := range keys {
		if _, ok := en[k]; !ok && !strings.HasSuffix(k, ".") {
			t.Errorf("key %q is used but not in the catalog", k)
		}
	}
}

// sourceFS is the package's Go files, whose handlers name keys too.
var sourceFS = os.DirFS(".")

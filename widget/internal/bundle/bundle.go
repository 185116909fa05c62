// Package bundle turns the widget's TypeScript into embed.js. The generator
// (widget/build) and the freshness test share it, so that the committed
// bundle is checked against exactly what `go generate` would write.
package bundle

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/evanw/esbuild/pkg/api"

	"parley/internal/i18n"
)

// Paths of the generated files, relative to the widget directory.
// embed-account.js holds the sign-in panel and the profile, with their
// own messages: embed.js loads it when a reader first opens one.
const (
	CatalogPath        = "src/catalog.gen.ts"
	BundlePath         = "dist/embed.js"
	entryPath          = "src/main.ts"
	AccountCatalogPath = "src/account/catalog.gen.ts"
	AccountBundlePath  = "dist/embed-account.js"
	accountEntryPath   = "src/account/main.ts"
	// embed-inbox.js is the notification inbox, loaded by the bell.
	InboxCatalogPath = "src/inbox/catalog.gen.ts"
	InboxBundlePath  = "dist/embed-inbox.js"
	inboxEntryPath   = "src/inbox/main.ts"
	// embed-notice.js holds the form of a notice of illegal content
	// (Digital Services Act), which few readers ever open.
	NoticeCatalogPath = "src/notice/catalog.gen.ts"
	NoticeBundlePath  = "dist/embed-notice.js"
	noticeEntryPath   = "src/notice/main.ts"
	// embed-pipeline.js answers what the moderation pipeline asks of a
	// post (a proof of work, a nudge); embed.js loads it when asked.
	PipelineCatalogPath = "src/pipeline/catalog.gen.ts"
	PipelineBundlePath  = "dist/embed-pipeline.js"
	pipelineEntryPath   = "src/pipeline/main.ts"
)

// Langs are the catalogs the widget ships, in output order. Ones it lacks
// fall back to English in the browser.
var Langs = []string{"en", "de", "es", "fr"}

// Keys are the catalog messages the widget shows. Only these are shipped:
// every byte of the bundle is paid for on every article page. Plural
// messages are listed with both their forms.
func Keys() []string {
	return []string{
		"discussion.heading", "comments.count.one", "comments.count.other",
		"composer.cta", "composer.name", "composer.body", "composer.hint", "composer.submit",
		"composer.replyTo", "composer.cancelReply", "empty", "closed",
		"comment.reply", "comment.deleted", "comment.edited", "comment.replies.one", "comment.replies.other",
		"comment.respect", "comment.edit", "comment.delete", "comment.deleteConfirm", "comment.report",
		"comment.pending", "comment.save", "comment.cancel", "comment.justNow", "comment.deletedUser",
		"report.title", "report.spam", "report.abuse", "report.off_topic", "report.other",
		"report.note", "report.submit", "report.thanks", "live.new.one", "live.new.other",
		"status.posted", "status.pendingPosted", "status.saved", "status.deleted", "status.loading",
		"more.comments", "more.replies", "more.thread",
		"sort.label", "sort.newest", "sort.oldest", "sort.top", "sort.replies",
		"error.network", "error.closed", "error.empty", "error.tooLong", "error.nameRequired",
		"error.editWindow", "error.alreadyReported", "error.ownComment", "error.badText", "error.parentGone", "error.identityRequired",
		"error.originNotAllowed",
		"error.invalid", "error.unauthorized", "error.forbidden", "error.not_found", "error.conflict",
		"error.too_large", "error.too_many_requests", "error.unavailable", "error.internal",
		"badge.staff", "badge.moderator", "badge.admin", "account.signIn", "account.profile", "account.signedInAs",
		"error.sessionExpired",
		// Posting too fast or twice (issue 8).
		"error.postTooFast", "error.duplicateComment",
		// The bell of the notification inbox (issue 8, inbox).
		"inbox.bell",
		// Suspended or banned from the site (issue 8, queues).
		"error.suspended", "error.banned",
		// The entry of the notice form (embed-notice.js, dsa).
		"notice.action",
		// The moderation pipeline (issue 8): the honeypot's label, and a
		// rejected comment as its author sees it.
		"composer.honeypot", "comment.rejected",
	}
}

// PipelineKeys are the messages of embed-pipeline.js, which only readers
// whom the moderation pipeline asks something download.
func PipelineKeys() []string {
	return []string{"composer.checking", "nudge.title", "error.nudge", "nudge.edit", "nudge.postAnyway"}
}

// AccountKeys are the messages of embed-account.js, which only readers
// who open the sign-in panel or the profile download.
func AccountKeys() []string {
	return []string{
		"signin.title", "signin.email", "signin.sendLink", "signin.sent", "signin.oidc", "signin.passkey",
		"signin.close", "signin.done", "signin.failed", "signin.wait.one", "signin.wait.other", "error.badEmail",
		"profile.signOut", "profile.signOutAll", "profile.signedOut", "profile.comments", "profile.noComments",
		"profile.more", "profile.notifications", "profile.replies", "profile.decisions", "profile.noEmail", "profile.passkeys",
		"profile.addPasskey", "profile.passkeyAdded", "profile.download", "profile.delete", "profile.deleteWarn",
		"profile.deleteUnderstood", "profile.deleteConfirm", "profile.deleted",
		"profile.passkeyCreated", "profile.passkeyUsed", "profile.passkeyRemove", "profile.passkeyRemoveOf",
		"profile.passkeyRemoved", "profile.noPasskeys", "profile.passkeyRequired",
		// The refusals a reader meets in the panel and the profile, by key
		// ("error." + key). Rarer ones (a provider's or browser's broken
		// answer, an expired ceremony) read as "signing in did not work":
		// each message costs about 80 bytes gzipped in all four languages.
		"error.emailInvalid", "error.emailTooMany", "error.signInTooFast", "error.emailSignInOff",
		"error.signInCodeInvalid", "error.noEmail", "error.oidcDenied", "error.oidcUnavailable", "error.oidcBadState",
		"error.passkeyUnsupported", "error.passkeyCancelled", "error.passkeyNeedsEmailSignIn", "error.passkeyLimit",
		"error.passkeyExists", "error.passkeyNotFound", "error.passkeyUnknown", "error.passkeyRefused", "error.passkeyCloned",
	}
}

// InboxKeys are the messages of embed-inbox.js, which only readers who
// open their notifications download.
func InboxKeys() []string {
	return []string{
		"inbox.title", "inbox.empty", "inbox.more", "inbox.open", "inbox.message", "inbox.statement",
		"inbox.reply", "inbox.staff_reply", "inbox.approved", "inbox.rejected", "inbox.featured",
		"inbox.notice", "inbox.complaint", "inbox.warned", "inbox.suspended", "inbox.banned",
		"inbox.contest", "inbox.contestWhy", "inbox.contestSend", "inbox.contested", "signin.close",
		"error.complaintExists", "error.complaintLate",
	}
}

// NoticeKeys are the messages of embed-notice.js: the form, the kinds
// of illegality and the refusals it meets.
func NoticeKeys() []string {
	return []string{
		"notice.title", "notice.intro", "notice.kind", "notice.law", "notice.explanation", "notice.name", "notice.email",
		"notice.contactOptional", "notice.goodFaith", "notice.submit", "notice.cancel", "notice.done", "notice.doneMail", "notice.back",
		"dsa.kind.illegal_hate_speech", "dsa.kind.defamation", "dsa.kind.terrorist_content", "dsa.kind.child_sexual_abuse",
		"dsa.kind.privacy", "dsa.kind.intellectual_property", "dsa.kind.fraud", "dsa.kind.other",
		"error.noticeKind", "error.noticeLaw", "error.noticeExplanation", "error.noticeContact", "error.noticeEmail",
		"error.noticeGoodFaith", "error.noticeTooMany",
	}
}

// Missing lists "lang: key" for every widget key a catalog lacks.
func Missing() []string {
	var out []string
	for _, lang := range Langs {
		msgs := i18n.Messages(lang)
		for _, k := range slices.Concat(Keys(), AccountKeys(), InboxKeys(), NoticeKeys(), PipelineKeys()) {
			if msgs[k] == "" {
				out = append(out, lang+": "+k)
			}
		}
	}
	return out
}

// Catalog renders catalog.gen.ts of embed.js.
func Catalog() []byte { return catalog(Keys()) }

// AccountCatalog renders the catalog.gen.ts of embed-account.js.
func AccountCatalog() []byte { return catalog(AccountKeys()) }

// InboxCatalog renders the catalog.gen.ts of embed-inbox.js.
func InboxCatalog() []byte { return catalog(InboxKeys()) }

// NoticeCatalog renders the catalog.gen.ts of embed-notice.js.
func NoticeCatalog() []byte { return catalog(NoticeKeys()) }

// PipelineCatalog renders the catalog.gen.ts of embed-pipeline.js.
func PipelineCatalog() []byte { return catalog(PipelineKeys()) }

// catalog renders a catalog.gen.ts: the key list once and, per language,
// the messages in key order, which is smaller than one object per language.
func catalog(keys []string) []byte {
	var b bytes.Buffer
	b.WriteString("// Code generated by go run ./build from internal/i18n; DO NOT EDIT.\n\n")
	b.WriteString("export const KEYS = [\n")
	for _, k := range keys {
		fmt.Fprintf(&b, "  %s,\n", strconv.Quote(k))
	}
	b.WriteString("];\n\nexport const LANGS: Record<string, string[]> = {\n")
	for _, lang := range Langs {
		msgs := i18n.Messages(lang)
		fmt.Fprintf(&b, "  %s: [\n", lang)
		for _, k := range keys {
			fmt.Fprintf(&b, "    %s,\n", quoteJS(msgs[k]))
		}
		b.WriteString("  ],\n")
	}
	b.WriteString("};\n")
	return b.Bytes()
}

// quoteJS quotes s as a JavaScript string literal, keeping non-ASCII text
// readable in the generated file.
func quoteJS(s string) string {
	q := strconv.Quote(s)
	// strconv escapes only what JavaScript also understands (\", \\, \n,
	// \t, \u...), except \a \v \x which catalogs never contain.
	return strings.ReplaceAll(q, `\a`, `\u0007`)
}

// Options are the esbuild options for embed.js, rooted at dir (the widget
// directory): one minified ES2020 IIFE without a source map, so that the
// output depends on nothing but the sources.
func Options(dir string) api.BuildOptions {
	return api.BuildOptions{
		AbsWorkingDir:     dir,
		EntryPoints:       []string{filepath.Join(dir, entryPath)},
		Bundle:            true,
		Write:             false,
		Outfile:           filepath.Join(dir, BundlePath),
		Format:            api.FormatIIFE,
		Target:            api.ES2020,
		Platform:          api.PlatformBrowser,
		MinifyWhitespace:  true,
		MinifyIdentifiers: true,
		MinifySyntax:      true,
		Charset:           api.CharsetUTF8,
		LegalComments:     api.LegalCommentsNone,
		TreeShaking:       api.TreeShakingTrue,
		LogLevel:          api.LogLevelSilent,
	}
}

// AccountOptions are Options for embed-account.js: an ES module, which
// embed.js loads with import().
func AccountOptions(dir string) api.BuildOptions {
	o := Options(dir)
	o.EntryPoints = []string{filepath.Join(dir, accountEntryPath)}
	o.Outfile = filepath.Join(dir, AccountBundlePath)
	o.Format = api.FormatESModule
	return o
}

// InboxOptions are Options for embed-inbox.js, an ES module as
// embed-account.js is.
func InboxOptions(dir string) api.BuildOptions {
	o := AccountOptions(dir)
	o.EntryPoints = []string{filepath.Join(dir, inboxEntryPath)}
	o.Outfile = filepath.Join(dir, InboxBundlePath)
	return o
}

// BuildInbox bundles the sources under dir and returns embed-inbox.js.
func BuildInbox(dir string) ([]byte, error) { return build(dir, InboxOptions) }

// NoticeOptions are Options for embed-notice.js, an ES module as
// embed-account.js is.
func NoticeOptions(dir string) api.BuildOptions {
	o := AccountOptions(dir)
	o.EntryPoints = []string{filepath.Join(dir, noticeEntryPath)}
	o.Outfile = filepath.Join(dir, NoticeBundlePath)
	return o
}

// BuildNotice bundles the sources under dir and returns embed-notice.js.
func BuildNotice(dir string) ([]byte, error) { return build(dir, NoticeOptions) }

// PipelineOptions are Options for embed-pipeline.js, an ES module as
// embed-account.js is.
func PipelineOptions(dir string) api.BuildOptions {
	o := AccountOptions(dir)
	o.EntryPoints = []string{filepath.Join(dir, pipelineEntryPath)}
	o.Outfile = filepath.Join(dir, PipelineBundlePath)
	return o
}

// BuildPipeline bundles the sources under dir and returns embed-pipeline.js.
func BuildPipeline(dir string) ([]byte, error) { return build(dir, PipelineOptions) }

// Build bundles the sources under dir and returns embed.js.
func Build(dir string) ([]byte, error) { return build(dir, Options) }

// BuildAccount bundles the sources under dir and returns embed-account.js.
func BuildAccount(dir string) ([]byte, error) { return build(dir, AccountOptions) }

func build(dir string, options func(string) api.BuildOptions) ([]byte, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("widget dir: %w", err)
	}
	res := api.Build(options(dir))
	if len(res.Errors) > 0 {
		msgs := api.FormatMessages(res.Errors, api.FormatMessagesOptions{Kind: api.ErrorMessage})
		return nil, errors.New("esbuild: " + strings.Join(msgs, "\n"))
	}
	if len(res.OutputFiles) != 1 {
		return nil, fmt.Errorf("esbuild: %d output files, want 1", len(res.OutputFiles))
	}
	return res.OutputFiles[0].Contents, nil
}

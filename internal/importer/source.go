// Package importer brings other systems' comment archives into Parley.
//
// A parser of one format (the packages below this one: disqus, wordpress,
// remark42, commento, coral) reads an export from beginning to end and
// hands what it finds to an Emitter as Threads, Authors and Posts, in the
// file's order and as the file has them. Everything the formats share is
// done here once, after parsing: the repairs of known export faults, story
// IDs, URL rules, merging authors, statuses, counts, and writing one unit of
// work per story through transfer.Writer. A parser therefore knows its
// format and nothing else.
package importer

import (
	"context"
	"time"
)

// Thread is one discussion as the source knows it: usually an article.
type Thread struct {
	// Key is the source's own ID of the thread, which its posts name in
	// Post.Thread. Required.
	Key string
	// Ident is the identifier the source's embed was given on the page
	// (Disqus's <id>), when it has one. It becomes the story ID when it is a
	// valid one; otherwise the story ID is derived from URL as the embed
	// derives one from a canonical URL.
	Ident string
	// URL is the page's address as the source stored it, before --map-url.
	URL   string
	Title string
	// Lang is a BCP 47 tag where the source knows the page's language.
	Lang string
	// Closed marks a thread closed to new comments.
	Closed    bool
	CreatedAt time.Time
}

// Author is who wrote a post.
type Author struct {
	// Key is the source's ID of the user, "" when the source has none (a
	// guest). Posts of a format with a users collection name it in
	// Post.Author.Key alone; the parser then emits the Author once.
	Key   string
	Name  string
	Email string
	// SSO is the publisher's subject for the user where the source knew it
	// (Coral's SSO profile): the author becomes the user of "sso:"+SSO.
	SSO string
	// Guest marks an author who wrote without an account.
	Guest bool
}

// Format is how a post's Body is written.
type Format int

const (
	// FormatText is plain text: line breaks are kept, nothing is markup.
	FormatText Format = iota
	// FormatHTML is HTML, as Disqus, WordPress and Coral store bodies.
	FormatHTML
	// FormatMarkdown is Markdown, as Remark42 and Commento keep the source.
	FormatMarkdown
)

// Status is a post's state in the source, before it is mapped to ours.
type Status int

const (
	StatusApproved Status = iota
	StatusPending
	// StatusRejected is a post a moderator turned down.
	StatusRejected
	// StatusSpam is a post the source or a moderator marked as spam.
	StatusSpam
	// StatusDeleted is a post removed by its author or a moderator.
	StatusDeleted
)

// Post is one comment.
type Post struct {
	// Key is the source's ID of the post; empty or repeated keys are
	// repaired after parsing, so a parser passes them on as they are.
	Key string
	// Thread is the Key of the post's Thread.
	Thread string
	// Parent is the Key of the post it replies to, "" for a top-level post.
	Parent string
	// Author is inline where the format has it so (Disqus, WordPress);
	// otherwise only Author.Key is set and the Author was or will be
	// emitted on its own.
	Author    Author
	Body      string
	Format    Format
	Status    Status
	CreatedAt time.Time
	// EditedAt is the last edit, zero when the source has none.
	EditedAt time.Time
}

// Emitter receives what a parser reads, in the file's order: Threads,
// Authors and Posts may come in any order and interleaved (a Disqus export
// lists every thread before every post; a WordPress one nests comments in
// their post). Each call may keep the value it is given; a parser makes a
// new one per call. An error ends the parse: the parser returns it.
type Emitter interface {
	Thread(ctx context.Context, t *Thread) error
	Author(ctx context.Context, a *Author) error
	Post(ctx context.Context, p *Post) error
	// Repaired counts a fault that the parser fixed itself because only it
	// could (a format-specific one, such as a date in a form the format
	// does not allow); kind is one of the Repair constants or a short
	// lower-case name of the parser's own.
	Repaired(kind string)
	// Skipped counts a record the parser could not use at all, with a short
	// reason in plain English ("post without a thread").
	Skipped(reason string)
}

// Parser reads the export in (a file, gzip accepted as is, or for Coral a
// folder) and hands its contents to e. It returns the first error that
// makes the rest of the file unreadable, with the position (line or byte
// offset) where it happened; a record that is merely wrong is Skipped, not
// an error. It reads as it goes, holding no more than one record at a time,
// so that a file of any size parses in bounded memory.
type Parser func(ctx context.Context, in *Input, e Emitter) error

// Repair kinds: the known faults of exports, each counted in the summary.
const (
	RepairEmptyID       = "empty-id"            // a post or thread without an ID: one derived from its contents
	RepairDuplicateID   = "duplicate-id"        // a second, different post with a key already seen: given a key of its own
	RepairDuplicatePost = "duplicate-post"      // the same post twice (same thread, author, text and time): kept once
	RepairMissingEmail  = "missing-email"       // an author without an e-mail: known by source key or name instead
	RepairOrphan        = "orphan"              // parent not in the file: attached to the story at top level
	RepairTimeOrder     = "reply-before-parent" // a reply older than its parent: moved to just after it
	RepairHTML          = "html-body"           // an HTML body converted to Markdown
	RepairEntity        = "broken-entity"       // double-escaped or broken HTML entities
	RepairEncoding      = "broken-encoding"     // invalid UTF-8 or mojibake (UTF-8 read as Latin-1) decoded again
	RepairMissingTime   = "missing-time"        // a post without a usable time: given its parent's or thread's
	RepairDepth         = "too-deep"            // a reply deeper than Parley's threads go: a sibling of its parent
)

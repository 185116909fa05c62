// Package transfer moves a site between databases as JSON Lines: Export
// writes one site's rows in an order an importer can stream, Import writes
// such a file into a database as the rows were. docs/export.md documents
// the format; this file is its definition.
//
// Importers of other systems' exports (Disqus, WordPress, …) produce the
// same records and hand them to a Writer, so that every format shares one
// way into the store: units per story, idempotent, counts as given.
package transfer

import (
	"encoding/json"
	"time"

	"parley"
)

// Version is the format's version, the "v" of every line. A reader refuses
// lines of another version rather than guess what they mean.
const Version = 1

// Record types, the "type" of a line.
const (
	TypeSite      = "site"
	TypeUser      = "user"
	TypeStory     = "story"
	TypeComment   = "comment"
	TypeReaction  = "reaction"
	TypeReport    = "report"
	TypeAudit     = "audit"
	TypeRevision  = "revision"
	TypeNotice    = "notice"
	TypeComplaint = "complaint"
)

// header is what every line starts with.
type header struct {
	Type string `json:"type"`
	V    int    `json:"v"`
}

// Site is a site's settings without its secrets: the SSO keys, the OIDC
// client and its secret are left out and configured again after an import.
type Site struct {
	header
	ID             string             `json:"id"`
	Name           string             `json:"name"`
	Origins        []string           `json:"origins"`
	AllowAnonymous bool               `json:"allowAnonymous"`
	EditWindowMS   int64              `json:"editWindowMs"`
	MaxBodyLength  int                `json:"maxBodyLength"`
	SessionTTLMS   int64              `json:"sessionTtlMs,omitzero"`
	Passkeys       parley.Passkeys    `json:"passkeys,omitzero"`
	EmailSignIn    parley.EmailSignIn `json:"emailSignIn,omitzero"`
	Privacy        parley.Privacy     `json:"privacy,omitzero"`
	RateLimit      parley.RateLimit   `json:"rateLimit,omitzero"`
	Moderation     json.RawMessage    `json:"moderation,omitempty"` // parley.Moderation as stored
	CreatedAt      time.Time          `json:"createdAt"`
}

// User is a user without secrets: no commenter token hash, sessions,
// passkeys or sign-in identities. Email is set only when the export was
// asked for addresses (see Options.Emails).
type User struct {
	header
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Email     string    `json:"email,omitempty"`
	Badges    []string  `json:"badges,omitempty"`
	Role      string    `json:"role,omitempty"`
	Sanctions Sanctions `json:"sanctions,omitzero"`
	Counts    Counts    `json:"counts"`
	CreatedAt time.Time `json:"createdAt"`
}

// Counts are what the store keeps about a user's comments and notes.
type Counts struct {
	Approved int `json:"approved"`
	Pending  int `json:"pending"`
	Rejected int `json:"rejected"`
	Reports  int `json:"reports"`
	Notes    int `json:"notes"`
}

// Sanctions are a user's measures; zero times are left out.
type Sanctions struct {
	WarnedAt       time.Time `json:"warnedAt,omitzero"`
	SuspendedUntil time.Time `json:"suspendedUntil,omitzero"`
	BannedAt       time.Time `json:"bannedAt,omitzero"`
}

// Story is a story with its kept count.
type Story struct {
	header
	ID            string    `json:"id"`
	URL           string    `json:"url"`
	Title         string    `json:"title"`
	Lang          string    `json:"lang"`
	Status        string    `json:"status"`
	Premoderation string    `json:"premoderation,omitempty"`
	CommentCount  int       `json:"commentCount"`
	CreatedAt     time.Time `json:"createdAt"`
}

// Comment is a comment of any status, with its counts and marks; the
// address hash is left out.
type Comment struct {
	header
	ID              string    `json:"id"`
	Story           string    `json:"story"`
	Parent          string    `json:"parent,omitempty"`
	Root            string    `json:"root"`
	Depth           int       `json:"depth"`
	Author          string    `json:"author"`
	AuthorName      string    `json:"authorName"`
	Body            string    `json:"body"`
	HTML            string    `json:"html"`
	Status          string    `json:"status"`
	ReplyCount      int       `json:"replyCount"`
	ReactionCount   int       `json:"reactionCount"`
	ReportCount     int       `json:"reportCount"`
	Featured        bool      `json:"featured,omitempty"`
	Newcomer        bool      `json:"newcomer,omitempty"`
	ReportsReviewed int       `json:"reportsReviewed,omitempty"`
	CreatedAt       time.Time `json:"createdAt"`
	EditedAt        time.Time `json:"editedAt,omitzero"`
	DeletedAt       time.Time `json:"deletedAt,omitzero"`
}

// Reaction is one reader's reaction to a comment.
type Reaction struct {
	header
	Comment   string    `json:"comment"`
	User      string    `json:"user"`
	CreatedAt time.Time `json:"createdAt"`
}

// Report is a reader's report of a comment; the address hash is left out.
type Report struct {
	header
	ID        string    `json:"id"`
	Comment   string    `json:"comment"`
	User      string    `json:"user"`
	Reason    string    `json:"reason"`
	Note      string    `json:"note,omitempty"`
	CreatedAt time.Time `json:"createdAt"`
}

// Audit is one entry of the moderation history, with its ID.
type Audit struct {
	header
	ID        int64     `json:"id"`
	Action    string    `json:"action"`
	Story     string    `json:"story,omitempty"`
	Comment   string    `json:"comment,omitempty"`
	User      string    `json:"user,omitempty"`
	Actor     string    `json:"actor,omitempty"`
	Automated bool      `json:"automated,omitempty"`
	Reason    string    `json:"reason,omitempty"`
	Note      string    `json:"note,omitempty"`
	Before    string    `json:"before,omitempty"`
	After     string    `json:"after,omitempty"`
	Ref       string    `json:"ref,omitempty"`
	CreatedAt time.Time `json:"createdAt"`
}

// Revision is one text of a comment and the pipeline's verdict on it.
type Revision struct {
	header
	Comment   string          `json:"comment"`
	N         int             `json:"n"`
	Body      string          `json:"body"`
	HTML      string          `json:"html"`
	Status    string          `json:"status"`
	Reasons   []parley.Reason `json:"reasons,omitempty"`
	CreatedAt time.Time       `json:"createdAt"`
}

// Notice is a notice of illegal content and its decision. The notifier's
// name and address are personal data of someone who may not even be a
// reader; they are in the export only with Options.Emails.
type Notice struct {
	header
	Reference   string    `json:"reference"`
	Comment     string    `json:"comment,omitempty"`
	Story       string    `json:"story,omitempty"`
	User        string    `json:"user,omitempty"`
	Kind        string    `json:"kind"`
	Law         string    `json:"law,omitempty"`
	Explanation string    `json:"explanation"`
	Name        string    `json:"name,omitempty"`
	Email       string    `json:"email,omitempty"`
	Lang        string    `json:"lang,omitempty"`
	Status      string    `json:"status"`
	Action      string    `json:"action,omitempty"`
	Ground      string    `json:"ground,omitempty"`
	Basis       string    `json:"basis,omitempty"`
	Note        string    `json:"note,omitempty"`
	Automated   bool      `json:"automated,omitempty"`
	DecidedBy   string    `json:"decidedBy,omitempty"`
	ReviewedBy  string    `json:"reviewedBy,omitempty"`
	CreatedAt   time.Time `json:"createdAt"`
	DecidedAt   time.Time `json:"decidedAt,omitzero"`
}

// Complaint contests a decision of the audit log (Entry is its ID).
type Complaint struct {
	header
	Reference   string    `json:"reference"`
	Entry       int64     `json:"entry"`
	Action      string    `json:"action"`
	Comment     string    `json:"comment,omitempty"`
	User        string    `json:"user"`
	Notice      string    `json:"notice,omitempty"`
	Explanation string    `json:"explanation"`
	Lang        string    `json:"lang,omitempty"`
	Status      string    `json:"status"`
	Outcome     string    `json:"outcome,omitempty"`
	Note        string    `json:"note,omitempty"`
	DecidedBy   string    `json:"decidedBy,omitempty"`
	CreatedAt   time.Time `json:"createdAt"`
	DecidedAt   time.Time `json:"decidedAt,omitzero"`
}

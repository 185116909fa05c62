// Package coral reads the MongoDB collections of Coral Talk (v5 and later)
// as mongoexport writes them, for `parley import coral`.
//
// The export is a folder holding users.json, stories.json and comments.json
// (each may be gzipped), and archivedComments.json where Coral's archive
// holds the comments of old stories. Each file is Extended JSON v2, relaxed
// or canonical, one document a line, over several lines with --pretty, or
// one array with --jsonArray. The schema followed is Coral's own, in
// github.com/coralproject/talk, server/src/core/server/models/{user,story,
// comment}.
package coral

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"

	"parley/internal/importer"
)

var _ importer.Parser = Parse

// Bounds on one field: a comment's body, and any other string.
const (
	maxBody  = 1 << 20
	maxField = 8 << 10
)

// Repair kinds of Coral's own.
const (
	// RepairDate is a time in a form Extended JSON does not have.
	RepairDate = "date-format"
	// RepairStatus is a comment status missing, spelled oddly or of
	// Talk v4 (ACCEPTED).
	RepairStatus = "comment-status"
	// RepairEmpty is a comment without any revision that Coral did not
	// mark deleted: it is passed on as deleted, being nothing else.
	RepairEmpty = "empty-comment"
)

// collection is which of Coral's collections a document is from.
type collection int

const (
	anyCollection collection = iota // told by the document's fields
	users
	stories
	comments
)

// files are read in this order, so that authors and stories come before
// the comments that name them. archivedComments.json is optional.
var files = []struct {
	name     string
	kind     collection
	optional bool
}{
	{"users.json", users, false},
	{"stories.json", stories, false},
	{"comments.json", comments, false},
	{"archivedComments.json", comments, true},
}

// Parse is an importer.Parser: it reads the collections in the folder at
// in's path.
func Parse(ctx context.Context, in *importer.Input, e importer.Emitter) error {
	for _, f := range files {
		r, err := in.Open(f.name)
		if f.optional && errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("coral: %w", err)
		}
		err = read(ctx, r, f.kind, e)
		r.Close()
		if err != nil {
			return fmt.Errorf("coral: %s: %w", f.name, err)
		}
	}
	return nil
}

// Read parses one exported collection's bytes, telling each document's
// collection by its fields (what Parse does after opening a file, and the
// fuzz target's entry).
func Read(ctx context.Context, r io.Reader, e importer.Emitter) error {
	if err := read(ctx, r, anyCollection, e); err != nil {
		return fmt.Errorf("coral: %w", err)
	}
	return nil
}

func read(ctx context.Context, r io.Reader, kind collection, e importer.Emitter) error {
	s := newSplitter(r)
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		repaired := s.latin1
		doc, err := s.next()
		switch {
		case err == io.EOF:
			return nil
		case errors.Is(err, errTooLarge), errors.Is(err, errTooDeep), errors.Is(err, errBroken):
			e.Skipped(err.Error())
			continue
		case err != nil:
			return err
		}
		if s.latin1 > repaired {
			e.Repaired(importer.RepairEncoding)
		}
		if err := emit(ctx, doc, kind, e); err != nil {
			return err
		}
	}
}

// emit decodes one document of the collection kind and hands it on.
func emit(ctx context.Context, doc []byte, kind collection, e importer.Emitter) error {
	if kind == anyCollection {
		kind = classify(doc)
	}
	switch kind {
	case users:
		return emitUser(ctx, doc, e)
	case stories:
		return emitStory(ctx, doc, e)
	case comments:
		return emitComment(ctx, doc, e)
	}
	e.Skipped("document of no collection read (not a user, story or comment)")
	return nil
}

// classify tells a document's collection by the fields only it has.
func classify(doc []byte) collection {
	var probe struct {
		StoryID   json.RawMessage `json:"storyID"`
		Revisions json.RawMessage `json:"revisions"`
		URL       json.RawMessage `json:"url"`
		Username  json.RawMessage `json:"username"`
		Profiles  json.RawMessage `json:"profiles"`
		Role      json.RawMessage `json:"role"`
	}
	if json.Unmarshal(doc, &probe) != nil {
		return comments // decoded again, and skipped as not valid JSON
	}
	switch {
	case probe.StoryID != nil || probe.Revisions != nil:
		return comments
	case probe.URL != nil:
		return stories
	case probe.Username != nil || probe.Profiles != nil || probe.Role != nil:
		return users
	}
	return anyCollection
}

// tooLong reports whether any of fields is over maxField bytes.
func tooLong(fields ...string) bool {
	for _, f := range fields {
		if len(f) > maxField {
			return true
		}
	}
	return false
}

// A user as Coral keeps one (models/user/user.ts); what is not declared
// here (passwords, tokens, notification settings, moderation history) is
// not read.
type userDoc struct {
	ID       string `json:"id"`
	Username string `json:"username"`
	Email    string `json:"email"`
	Profiles []struct {
		Type string `json:"type"`
		ID   string `json:"id"`
	} `json:"profiles"`
	DeletedAt date `json:"deletedAt"`
}

func emitUser(ctx context.Context, doc []byte, e importer.Emitter) error {
	var u userDoc
	if err := json.Unmarshal(doc, &u); err != nil {
		e.Skipped("user that is not valid Coral JSON")
		return nil
	}
	if !u.DeletedAt.t.IsZero() {
		// Coral unsets a deleted account's e-mail and profiles and strips
		// its comments of author and text; its name stays out too.
		e.Skipped("user deleted in Coral")
		return nil
	}
	a := &importer.Author{Key: u.ID, Name: u.Username, Email: u.Email}
	for _, p := range u.Profiles {
		if p.Type == "sso" {
			a.SSO = p.ID
		}
	}
	if tooLong(a.Key, a.Name, a.Email, a.SSO) {
		e.Skipped("user with a field over 8 KiB")
		return nil
	}
	return e.Author(ctx, a)
}

// A story (models/story/story.ts). closedAt is a date when a moderator
// closed the story, false when it was opened again; an archived story is
// read-only in Coral, so closed too.
type storyDoc struct {
	ID       string `json:"id"`
	URL      string `json:"url"`
	Metadata struct {
		Title       string `json:"title"`
		PublishedAt date   `json:"publishedAt"`
	} `json:"metadata"`
	ClosedAt   date `json:"closedAt"`
	IsArchived bool `json:"isArchived"`
	CreatedAt  date `json:"createdAt"`
}

func emitStory(ctx context.Context, doc []byte, e importer.Emitter) error {
	var s storyDoc
	if err := json.Unmarshal(doc, &s); err != nil {
		e.Skipped("story that is not valid Coral JSON")
		return nil
	}
	if s.ID == "" {
		// Comments name their story by its ID alone.
		e.Skipped("story without an ID")
		return nil
	}
	if tooLong(s.ID, s.URL, s.Metadata.Title) {
		e.Skipped("story with a field over 8 KiB")
		return nil
	}
	created := s.CreatedAt
	if created.t.IsZero() {
		created = s.Metadata.PublishedAt
	}
	countOdd(e, created, s.ClosedAt)
	return e.Thread(ctx, &importer.Thread{
		Key:       s.ID,
		URL:       s.URL,
		Title:     s.Metadata.Title,
		Closed:    !s.ClosedAt.t.IsZero() || s.IsArchived,
		CreatedAt: created.t,
	})
}

// A comment (models/comment/comment.ts, revision.ts). The last revision is
// the current text. Tags, media, ratings and action counts (reactions,
// flags) are not read.
type commentDoc struct {
	ID        string `json:"id"`
	StoryID   string `json:"storyID"`
	AuthorID  string `json:"authorID"`
	ParentID  string `json:"parentID"`
	Status    string `json:"status"`
	Revisions []struct {
		Body      string `json:"body"`
		CreatedAt date   `json:"createdAt"`
		Metadata  struct {
			Akismet bool `json:"akismet"`
		} `json:"metadata"`
	} `json:"revisions"`
	CreatedAt date `json:"createdAt"`
	DeletedAt date `json:"deletedAt"`
}

func emitComment(ctx context.Context, doc []byte, e importer.Emitter) error {
	var c commentDoc
	if err := json.Unmarshal(doc, &c); err != nil {
		e.Skipped("comment that is not valid Coral JSON")
		return nil
	}
	if c.StoryID == "" {
		e.Skipped("comment without a story")
		return nil
	}
	if tooLong(c.ID, c.StoryID, c.AuthorID, c.ParentID) {
		e.Skipped("comment with a field over 8 KiB")
		return nil
	}
	p := &importer.Post{
		Key:       c.ID,
		Thread:    c.StoryID,
		Parent:    c.ParentID,
		Author:    importer.Author{Key: c.AuthorID},
		Format:    importer.FormatHTML,
		CreatedAt: c.CreatedAt.t,
	}
	countOdd(e, c.CreatedAt, c.DeletedAt)
	spam := false
	if n := len(c.Revisions); n > 0 {
		last := c.Revisions[n-1]
		if len(last.Body) > maxBody {
			e.Skipped("comment body over 1 MiB")
			return nil
		}
		p.Body, spam = last.Body, last.Metadata.Akismet
		if n > 1 {
			p.EditedAt = last.CreatedAt.t
			countOdd(e, last.CreatedAt)
		}
	}
	var fixed bool
	p.Status, fixed = status(c.Status, spam)
	if fixed {
		e.Repaired(RepairStatus)
	}
	switch {
	case !c.DeletedAt.t.IsZero():
		p.Status = importer.StatusDeleted
	case len(c.Revisions) == 0:
		p.Status = importer.StatusDeleted
		e.Repaired(RepairEmpty)
	}
	return e.Post(ctx, p)
}

// status maps Coral's comment status (GQLCOMMENT_STATUS) to ours: NONE
// (published without review) and APPROVED are approved, PREMOD and
// SYSTEM_WITHHELD wait for a moderator, REJECTED is rejected, or spam when
// Akismet judged the current revision so. Talk v4's ACCEPTED, a status in
// other case, or a missing one are read as meant and reported fixed; an
// unknown one waits for a moderator.
func status(s string, spam bool) (st importer.Status, fixed bool) {
	norm := strings.ToUpper(strings.TrimSpace(s))
	fixed = norm != s
	switch norm {
	case "NONE", "APPROVED":
		return importer.StatusApproved, fixed
	case "ACCEPTED", "":
		return importer.StatusApproved, true
	case "PREMOD", "SYSTEM_WITHHELD":
		return importer.StatusPending, fixed
	case "REJECTED":
		if spam {
			return importer.StatusSpam, fixed
		}
		return importer.StatusRejected, fixed
	}
	return importer.StatusPending, true
}

// countOdd counts the repair of each date read from a form Extended JSON
// does not have.
func countOdd(e importer.Emitter, dates ...date) {
	for _, d := range dates {
		if d.odd {
			e.Repaired(RepairDate)
		}
	}
}

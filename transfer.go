package parley

import (
	"context"
	"time"
)

// MaxTransferPage bounds one page of a TransferReader method, so that an
// export holds one page in memory however large the site.
const MaxTransferPage = 1000

// ReactionRow is one reader's reaction as stored: which comment, whose, when.
type ReactionRow struct {
	CommentID string
	UserID    string
	CreatedAt time.Time
}

// CommentKey is where a page of TransferReader.TransferComments resumes:
// comments are read parents first, by depth and then ID.
type CommentKey struct {
	Depth int
	ID    string
}

// RevisionKey is where a page of TransferReader.TransferRevisions resumes.
type RevisionKey struct {
	CommentID string
	N         int
}

// TransferReader reads one site's rows for an export, a page at a time in
// key order (keyset pagination: each call names the last key it saw, ""
// or zero for the start), so that an export of any size streams in bounded
// memory. Rows are returned as stored, whatever their status. Every method
// returns EINVALID for a limit outside 1 to MaxTransferPage.
type TransferReader interface {
	// TransferUsers returns the site's users with an ID above after, by ID.
	TransferUsers(ctx context.Context, siteID, after string, limit int) ([]*User, error)
	// TransferStories returns the site's stories with an ID above after,
	// by ID.
	TransferStories(ctx context.Context, siteID, after string, limit int) ([]*Story, error)
	// TransferComments returns a story's comments after the key, by depth
	// and then ID: every parent before its replies.
	TransferComments(ctx context.Context, siteID, storyID string, after CommentKey, limit int) ([]*Comment, error)
	// TransferReactions returns the reactions to a story's comments after
	// the given comment and user, by comment ID and then user ID.
	TransferReactions(ctx context.Context, siteID, storyID string, after ReactionRow, limit int) ([]ReactionRow, error)
	// TransferReports returns the reports on a story's comments with an ID
	// above after, by ID.
	TransferReports(ctx context.Context, siteID, storyID, after string, limit int) ([]*Report, error)
	// TransferAudit returns the site's audit entries with an ID above
	// after, by ID.
	TransferAudit(ctx context.Context, siteID string, after int64, limit int) ([]*AuditEntry, error)
	// TransferRevisions returns the revisions of a story's comments after
	// the key, by comment ID and then number.
	TransferRevisions(ctx context.Context, siteID, storyID string, after RevisionKey, limit int) ([]*Revision, error)
	// TransferNotices returns the site's notices with a reference above
	// after, by reference.
	TransferNotices(ctx context.Context, siteID, after string, limit int) ([]*Notice, error)
	// TransferComplaints returns the site's complaints with a reference
	// above after, by reference.
	TransferComplaints(ctx context.Context, siteID, after string, limit int) ([]*Complaint, error)
}

// TransferWriter writes rows as they were, for an import: IDs, times,
// statuses, counts and moderation marks are stored as given, not derived,
// and nothing is appended to the event or audit logs (the rows are not new
// events; their readers learn of a changed story from the importer's
// UpdateStory). A row whose key is stored already is left as it is and the
// method returns false, so that importing one file twice adds nothing.
// The importer writes parents before replies and users before what they
// wrote, as the export orders them; ENOTFOUND when a story or parent is
// missing.
type TransferWriter interface {
	ImportUser(ctx context.Context, u *User) (bool, error)
	ImportStory(ctx context.Context, st *Story) (bool, error)
	ImportComment(ctx context.Context, c *Comment) (bool, error)
	ImportReaction(ctx context.Context, r ReactionRow) (bool, error)
	ImportReport(ctx context.Context, r *Report) (bool, error)
	// ImportAudit stores e with its ID; later entries appended by
	// AppendAudit get IDs above every imported one.
	ImportAudit(ctx context.Context, e *AuditEntry) (bool, error)
	ImportRevision(ctx context.Context, r *Revision) (bool, error)
	ImportNotice(ctx context.Context, n *Notice) (bool, error)
	ImportComplaint(ctx context.Context, c *Complaint) (bool, error)
	// RecountStory sets from the stored rows what the store keeps counted
	// about a story: its CommentCount and the ReplyCount of each of its
	// comments (bottom up, so that a deleted placeholder counts as shown
	// exactly when it has shown replies). An importer of other systems'
	// exports calls it in the unit that wrote the story's rows, since it
	// cannot know the counts of a story that already had comments; it
	// costs the story's size and appends no event. ENOTFOUND if the story
	// does not exist.
	RecountStory(ctx context.Context, siteID, storyID string) error
	// AddUserCounts adds d to a user's Counts: an importer's count of the
	// comments it wrote for the user, by status, in the same unit. (A
	// recount from the rows would cost the user's every comment per
	// story, which for a site's most active commenter is quadratic.)
	// ENOTFOUND if the user does not exist.
	AddUserCounts(ctx context.Context, userID string, d UserCounts) error
}

// CheckTransferPage returns the error a TransferReader method returns for
// limit; both backends call it.
func CheckTransferPage(limit int) error {
	if limit < 1 || limit > MaxTransferPage {
		return Errorf(EINVALID, "A page of an export holds 1 to %d rows.", MaxTransferPage)
	}
	return nil
}

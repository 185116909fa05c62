package transfer

import (
	"encoding/json"
	"fmt"
	"time"

	"parley"
)

// The conversions between stored rows and records, both ways, kept side by
// side so that a field added to one direction is seen missing in the other.

func siteRecord(s *parley.Site) (*Site, error) {
	mod, err := json.Marshal(s.Moderation)
	if err != nil {
		return nil, fmt.Errorf("transfer: encode moderation of site %s: %w", s.ID, err)
	}
	if string(mod) == "{}" {
		mod = nil
	}
	return &Site{header: header{TypeSite, Version}, ID: s.ID, Name: s.Name, Origins: s.Origins,
		AllowAnonymous: s.AllowAnonymous, EditWindowMS: s.EditWindow.Milliseconds(), MaxBodyLength: s.MaxBodyLength,
		SessionTTLMS: s.SessionTTL.Milliseconds(), Passkeys: s.Passkeys, EmailSignIn: s.EmailSignIn,
		Privacy: s.Privacy, RateLimit: s.RateLimit, Moderation: mod, CreatedAt: s.CreatedAt}, nil
}

func (r *Site) site() (*parley.Site, error) {
	s := &parley.Site{ID: r.ID, Name: r.Name, Origins: r.Origins, AllowAnonymous: r.AllowAnonymous,
		EditWindow: time.Duration(r.EditWindowMS) * time.Millisecond, MaxBodyLength: r.MaxBodyLength,
		SessionTTL: time.Duration(r.SessionTTLMS) * time.Millisecond, Passkeys: r.Passkeys,
		EmailSignIn: r.EmailSignIn, Privacy: r.Privacy, RateLimit: r.RateLimit, CreatedAt: r.CreatedAt}
	if len(r.Moderation) > 0 {
		if err := json.Unmarshal(r.Moderation, &s.Moderation); err != nil {
			return nil, parley.Errorf(parley.EINVALID, "The site's moderation settings do not read: %v", err)
		}
	}
	return s, s.Validate()
}

func userRecord(u *parley.User, emails bool) *User {
	r := &User{header: header{TypeUser, Version}, ID: u.ID, Name: u.Name, Badges: u.Badges,
		Sanctions: Sanctions(u.Sanctions), Counts: Counts(u.Counts), CreatedAt: u.CreatedAt}
	if u.Role != parley.RoleNone {
		r.Role = u.Role.String()
	}
	if emails {
		r.Email = u.Email
	}
	return r
}

func (r *User) user(siteID string) (*parley.User, error) {
	u := &parley.User{ID: r.ID, SiteID: siteID, Name: r.Name, Email: r.Email, Badges: r.Badges,
		Sanctions: parley.Sanctions(r.Sanctions), Counts: parley.UserCounts(r.Counts), CreatedAt: r.CreatedAt}
	if r.Role != "" {
		role, err := parley.ParseRole(r.Role)
		if err != nil {
			return nil, parley.Errorf(parley.EINVALID, "User %s has role %q: %v", r.ID, r.Role, err)
		}
		u.Role = role
	}
	return u, nil
}

func storyRecord(st *parley.Story) *Story {
	return &Story{header: header{TypeStory, Version}, ID: st.ID, URL: st.URL, Title: st.Title, Lang: st.Lang,
		Status: st.Status, Premoderation: st.Premoderation, CommentCount: st.CommentCount, CreatedAt: st.CreatedAt}
}

func (r *Story) story(siteID string) (*parley.Story, error) {
	st := &parley.Story{SiteID: siteID, ID: r.ID, URL: r.URL, Title: r.Title, Lang: r.Lang, Status: r.Status,
		Premoderation: r.Premoderation, CommentCount: r.CommentCount, CreatedAt: r.CreatedAt}
	return st, st.Validate()
}

func commentRecord(c *parley.Comment) *Comment {
	return &Comment{header: header{TypeComment, Version}, ID: c.ID, Story: c.StoryID, Parent: c.ParentID,
		Root: c.RootID, Depth: c.Depth, Author: c.AuthorID, AuthorName: c.AuthorName, Body: c.Body, HTML: c.HTML,
		Status: c.Status, ReplyCount: c.ReplyCount, ReactionCount: c.ReactionCount, ReportCount: c.ReportCount,
		Featured: c.Featured, Newcomer: c.Newcomer, ReportsReviewed: c.ReportsReviewed,
		CreatedAt: c.CreatedAt, EditedAt: c.EditedAt, DeletedAt: c.DeletedAt}
}

func (r *Comment) comment(siteID string) (*parley.Comment, error) {
	if !parley.ValidStatus(r.Status) {
		return nil, parley.Errorf(parley.EINVALID, "Comment %s has status %q.", r.ID, r.Status)
	}
	if r.ID == "" || r.Root == "" || (r.Parent == "") != (r.Depth == 0) {
		return nil, parley.Errorf(parley.EINVALID, "Comment %q has no ID, no root, or a depth that does not fit its parent.", r.ID)
	}
	return &parley.Comment{ID: r.ID, SiteID: siteID, StoryID: r.Story, ParentID: r.Parent, RootID: r.Root,
		Depth: r.Depth, AuthorID: r.Author, AuthorName: r.AuthorName, Body: r.Body, HTML: r.HTML, Status: r.Status,
		ReplyCount: r.ReplyCount, ReactionCount: r.ReactionCount, ReportCount: r.ReportCount,
		Featured: r.Featured, Newcomer: r.Newcomer, ReportsReviewed: r.ReportsReviewed,
		CreatedAt: r.CreatedAt, EditedAt: r.EditedAt, DeletedAt: r.DeletedAt}, nil
}

func reactionRecord(x parley.ReactionRow) *Reaction {
	return &Reaction{header: header{TypeReaction, Version}, Comment: x.CommentID, User: x.UserID, CreatedAt: x.CreatedAt}
}

func (r *Reaction) reaction() parley.ReactionRow {
	return parley.ReactionRow{CommentID: r.Comment, UserID: r.User, CreatedAt: r.CreatedAt}
}

func reportRecord(x *parley.Report) *Report {
	return &Report{header: header{TypeReport, Version}, ID: x.ID, Comment: x.CommentID, User: x.UserID,
		Reason: x.Reason, Note: x.Note, CreatedAt: x.CreatedAt}
}

func (r *Report) report() *parley.Report {
	return &parley.Report{ID: r.ID, CommentID: r.Comment, UserID: r.User, Reason: r.Reason, Note: r.Note, CreatedAt: r.CreatedAt}
}

func auditRecord(e *parley.AuditEntry) *Audit {
	return &Audit{header: header{TypeAudit, Version}, ID: e.ID, Action: e.Action, Story: e.StoryID,
		Comment: e.CommentID, User: e.UserID, Actor: e.ActorID, Automated: e.Automated, Reason: e.Reason,
		Note: e.Note, Before: e.Before, After: e.After, Ref: e.Ref, CreatedAt: e.CreatedAt}
}

func (r *Audit) entry(siteID string) *parley.AuditEntry {
	return &parley.AuditEntry{ID: r.ID, SiteID: siteID, Action: r.Action, StoryID: r.Story, CommentID: r.Comment,
		UserID: r.User, ActorID: r.Actor, Automated: r.Automated, Reason: r.Reason, Note: r.Note,
		Before: r.Before, After: r.After, Ref: r.Ref, CreatedAt: r.CreatedAt}
}

func revisionRecord(r *parley.Revision) *Revision {
	return &Revision{header: header{TypeRevision, Version}, Comment: r.CommentID, N: r.N, Body: r.Body, HTML: r.HTML,
		Status: r.Status, Reasons: r.Reasons, CreatedAt: r.CreatedAt}
}

func (r *Revision) revision() *parley.Revision {
	return &parley.Revision{CommentID: r.Comment, N: r.N, Body: r.Body, HTML: r.HTML, Status: r.Status,
		Reasons: r.Reasons, CreatedAt: r.CreatedAt}
}

func noticeRecord(n *parley.Notice, emails bool) *Notice {
	r := &Notice{header: header{TypeNotice, Version}, Reference: n.Reference, Comment: n.CommentID, Story: n.StoryID,
		User: n.UserID, Kind: n.Kind, Law: n.Law, Explanation: n.Explanation, Lang: n.Lang, Status: n.Status,
		Action: n.Action, Ground: n.Ground, Basis: n.Basis, Note: n.Note, Automated: n.Automated,
		DecidedBy: n.DecidedBy, ReviewedBy: n.ReviewedBy, CreatedAt: n.CreatedAt, DecidedAt: n.DecidedAt}
	if emails {
		r.Name, r.Email = n.Name, n.Email
	}
	return r
}

func (r *Notice) notice(siteID string) *parley.Notice {
	return &parley.Notice{Reference: r.Reference, SiteID: siteID, CommentID: r.Comment, StoryID: r.Story, UserID: r.User,
		Kind: r.Kind, Law: r.Law, Explanation: r.Explanation, Name: r.Name, Email: r.Email, Lang: r.Lang,
		Status: r.Status, Action: r.Action, Ground: r.Ground, Basis: r.Basis, Note: r.Note, Automated: r.Automated,
		DecidedBy: r.DecidedBy, ReviewedBy: r.ReviewedBy, CreatedAt: r.CreatedAt, DecidedAt: r.DecidedAt}
}

func complaintRecord(c *parley.Complaint) *Complaint {
	return &Complaint{header: header{TypeComplaint, Version}, Reference: c.Reference, Entry: c.EntryID, Action: c.Action,
		Comment: c.CommentID, User: c.UserID, Notice: c.NoticeRef, Explanation: c.Explanation, Lang: c.Lang,
		Status: c.Status, Outcome: c.Outcome, Note: c.Note, DecidedBy: c.DecidedBy, CreatedAt: c.CreatedAt, DecidedAt: c.DecidedAt}
}

func (r *Complaint) complaint(siteID string) *parley.Complaint {
	return &parley.Complaint{Reference: r.Reference, SiteID: siteID, EntryID: r.Entry, Action: r.Action,
		CommentID: r.Comment, UserID: r.User, NoticeRef: r.Notice, Explanation: r.Explanation, Lang: r.Lang,
		Status: r.Status, Outcome: r.Outcome, Note: r.Note, DecidedBy: r.DecidedBy, CreatedAt: r.CreatedAt, DecidedAt: r.DecidedAt}
}

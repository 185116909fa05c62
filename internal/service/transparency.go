package service

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"parley"
)

// Transparency is the figures of a site's transparency report for a
// period (Digital Services Act, Art. 15 and 24), counted from the audit
// log, where every notice, decision and complaint is one entry written
// with it: what the log says happened in [From, To) is what the report
// says.
type Transparency struct {
	SiteID string    `json:"site"`
	From   time.Time `json:"from"`
	To     time.Time `json:"to"`

	// NoticesByKind counts the notices received, every kind listed.
	NoticesByKind map[string]int `json:"noticesByKind"`
	Notices       int            `json:"notices"`
	// NoticeOutcomes counts the notices decided, by action (remove,
	// restrict, no_action).
	NoticeOutcomes map[string]int `json:"noticeOutcomes"`
	// MedianNoticeHours is the median time from a notice to its decision,
	// of the notices decided in the period; 0 when none was.
	MedianNoticeHours float64 `json:"medianNoticeHours"`

	// Actions counts the restrictive decisions (comments removed or held
	// back, users warned, suspended or banned) by kind: the audit action.
	Actions map[string]int `json:"actions"`
	// ActionsByGround counts the same decisions by ground: "law" when
	// they answered a notice on a legal ground, else "terms:" and the
	// reject reason ("terms:" alone when the entry names none).
	ActionsByGround map[string]int `json:"actionsByGround"`
	// Automated and Human split the same decisions by who decided.
	Automated int `json:"automated"`
	Human     int `json:"human"`

	// Complaints counts the complaints received; Upheld and Reversed the
	// complaints decided, by outcome.
	Complaints           int     `json:"complaints"`
	Upheld               int     `json:"upheld"`
	Reversed             int     `json:"reversed"`
	MedianComplaintHours float64 `json:"medianComplaintHours"`
}

// restrictive lists the audit actions that restrict a comment or a user.
var restrictive = []string{parley.AuditRejected, parley.AuditHeld, parley.AuditWarned, parley.AuditSuspended, parley.AuditBanned}

// Transparency counts a site's figures for [from, to). It is the
// operator's (`parley transparency`), like CreateSite: it names no actor
// and is served by no route.
func (s *Service) Transparency(ctx context.Context, siteID string, from, to time.Time) (*Transparency, error) {
	if _, err := s.Site(ctx, siteID); err != nil {
		return nil, err
	}
	if !from.Before(to) {
		return nil, parley.Errorf(parley.EINVALID, "The period must end after it begins.")
	}
	t := &Transparency{SiteID: siteID, From: from, To: to, NoticesByKind: map[string]int{}, NoticeOutcomes: map[string]int{},
		Actions: map[string]int{}, ActionsByGround: map[string]int{}}
	for _, k := range parley.NoticeKinds() {
		t.NoticesByKind[k] = 0
	}
	var noticeHours, complaintHours []float64
	notices := map[string]*parley.Notice{}
	q := parley.AuditQuery{SiteID: siteID, From: from, To: to, Limit: parley.MaxAuditPage}
	for {
		es, err := s.store.Audit(ctx, q)
		if err != nil {
			return nil, fmt.Errorf("read audit log: %w", err)
		}
		for _, e := range es {
			if err := s.count(ctx, t, e, notices, &noticeHours, &complaintHours); err != nil {
				return nil, err
			}
		}
		if len(es) < q.Limit {
			break
		}
		q.BeforeID = es[len(es)-1].ID
	}
	t.MedianNoticeHours, t.MedianComplaintHours = median(noticeHours), median(complaintHours)
	return t, nil
}

// count adds one audit entry to t; the notices and complaints that
// entries name are read once each.
func (s *Service) count(ctx context.Context, t *Transparency, e *parley.AuditEntry, notices map[string]*parley.Notice, noticeHours, complaintHours *[]float64) error {
	switch {
	case e.Action == parley.AuditNoticeCreated:
		t.Notices++
		t.NoticesByKind[e.Reason]++
	case e.Action == parley.AuditNoticeDecided:
		t.NoticeOutcomes[e.Reason]++
		n, err := s.noticeOf(ctx, e, notices)
		if err != nil || n == nil {
			return err
		}
		*noticeHours = append(*noticeHours, e.CreatedAt.Sub(n.CreatedAt).Hours())
	case e.Action == parley.AuditComplaintCreated:
		t.Complaints++
	case e.Action == parley.AuditComplaintDecided:
		if e.Reason == parley.OutcomeReversed {
			t.Reversed++
		} else {
			t.Upheld++
		}
		c, err := s.store.Complaint(ctx, e.SiteID, e.Ref)
		if err != nil && parley.ErrorCode(err) != parley.ENOTFOUND {
			return fmt.Errorf("read complaint: %w", err)
		}
		if err == nil {
			*complaintHours = append(*complaintHours, e.CreatedAt.Sub(c.CreatedAt).Hours())
		}
	case slices.Contains(restrictive, e.Action):
		t.Actions[e.Action]++
		if e.Automated {
			t.Automated++
		} else {
			t.Human++
		}
		n, err := s.noticeOf(ctx, e, notices)
		if err != nil {
			return err
		}
		if n != nil && n.Ground == parley.GroundLaw {
			t.ActionsByGround[parley.GroundLaw]++
		} else {
			t.ActionsByGround[parley.GroundTerms+":"+e.Reason]++
		}
	}
	return nil
}

// noticeOf returns the notice an entry names, nil for none (or one that
// cannot be found), reading each notice once.
func (s *Service) noticeOf(ctx context.Context, e *parley.AuditEntry, seen map[string]*parley.Notice) (*parley.Notice, error) {
	if !strings.HasPrefix(e.Ref, "N-") {
		return nil, nil
	}
	if n, ok := seen[e.Ref]; ok {
		return n, nil
	}
	n, err := s.store.Notice(ctx, e.SiteID, e.Ref)
	if err != nil && parley.ErrorCode(err) != parley.ENOTFOUND {
		return nil, fmt.Errorf("read notice: %w", err)
	}
	seen[e.Ref] = n
	return n, nil
}

// median returns the median of xs, 0 for none.
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	slices.Sort(xs)
	m := len(xs) / 2
	if len(xs)%2 == 1 {
		return xs[m]
	}
	return (xs[m-1] + xs[m]) / 2
}

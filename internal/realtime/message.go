package realtime

import (
	"context"

	"parley"
	"parley/internal/service"
	"parley/internal/wire"
)

// Liver is what rendering needs of the service: a stored event as readers
// may see it now.
type Liver interface {
	Live(ctx context.Context, ev parley.StoredEvent) (*service.Live, bool, error)
}

// eventNames maps stored event types to the names readers' streams use.
var eventNames = map[string]string{
	parley.EventCommentCreated: "created",
	parley.EventCommentEdited:  "edited",
	parley.EventCommentDeleted: "deleted",
	parley.EventReaction:       "reaction",
	parley.EventStoryChanged:   "story",
}

// Renderer returns the Render of the live stream: the state of the comment
// or story now, as JSON, so that every event can be applied twice.
func Renderer(svc Liver) Render {
	return func(ctx context.Context, ev parley.StoredEvent) (Message, bool, error) {
		l, ok, err := svc.Live(ctx, ev)
		if err != nil || !ok {
			return Message{}, false, err
		}
		var data any
		count := l.Story.CommentCount
		switch ev.Type {
		case parley.EventCommentCreated:
			data = map[string]any{"comment": wire.FromComment(l.Comment), "commentCount": count}
		case parley.EventCommentEdited:
			data = map[string]any{"comment": wire.FromComment(l.Comment)}
		case parley.EventCommentDeleted:
			data = map[string]any{"comment": deletedComment(l), "commentCount": count, "removed": l.Removed}
		case parley.EventReaction:
			data = map[string]any{"commentId": l.Comment.ID, "reactions": l.Comment.ReactionCount}
		case parley.EventStoryChanged:
			data = map[string]any{"status": l.Story.Status, "commentCount": count}
		}
		raw, err := wire.Marshal(data)
		if err != nil {
			return Message{}, false, err
		}
		return Message{ID: ev.ID, Event: eventNames[ev.Type], Data: raw}, true, nil
	}
}

// deletedComment is what readers learn of a comment that left the thread:
// its place, and nothing of its text or author. A rejected comment keeps
// its text in the database; it must not reach readers through the stream.
func deletedComment(l *service.Live) *wire.Comment {
	c := l.Comment
	return &wire.Comment{ID: c.ID, ParentID: c.ParentID, Depth: c.Depth, Status: parley.StatusDeleted,
		CreatedAt: wire.FormatTime(c.CreatedAt), ReplyCount: c.ReplyCount}
}

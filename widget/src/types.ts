// The JSON shapes of internal/wire, as far as the widget reads them.

export interface Comment {
  id: string;
  parentId?: string;
  depth: number;
  author?: { id: string; name: string; deleted?: boolean; role?: string; badges?: string[] };
  html: string;
  body?: string;
  status: string;
  createdAt: string;
  editedAt?: string;
  editableUntil?: string;
  reactions: number;
  replyCount: number;
  replies?: Comment[];
  repliesCursor?: string;
}

export interface Story {
  id: string;
  status: string;
  commentCount: number;
}

export interface Thread {
  story: Story;
  comments: Comment[];
  nextCursor?: string;
  eventId?: number;
}

export interface Me {
  user?: { id: string; name: string } | null;
  reactions?: string[];
  comments?: Comment[];
}

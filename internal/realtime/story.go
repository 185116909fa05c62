package realtime

import "sync"

// story is the hub of one watched story: its readers, and the last event
// ID when it was first watched (older events are the readers' to replay).
type story struct {
	siteID, storyID string
	floor           int64

	mu   sync.Mutex
	subs map[*Subscriber]struct{}
}

func (st *story) add(sub *Subscriber) {
	st.mu.Lock()
	st.subs[sub] = struct{}{}
	st.mu.Unlock()
}

func (st *story) remove(sub *Subscriber) int {
	st.mu.Lock()
	defer st.mu.Unlock()
	delete(st.subs, sub)
	return len(st.subs)
}

// broadcast hands m to every reader; a reader whose buffer is full is
// dropped rather than slowing the others. The lock is held only for the
// channel sends, which never block: each reader's own goroutine writes to
// its connection, so a slow client delays no one but itself.
func (st *story) broadcast(m Message) {
	st.mu.Lock()
	defer st.mu.Unlock()
	for sub := range st.subs {
		select {
		case sub.C <- m:
		default:
			delete(st.subs, sub)
			close(sub.gone)
		}
	}
}

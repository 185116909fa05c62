package httpapi

import (
	"net"
	"net/http"
	"strconv"
	"time"

	"parley/internal/realtime"
)

// writeTimeout bounds one write to a detached stream: a client whose
// socket stays full that long is dropped, and reconnects with its last ID.
const writeTimeout = 10 * time.Second

// Why live streams leave net/http once they are idle: a stream that
// stays in its handler keeps the connection's goroutine and stack, the
// background reader's goroutine, net/http's 4 KiB bufio reader, its 4 KiB
// writer and the response's 2 KiB one, the request and the response. With
// 10,000 readers that was 32-34 kB of RSS per reader (heap profile: 10 kB
// of bufio, 12 kB of stacks), and a heap above the memory limit, collected
// without pause: 11-17 % of a core for readers who only wait. A detached
// stream keeps the socket, its subscription and two small goroutines:
// 20 kB per reader, and no collection while they wait (bench -scenario
// live, same session).

// detached is a live stream taken over from net/http after its replay:
// the response was chunked, so it goes on writing chunks on the raw
// connection.
type detached struct {
	conn     net.Conn
	sub      *realtime.Subscriber
	replayed map[int64]bool
}

// detach takes the connection over from net/http, or returns nil where it
// cannot: HTTP/2, a writer that does not let go of its connection, a
// response that is not plainly chunked HTTP/1.1.
func (a *API) detach(w http.ResponseWriter, r *http.Request, s *stream, sub *realtime.Subscriber) *detached {
	if r.ProtoMajor != 1 || r.ProtoMinor != 1 ||
		w.Header().Get("Content-Encoding") != "" || r.Header.Get("Connection") == "close" {
		return nil
	}
	conn, brw, err := s.rc.Hijack()
	if err != nil {
		return nil
	}
	if brw.Reader.Buffered() > 0 {
		// A request pipelined behind the stream's: net/http would have
		// read it after this response, which never ends. Close instead.
		conn.Close()
		return &detached{}
	}
	return &detached{conn: conn, sub: sub, replayed: s.replayed}
}

// run forwards the hub's events until the reader leaves, falls behind, a
// write fails, or the hub closes; then it ends the chunked body and closes
// the connection. It runs on its own goroutine.
func (d *detached) run(done <-chan struct{}) {
	if d.conn == nil {
		return
	}
	defer d.conn.Close()
	gone := make(chan struct{})
	go d.watch(gone)
	tick := time.NewTicker(heartbeat)
	defer tick.Stop()
	for {
		var err error
		select {
		case m := <-d.sub.C:
			if !d.replayed[m.ID] {
				err = d.write(m.SSE())
			}
		case <-tick.C:
			err = d.write(ping)
		case <-d.sub.Gone():
			d.end(nil)
			return
		case <-done:
			d.end(byeFrame("shutdown", shutdownRetry))
			return
		case <-gone:
			return
		}
		if err != nil {
			return
		}
	}
}

// watch reads the connection until the client closes it. A reader sends
// nothing after its request; what it might send is of no interest.
func (d *detached) watch(gone chan<- struct{}) {
	defer close(gone)
	var b [64]byte
	for {
		if _, err := d.conn.Read(b[:]); err != nil {
			return
		}
	}
}

var (
	ping     = []byte(": ping\n\n")
	chunkEnd = []byte("0\r\n\r\n")
)

// write sends frame as one chunk.
func (d *detached) write(frame []byte) error {
	b := make([]byte, 0, len(frame)+12)
	b = strconv.AppendInt(b, int64(len(frame)), 16)
	b = append(b, "\r\n"...)
	b = append(b, frame...)
	b = append(b, "\r\n"...)
	d.conn.SetWriteDeadline(time.Now().Add(writeTimeout))
	_, err := d.conn.Write(b)
	return err
}

// end writes a last frame, if any, and the chunked body's end. A write
// that fails needs no more: the connection closes either way.
func (d *detached) end(last []byte) {
	if last != nil && d.write(last) != nil {
		return
	}
	d.conn.SetWriteDeadline(time.Now().Add(writeTimeout))
	d.conn.Write(chunkEnd)
}

package main

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
)

// maxAppendBody bounds what the write baseline reads of one request, as
// Parley bounds a comment's request body.
const maxAppendBody = 64 << 10

// appendLog is the write baseline: the least a server can do for a
// durable write over HTTP on this machine. It answers a POST of a comment
// with 201 only once the request's body is appended to a file and the
// file is fsynced, and the bodies that arrive while one fsync runs share
// the next (a group commit, as Parley's writer has). It parses nothing,
// checks nothing and keeps no index, so Parley's writes ÷ its writes is
// the share of the machine's durable-write ceiling that Parley reaches,
// and the ceiling itself says what an absolute target asks of the machine.
type appendLog struct {
	f    *os.File
	mu   sync.Mutex
	cond *sync.Cond
	buf  []byte // bodies waiting for the next fsync
	gen  uint64 // generation of buf: the fsync that will cover it
	done uint64 // the last generation made durable
	err  error  // the first write or fsync error; every later write fails
	next atomic.Uint64
	quit bool
	stop chan struct{}
}

// newAppendLog creates a log file in dir (the directory of Parley's
// database, so that both write to the same disk) and starts its syncer.
func newAppendLog(dir string) (*appendLog, error) {
	f, err := os.CreateTemp(dir, "parley-bench-append-*.log")
	if err != nil {
		return nil, fmt.Errorf("write baseline: %w", err)
	}
	l := &appendLog{f: f, gen: 1, stop: make(chan struct{})}
	l.cond = sync.NewCond(&l.mu)
	go l.sync()
	return l, nil
}

// sync writes and fsyncs each generation of bodies in turn.
func (l *appendLog) sync() {
	defer close(l.stop)
	var out []byte
	l.mu.Lock()
	for {
		for len(l.buf) == 0 && !l.quit {
			l.cond.Wait()
		}
		if len(l.buf) == 0 {
			l.mu.Unlock()
			return
		}
		out, l.buf = l.buf, out[:0]
		gen := l.gen
		l.gen++
		l.mu.Unlock()
		_, err := l.f.Write(out)
		if err == nil {
			err = l.f.Sync()
		}
		l.mu.Lock()
		if err != nil && l.err == nil {
			l.err = err
		}
		l.done = gen
		l.cond.Broadcast()
	}
}

// append adds body to the next generation and waits until it is durable.
func (l *appendLog) append(body []byte) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.quit {
		return fmt.Errorf("write baseline closed")
	}
	l.buf = append(l.buf, body...)
	l.buf = append(l.buf, '\n')
	gen := l.gen
	l.cond.Broadcast()
	for l.done < gen && l.err == nil {
		l.cond.Wait()
	}
	return l.err
}

// ServeHTTP takes a POST to …/comments; anything else is 404.
func (l *appendLog) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.NotFound(w, r)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxAppendBody))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if err := l.append(body); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	id := "b" + strconv.FormatUint(l.next.Add(1), 36)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	_, _ = io.WriteString(w, `{"comment":{"id":"`+id+`","depth":0}}`)
}

// Close stops the syncer after the waiting bodies and removes the file.
func (l *appendLog) Close() error {
	l.mu.Lock()
	l.quit = true
	l.cond.Broadcast()
	l.mu.Unlock()
	<-l.stop
	name := l.f.Name()
	err := l.f.Close()
	if rmErr := os.Remove(name); err == nil {
		err = rmErr
	}
	return err
}

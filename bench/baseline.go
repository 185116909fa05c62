package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"time"
)

// replayHandler answers each recorded request URI with exactly the status,
// headers and bytes Parley gave for it. It does no work per request beyond a
// map lookup, so it shows what the machine and the HTTP stack allow for the
// same payload: the ceiling Parley's cached reads are compared against.
type replayHandler struct {
	pages map[string]*page
}

func newReplayHandler(pages ...*page) *replayHandler {
	h := &replayHandler{pages: make(map[string]*page, len(pages))}
	for _, p := range pages {
		h.pages[p.RequestURI] = p
	}
	return h
}

func (h *replayHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p, ok := h.pages[r.URL.RequestURI()]
	if !ok {
		http.NotFound(w, r)
		return
	}
	hdr := w.Header()
	for k, v := range p.Header {
		hdr[k] = v
	}
	if p.ContentLength {
		hdr["Content-Length"] = []string{strconv.Itoa(len(p.Body))}
	}
	w.WriteHeader(p.Status)
	_, _ = w.Write(p.Body)
}

// baseline is a running replay server on a loopback port.
type baseline struct {
	URL  string // http://127.0.0.1:PORT
	srv  *http.Server
	done chan struct{} // closed when Serve has returned
	err  error         // Serve's result, valid after done
}

// startBaseline serves h on 127.0.0.1 with an OS-chosen port.
func startBaseline(h http.Handler) (*baseline, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen for baseline: %w", err)
	}
	b := &baseline{
		URL:  "http://" + ln.Addr().String(),
		srv:  &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second},
		done: make(chan struct{}),
	}
	go func() {
		b.err = b.srv.Serve(ln)
		close(b.done)
	}()
	return b, nil
}

// Close shuts the baseline server down and reports a serve error, if any.
// It may be called more than once.
func (b *baseline) Close(ctx context.Context) error {
	if err := b.srv.Shutdown(ctx); err != nil {
		return fmt.Errorf("shut down baseline: %w", err)
	}
	<-b.done
	if b.err != nil && !errors.Is(b.err, http.ErrServerClosed) {
		return fmt.Errorf("baseline server: %w", b.err)
	}
	return nil
}

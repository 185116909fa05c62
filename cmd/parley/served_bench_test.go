package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

// BenchmarkServedPage1 reads the demo story's cached page 1 over loopback
// keep-alive connections, as bench/ does from outside, and the same bytes
// and headers from a replay that does nothing else (/static): the ratio of
// the two is what bench/ checks, here with a profile at hand (go test
// -bench ServedPage1 -cpuprofile; client and server share the process, so
// look at the server's functions). 32 goroutines per core, as bench/'s 64
// connections on two cores.
func BenchmarkServedPage1(b *testing.B) {
	h, req := demoHandler(b, handlerConfig{})
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	static := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hdr := w.Header()
		for k, v := range rec.Header() {
			hdr[k] = v
		}
		w.WriteHeader(rec.Code)
		w.Write(rec.Body.Bytes())
	})
	for _, tc := range []struct {
		name string
		h    http.Handler
	}{{"parley", h}, {"static", static}} {
		b.Run(tc.name, func(b *testing.B) { benchServed(b, tc.h, demoPage1) })
	}
}

// benchServed reads path from h over loopback in parallel.
func benchServed(b *testing.B, h http.Handler, path string) {
	srv := httptest.NewServer(h)
	defer srv.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256, DisableCompression: true}}
	defer client.CloseIdleConnections()
	b.SetParallelism(32)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
		req.Header.Set("Accept-Encoding", "gzip")
		for pb.Next() {
			resp, err := client.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				b.Errorf("status %d", resp.StatusCode)
				return
			}
		}
	})
}

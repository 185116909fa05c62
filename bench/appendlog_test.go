package main

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// TestAppendLog: every 201 of the write baseline, with 8 posters at once,
// comes after its body is in the file; a GET is not a write; Close
// removes the file.
func TestAppendLog(t *testing.T) {
	dir := t.TempDir()
	l, err := newAppendLog(dir)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(l)
	defer srv.Close()
	const posters, each = 8, 25
	var wg sync.WaitGroup
	for p := range posters {
		wg.Go(func() {
			for i := range each {
				body := fmt.Sprintf(`{"body":"poster %d, comment %d"}`, p, i)
				resp, err := http.Post(srv.URL+"/api/v1/sites/s/stories/x/comments", "application/json", strings.NewReader(body))
				if err != nil {
					t.Error(err)
					return
				}
				resp.Body.Close()
				if resp.StatusCode != http.StatusCreated {
					t.Errorf("status %d, want 201", resp.StatusCode)
					return
				}
				data, err := os.ReadFile(l.f.Name())
				if err != nil || !bytes.Contains(data, []byte(body+"\n")) {
					t.Errorf("acknowledged %s is not in the file (%v)", body, err)
				}
			}
		})
	}
	wg.Wait()
	if resp, err := http.Get(srv.URL + "/x"); err != nil || resp.StatusCode != http.StatusNotFound {
		t.Errorf("GET: %v %v, want 404", resp, err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "*")); len(left) != 0 {
		t.Errorf("Close left %v", left)
	}
}

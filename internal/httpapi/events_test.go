package httpapi_test

import (
	"bufio"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"parley"
)

// sse reads a live stream event by event.
type sse struct {
	lastID string
	t      *testing.T
	r      *bufio.Reader
	cancel context.CancelFunc
}

func openStream(t *testing.T, s *stack, path string, headers ...string) *sse {
	t.Helper()
	resp, cancel := askStream(t, s, path, headers...)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/event-stream" {
		cancel()
		t.Fatalf("stream: %d %v", resp.StatusCode, resp.Header)
	}
	t.Cleanup(func() { cancel(); resp.Body.Close() })
	return &sse{t: t, r: bufio.NewReader(resp.Body), cancel: cancel}
}

// askStream sends GET path with headers given as "Key: Value", within 10 s;
// cancel ends the request.
func askStream(t *testing.T, s *stack, path string, headers ...string) (resp *http.Response, cancel context.CancelFunc) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	req, _ := http.NewRequestWithContext(ctx, "GET", s.URL+path, nil)
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ": ")
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	return resp, cancel
}

// next returns the next event's name and data, skipping comments and the
// retry field, and remembers its ID.
func (e *sse) next() (name, data string) {
	e.t.Helper()
	for {
		line, err := e.r.ReadString('\n')
		if err != nil {
			e.t.Fatalf("stream ended: %v (last %q, %q)", err, name, data)
		}
		line = strings.TrimRight(line, "\n")
		switch {
		case line == "" && name != "":
			return name, data
		case strings.HasPrefix(line, "id: "):
			e.lastID = strings.TrimPrefix(line, "id: ")
		case strings.HasPrefix(line, "event: "):
			name = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "data: "):
			data = strings.TrimPrefix(line, "data: ")
		}
	}
}

func (e *sse) expect(name string, contains ...string) {
	e.t.Helper()
	got, data := e.next()
	if got != name {
		e.t.Fatalf("event %q (%s), want %q", got, data, name)
	}
	for _, c := range contains {
		if !strings.Contains(data, c) {
			e.t.Errorf("%s event lacks %q: %s", name, c, data)
		}
	}
}

const stream = "/api/v1/sites/news/stories/s1/events"

func TestLiveEvents(t *testing.T) {
	s := fixtures(t, onSQLite)
	live := openStream(t, s, stream)
	s.MustPost("n1", "Eve", "news", "s1", "", "Frisch *geschrieben*")
	live.expect("created", `"id":"`+s.ids["n1"]+`"`, `<em>geschrieben</em>`, `"commentCount":3`)
	s.do("PUT", "/api/v1/comments/"+s.ids["n1"]+"/reaction", "", "Bob")
	live.expect("reaction", `"reactions":1`)
	s.do("PATCH", "/api/v1/comments/"+s.ids["n1"], `{"body":"Neu"}`, "Eve")
	live.expect("edited", `<p>Neu</p>`)
	s.do("DELETE", "/api/v1/comments/"+s.ids["c1"], "", "Alice")
	live.expect("deleted", `"status":"deleted"`, `"removed":false`, `"commentCount":2`)
	s.do("DELETE", "/api/v1/comments/"+s.ids["r1"], "", "Bob")
	live.expect("deleted", `"id":"`+s.ids["r1"]+`"`, `"removed":true`)
	live.expect("deleted", `"id":"`+s.ids["c1"]+`"`, `"removed":true`) // the placeholder lost its last reply
}

func TestReplayAfterDisconnect(t *testing.T) {
	s := fixtures(t, onSQLite)
	first := openStream(t, s, stream)
	s.MustPost("a", "Eve", "news", "s1", "", "Vor der Trennung")
	first.expect("created", "Vor der Trennung")
	first.cancel()
	s.MustPost("b", "Eve", "news", "s1", "", "Verpasst eins")
	s.MustPost("c", "Eve", "news", "s1", "c1", "Verpasst zwei")
	again := openStream(t, s, stream, "Last-Event-ID: "+first.lastID)
	again.expect("created", "Verpasst eins")
	again.expect("created", "Verpasst zwei", `"parentId":"`+s.ids["c1"]+`"`)
	s.MustPost("d", "Eve", "news", "s1", "", "Wieder live")
	again.expect("created", "Wieder live")
}

func TestThreadCarriesItsEventID(t *testing.T) {
	s := fixtures(t, onSQLite)
	r := s.do("GET", thread, "", "")
	if !strings.Contains(r.body, `"eventId":2`) { // c1 and r1 on story s1
		t.Fatalf("thread: %s", r.body)
	}
	s.MustPost("n", "Eve", "news", "s1", "", "Danach")
	live := openStream(t, s, stream+"?after=2")
	live.expect("created", "Danach")
}

func TestStreamEnds(t *testing.T) {
	s := fixtures(t, onSQLite)
	closed := openStream(t, s, "/api/v1/sites/news/stories/shut/events")
	closed.expect("bye", `"reason":"closed"`)

	live := openStream(t, s, stream)
	if _, err := s.svc.SetStoryStatus(context.Background(), "news", "s1", parley.StoryClosed); err != nil {
		t.Fatal(err)
	}
	live.expect("story", `"status":"closed"`)
	s.hub.Close()
	live.expect("bye", `"reason":"shutdown"`, `"retryAfter":5`)
}

func TestStreamErrors(t *testing.T) {
	s := fixtures(t, onSQLite)
	for path, status := range map[string]int{
		"/api/v1/sites/nope/stories/s1/events":  404,
		stream + "?after=minus":                 400,
		"/api/v1/sites/news/stories/%20/events": 404,
	} {
		if r := s.do("GET", path, "", ""); r.status != status {
			t.Errorf("GET %s: %d, want %d", path, r.status, status)
		}
	}
}

package moderation

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// fakeModel is an OpenAI-compatible server whose answer content is what
// reply returns for the request it got.
func fakeModel(t *testing.T, reply func(w http.ResponseWriter, r *http.Request, req chatRequest)) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/v1/chat/completions" {
			http.Error(w, "wrong route "+r.Method+" "+r.URL.Path, http.StatusNotFound)
			return
		}
		var req chatRequest
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		reply(w, r, req)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// answer writes a chat completion whose message content is content.
func answer(w http.ResponseWriter, content string) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{
		"id": "chatcmpl-1", "object": "chat.completion",
		"choices": []any{map[string]any{"index": 0, "finish_reason": "stop",
			"message": map[string]string{"role": "assistant", "content": content}}},
	})
}

// TestOpenAIRequest: the request carries the model, the system prompt,
// the comment as the user's message and the key; the answer becomes the
// score and its reason.
func TestOpenAIRequest(t *testing.T) {
	var got chatRequest
	var auth string
	srv := fakeModel(t, func(w http.ResponseWriter, r *http.Request, req chatRequest) {
		got, auth = req, r.Header.Get("Authorization")
		answer(w, ` {"score": 0.82, "reason": "insults the author"}`+"\n")
	})
	for _, base := range []string{srv.URL, srv.URL + "/", srv.URL + "/v1"} {
		o := &OpenAI{Endpoint: base, Model: "llama-guard", Key: "sk-test", Client: srv.Client()}
		s, err := o.Score(t.Context(), Input{Body: "Du bist ein Idiot.", Lang: "de"})
		if err != nil {
			t.Fatalf("%s: %v", base, err)
		}
		if s.Value != 0.82 || len(s.Reasons) != 1 || s.Reasons[0].Text != "insults the author" || s.Reasons[0].Key != ReasonModel {
			t.Errorf("%s: score %+v", base, s)
		}
	}
	if got.Model != "llama-guard" || auth != "Bearer sk-test" || got.Temperature != 0 {
		t.Errorf("model %q, auth %q, temperature %v", got.Model, auth, got.Temperature)
	}
	if len(got.Messages) != 2 || got.Messages[0].Role != "system" || got.Messages[0].Content != DefaultPrompt ||
		got.Messages[1].Role != "user" || got.Messages[1].Content != "Du bist ein Idiot." {
		t.Errorf("messages %+v", got.Messages)
	}
}

// TestOpenAIRefusals: every answer that is not exactly what was asked for
// is a failure, never a score.
func TestOpenAIRefusals(t *testing.T) {
	for _, tc := range []struct {
		name  string
		reply func(w http.ResponseWriter)
		want  string
	}{
		{"500", func(w http.ResponseWriter) { http.Error(w, "model overloaded", 500) }, "answered 500"},
		{"401", func(w http.ResponseWriter) { http.Error(w, "bad key", 401) }, "answered 401"},
		{"not JSON", func(w http.ResponseWriter) { io.WriteString(w, "<html>gateway</html>") }, "not a chat completion"},
		{"no choices", func(w http.ResponseWriter) { io.WriteString(w, `{"choices":[]}`) }, "no choices"},
		{"prose", func(w http.ResponseWriter) { answer(w, "I think this comment is fine.") }, "did not answer with the JSON"},
		{"fenced", func(w http.ResponseWriter) { answer(w, "```json\n{\"score\":0.1,\"reason\":\"ok\"}\n```") }, "did not answer with the JSON"},
		{"trailing prose", func(w http.ResponseWriter) { answer(w, `{"score":0.1,"reason":"ok"} Hope this helps!`) }, "more than the JSON"},
		{"two objects", func(w http.ResponseWriter) { answer(w, `{"score":0.1,"reason":"ok"}{"score":1,"reason":"x"}`) }, "more than the JSON"},
		{"unknown field", func(w http.ResponseWriter) { answer(w, `{"score":0.1,"reason":"ok","label":"safe"}`) }, "did not answer with the JSON"},
		{"no score", func(w http.ResponseWriter) { answer(w, `{"reason":"ok"}`) }, "lacks score or reason"},
		{"no reason", func(w http.ResponseWriter) { answer(w, `{"score":0.3}`) }, "lacks score or reason"},
		{"score as text", func(w http.ResponseWriter) { answer(w, `{"score":"0.3","reason":"ok"}`) }, "did not answer with the JSON"},
		{"score above 1", func(w http.ResponseWriter) { answer(w, `{"score":7,"reason":"very rude"}`) }, "outside [0,1]"},
		{"negative score", func(w http.ResponseWriter) { answer(w, `{"score":-0.5,"reason":"fine"}`) }, "outside [0,1]"},
		{"huge", func(w http.ResponseWriter) { answer(w, `{"score":0.1,"reason":"`+strings.Repeat("a", 70<<10)+`"}`) }, "more than 65536 bytes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := fakeModel(t, func(w http.ResponseWriter, r *http.Request, req chatRequest) { tc.reply(w) })
			o := &OpenAI{Endpoint: srv.URL, Model: "m", Client: srv.Client()}
			s, err := o.Score(t.Context(), Input{Body: "hello"})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("score %+v, error %v; want an error with %q", s, err, tc.want)
			}
			// And through Run, the comment is held.
			if v := Run(t.Context(), []Configured{{Scorer: o, Threshold: 0.9}}, Input{Body: "hello"}); !v.Hold || !v.Failed {
				t.Errorf("verdict %+v, want held", v)
			}
		})
	}
}

// TestOpenAISlow: a model slower than the scorer's timeout holds the
// comment with "scorer openai unavailable".
func TestOpenAISlow(t *testing.T) {
	srv := fakeModel(t, func(w http.ResponseWriter, r *http.Request, req chatRequest) {
		<-r.Context().Done() // answers only when the client gives up
	})
	o := &OpenAI{Endpoint: srv.URL, Model: "m", Client: srv.Client()}
	v := Run(t.Context(), []Configured{{Scorer: o, Threshold: 0.9, Timeout: 50 * time.Millisecond}}, Input{Body: "hello"})
	if !v.Hold || len(v.Reasons) != 1 || v.Reasons[0].Text != "scorer openai unavailable" {
		t.Fatalf("verdict %+v, want held as unavailable", v)
	}
	if !errors.Is(v.Results[0].Err, ErrTimeout) {
		t.Errorf("error %v, want ErrTimeout", v.Results[0].Err)
	}
}

// TestOpenAIReason: a model's reason is shown as one bounded line.
func TestOpenAIReason(t *testing.T) {
	for in, want := range map[string]string{
		"  rude\n\tand\u0007 loud ": "rude and loud",
		"":                          "the model gave no reason",
		strings.Repeat("é", 300):    strings.Repeat("é", 199) + "…",
		"Beleidigung des Autors":    "Beleidigung des Autors",
	} {
		if got := cleanReason(in); got != want {
			t.Errorf("cleanReason(%q) = %q, want %q", in, got, want)
		}
	}
}

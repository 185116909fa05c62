package moderation

import (
	"context"
	"errors"
	"math"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// fakeScorer answers with score and err, or runs do when set.
type fakeScorer struct {
	name  string
	score Score
	err   error
	do    func(ctx context.Context, in Input) (Score, error)
}

func (f *fakeScorer) Name() string { return f.name }

func (f *fakeScorer) Score(ctx context.Context, in Input) (Score, error) {
	if f.do != nil {
		return f.do(ctx, in)
	}
	return f.score, f.err
}

func fixed(name string, v float64, why string) *fakeScorer {
	return &fakeScorer{name: name, score: Score{Value: v, Reasons: []Reason{{Key: "k", Text: why}}}}
}

// hanging ignores its context and answers only when the test ends.
func hanging(t *testing.T, name string) *fakeScorer {
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	return &fakeScorer{name: name, do: func(context.Context, Input) (Score, error) {
		<-release
		return Score{}, nil
	}}
}

func reasonTexts(v Verdict) []string {
	var out []string
	for _, r := range v.Reasons {
		out = append(out, r.Scorer+": "+r.Text)
	}
	return out
}

func TestRunThresholds(t *testing.T) {
	for _, tc := range []struct {
		name    string
		scorers []Configured
		hold    bool
		reasons []string
	}{
		{"no scorers", nil, false, nil},
		{"below", []Configured{{Scorer: fixed("a", 0.49, "meh"), Threshold: 0.5}}, false, nil},
		{"at", []Configured{{Scorer: fixed("a", 0.5, "links"), Threshold: 0.5}}, true, []string{"a: links"}},
		{"one of two", []Configured{
			{Scorer: fixed("a", 0.1, "fine"), Threshold: 0.5},
			{Scorer: fixed("b", 0.9, "rude"), Threshold: 0.8},
		}, true, []string{"b: rude"}},
		{"both, in configured order", []Configured{
			{Scorer: fixed("b", 1, "spam"), Threshold: 0.5},
			{Scorer: fixed("a", 0.7, "caps"), Threshold: 0.5},
		}, true, []string{"b: spam", "a: caps"}},
		{"failure holds", []Configured{
			{Scorer: fixed("a", 0, "fine"), Threshold: 0.5},
			{Scorer: &fakeScorer{name: "down", err: errors.New("connection refused")}, Threshold: 0.5},
		}, true, []string{"down: scorer down unavailable"}},
		{"above 1 is a failure", []Configured{{Scorer: fixed("a", 1.5, "x"), Threshold: 0.5}}, true, []string{"a: scorer a unavailable"}},
		{"below 0 is a failure", []Configured{{Scorer: fixed("a", -0.1, "x"), Threshold: 0.5}}, true, []string{"a: scorer a unavailable"}},
		{"NaN is a failure", []Configured{{Scorer: fixed("a", math.NaN(), "x"), Threshold: 0.5}}, true, []string{"a: scorer a unavailable"}},
		{"nil scorer is a failure", []Configured{{Threshold: 0.5}}, true, []string{"unnamed: scorer unnamed unavailable"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := Run(t.Context(), tc.scorers, Input{Body: "x"})
			if v.Hold != tc.hold {
				t.Errorf("Hold = %v, want %v (%+v)", v.Hold, tc.hold, v)
			}
			if diff := cmp.Diff(tc.reasons, reasonTexts(v)); diff != "" {
				t.Errorf("reasons (-want +got):\n%s", diff)
			}
			if len(v.Results) != len(tc.scorers) {
				t.Errorf("%d results for %d scorers", len(v.Results), len(tc.scorers))
			}
		})
	}
}

// TestRunTimeout: a scorer that ignores its context is abandoned at its
// timeout and holds the comment; the others still count.
func TestRunTimeout(t *testing.T) {
	v := Run(t.Context(), []Configured{
		{Scorer: fixed("quick", 0.9, "rude"), Threshold: 0.5, Timeout: time.Minute},
		{Scorer: hanging(t, "stuck"), Threshold: 0.5, Timeout: 20 * time.Millisecond},
	}, Input{})
	if !v.Hold || !v.Failed {
		t.Fatalf("verdict %+v, want held and failed", v)
	}
	if !errors.Is(v.Results[1].Err, ErrTimeout) {
		t.Errorf("the stuck scorer's error is %v, want ErrTimeout", v.Results[1].Err)
	}
	want := []string{"quick: rude", "stuck: scorer stuck unavailable"}
	if diff := cmp.Diff(want, reasonTexts(v)); diff != "" {
		t.Errorf("reasons (-want +got):\n%s", diff)
	}
}

// TestRunContextTimeout: a scorer that honours its context sees it end
// at its own timeout, not at another scorer's.
func TestRunContextTimeout(t *testing.T) {
	waits := &fakeScorer{name: "waits", do: func(ctx context.Context, in Input) (Score, error) {
		<-ctx.Done()
		return Score{}, ctx.Err()
	}}
	v := Run(t.Context(), []Configured{{Scorer: waits, Threshold: 0.5, Timeout: 10 * time.Millisecond}}, Input{})
	if !v.Hold || v.Results[0].Err == nil {
		t.Fatalf("verdict %+v, want held on failure", v)
	}
	if !errors.Is(v.Results[0].Err, ErrTimeout) {
		t.Errorf("error %v, want ErrTimeout", v.Results[0].Err)
	}
}

// TestRunPanic: a panicking scorer fails, the process lives on.
func TestRunPanic(t *testing.T) {
	boom := &fakeScorer{name: "boom", do: func(context.Context, Input) (Score, error) { panic("index out of range") }}
	v := Run(t.Context(), []Configured{{Scorer: boom, Threshold: 0.5}, {Scorer: fixed("ok", 0, "fine"), Threshold: 0.5}}, Input{})
	if !v.Hold || !v.Failed || v.Results[0].Err == nil || !strings.Contains(v.Results[0].Err.Error(), "panicked: index out of range") {
		t.Fatalf("verdict %+v, want held with a panic error", v)
	}
	if v.Results[1].Err != nil || v.Results[1].Crossed {
		t.Errorf("the healthy scorer's result is %+v", v.Results[1])
	}
}

// TestRunCanceled: when the request is gone, nothing is approved.
func TestRunCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	v := Run(ctx, []Configured{{Scorer: hanging(t, "slow"), Threshold: 0.5}}, Input{})
	if !v.Hold || !v.Failed {
		t.Fatalf("verdict %+v, want held", v)
	}
}

// TestRunConcurrent: scorers run at once: each waits for the other to
// start, which in sequence would end in their timeouts.
func TestRunConcurrent(t *testing.T) {
	var started sync.WaitGroup
	started.Add(2)
	both := func(name string) *fakeScorer {
		return &fakeScorer{name: name, do: func(ctx context.Context, in Input) (Score, error) {
			started.Done()
			started.Wait()
			return Score{Value: 0.1}, nil
		}}
	}
	v := Run(t.Context(), []Configured{{Scorer: both("a"), Threshold: 0.5, Timeout: time.Minute}, {Scorer: both("b"), Threshold: 0.5, Timeout: time.Minute}}, Input{})
	if v.Hold {
		t.Fatalf("verdict %+v, want not held", v)
	}
}

// TestRunPersonal: only a scorer configured for it sees the author's details.
func TestRunPersonal(t *testing.T) {
	saw := map[string]*Personal{}
	var mu sync.Mutex
	spy := func(name string) *fakeScorer {
		return &fakeScorer{name: name, do: func(ctx context.Context, in Input) (Score, error) {
			mu.Lock()
			saw[name] = in.Personal
			mu.Unlock()
			return Score{}, nil
		}}
	}
	in := Input{Body: "hi", Personal: &Personal{Name: "Ada", Email: "ada@example.org", IP: "192.0.2.1"}}
	Run(t.Context(), []Configured{{Scorer: spy("model"), Threshold: 0.5}, {Scorer: spy("akismet"), Threshold: 0.5, Personal: true}}, in)
	if saw["model"] != nil {
		t.Errorf("a scorer without Personal saw %+v", saw["model"])
	}
	if saw["akismet"] == nil || saw["akismet"].Email != "ada@example.org" {
		t.Errorf("the scorer with Personal saw %+v", saw["akismet"])
	}
}

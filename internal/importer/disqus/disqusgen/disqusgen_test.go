package disqusgen

import (
	"bytes"
	"crypto/sha256"
	"io"
	"testing"

	"parley/internal/importer"
	"parley/internal/importer/disqus"
	"parley/internal/importer/importertest"
)

// TestParse: a generated file parses with the Disqus parser, and what it
// gives matches what Generate reports writing.
func TestParse(t *testing.T) {
	var rep Report
	pr, pw := io.Pipe()
	go func() {
		pw.CloseWithError(Generate(pw, Options{Comments: 5000, Threads: 60, Seed: 7, FaultRate: 0.1, Report: &rep}))
	}()
	var r importertest.Recorder
	if err := disqus.Read(t.Context(), pr, &r); err != nil {
		t.Fatal(err)
	}
	if rep.Posts != 5000+rep.Faults[FaultDuplicatePost] {
		t.Errorf("report: %d posts for 5,000 comments and %d duplicates", rep.Posts, rep.Faults[FaultDuplicatePost])
	}
	if got, want := len(r.Threads), rep.Threads-rep.DeletedThreads; got != want || rep.Threads != 60 {
		t.Errorf("%d threads parsed, want %d (60 written, %d deleted)", got, want, rep.DeletedThreads)
	}
	if got, want := len(r.Posts), rep.Posts-rep.PostsOfDeleted; got != want {
		t.Errorf("%d posts parsed, want %d", got, want)
	}
	if r.Skips["deleted thread"] != rep.DeletedThreads || r.Skips["post of a deleted thread"] != rep.PostsOfDeleted {
		t.Errorf("skips %v, report %+v", r.Skips, rep)
	}
	// Every fault kind shows up at this size and rate.
	for _, k := range append(postFaults, FaultEmptyIdent, FaultDeletedThread) {
		if rep.Faults[k] == 0 {
			t.Errorf("no %s fault in 5,000 comments at 10 %%", k)
		}
	}
	// The faults the parser repairs itself are counted once each; the
	// rest reach the core as the file has them.
	var latin1, spam, deleted, pending, replies, empty int
	for _, p := range r.Posts {
		switch p.Status {
		case importer.StatusSpam:
			spam++
		case importer.StatusDeleted:
			deleted++
		case importer.StatusPending:
			pending++
		}
		if bytes.Contains([]byte(p.Body), []byte("Grüße aus Köln")) {
			latin1++
		}
		if p.Parent != "" {
			replies++
		}
		if p.Key == "" {
			empty++
		}
	}
	if latin1 == 0 || r.Repairs[importer.RepairEncoding] != latin1 {
		t.Errorf("%d bodies with Latin-1 bytes read, %d broken-encoding repairs", latin1, r.Repairs[importer.RepairEncoding])
	}
	if r.Repairs[disqus.RepairDate] == 0 || r.Repairs[disqus.RepairDate] > rep.Faults[FaultDate] {
		t.Errorf("%d date repairs, %d written", r.Repairs[disqus.RepairDate], rep.Faults[FaultDate])
	}
	if spam == 0 || deleted == 0 || pending == 0 || replies < len(r.Posts)/4 || empty == 0 {
		t.Errorf("spam %d, deleted %d, pending %d, replies %d of %d, empty keys %d", spam, deleted, pending, replies, len(r.Posts), empty)
	}
}

// TestDeterministic: the same options write the same bytes; another seed
// other ones.
func TestDeterministic(t *testing.T) {
	sum := func(seed uint64) [32]byte {
		h := sha256.New()
		if err := Generate(h, Options{Comments: 500, Threads: 10, Seed: seed, FaultRate: 0.05}); err != nil {
			t.Fatal(err)
		}
		return [32]byte(h.Sum(nil))
	}
	if sum(1) != sum(1) || sum(1) == sum(2) {
		t.Error("the seed does not fix the output")
	}
}

// TestDepth: no reply is deeper than MaxDepth.
func TestDepth(t *testing.T) {
	var buf bytes.Buffer
	if err := Generate(&buf, Options{Comments: 3000, Threads: 3, Seed: 3, MaxDepth: 5}); err != nil {
		t.Fatal(err)
	}
	var r importertest.Recorder
	if err := disqus.Read(t.Context(), &buf, &r); err != nil {
		t.Fatal(err)
	}
	depth := map[string]int{}
	deepest := 0
	for _, p := range r.Posts {
		if p.Parent != "" {
			d, ok := depth[p.Parent]
			if !ok {
				t.Fatalf("post %s replies to %s, not written before it", p.Key, p.Parent)
			}
			depth[p.Key] = d + 1
		} else {
			depth[p.Key] = 0
		}
		deepest = max(deepest, depth[p.Key])
	}
	if deepest != 5 {
		t.Errorf("deepest reply at depth %d, want 5", deepest)
	}
}

func TestOptions(t *testing.T) {
	for _, o := range []Options{{Comments: 1}, {Comments: -1, Threads: 1}, {Comments: 1, Threads: 1, FaultRate: 2}} {
		if err := Generate(io.Discard, o); err == nil {
			t.Errorf("%+v: no error", o)
		}
	}
}

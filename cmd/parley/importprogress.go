package main

import (
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	"parley/internal/importer"
)

// lineEvery is how often plain progress lines are written, besides the
// end of each phase: often enough for a log to show an import alive,
// seldom enough not to flood it.
const lineEvery = 5 * time.Second

// progressPrinter shows an import's progress on standard error: a bar
// redrawn in place on a terminal, plain lines otherwise (a log file, a
// pipe), or nothing.
type progressPrinter struct {
	w     io.Writer
	mode  string // "bar", "lines" or "none"
	phase string
	since time.Duration // Elapsed when the phase began
	last  time.Duration // Elapsed at the last line
	drawn bool          // a bar is on the screen, to be ended by a newline
}

// newProgressPrinter returns the printer of mode: auto is a bar when w is
// a terminal, lines otherwise.
func newProgressPrinter(mode string, w io.Writer) (*progressPrinter, error) {
	switch mode {
	case "auto":
		mode = "lines"
		if isTerminal(w) {
			mode = "bar"
		}
	case "bar", "lines", "none":
	default:
		return nil, fmt.Errorf("--progress %q: auto, bar, lines or none", mode)
	}
	return &progressPrinter{w: w, mode: mode}, nil
}

// isTerminal reports whether w is a character device.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// show is the importer's Progress callback; the importer calls it at
// most every 200 ms, so a bar is redrawn at most 5 times a second.
func (p *progressPrinter) show(pr importer.Progress) {
	if p.mode == "none" {
		return
	}
	if pr.Phase != p.phase {
		p.endBar()
		p.phase, p.since, p.last = pr.Phase, pr.Elapsed, pr.Elapsed
	}
	elapsed := pr.Elapsed - p.since
	switch p.mode {
	case "bar":
		fmt.Fprintf(p.w, "\r%s\x1b[K", barLine(pr, elapsed))
		p.drawn = true
		if pr.Final {
			p.endBar()
		}
	case "lines":
		if pr.Final || pr.Elapsed-p.last >= lineEvery {
			p.last = pr.Elapsed
			fmt.Fprintln(p.w, progressLine(pr, elapsed))
		}
	}
}

// done ends a bar left on the screen.
func (p *progressPrinter) done() { p.endBar() }

func (p *progressPrinter) endBar() {
	if p.drawn {
		fmt.Fprintln(p.w)
		p.drawn = false
	}
}

// progressLine is one plain line: phase, percent, comments, rate.
func progressLine(pr importer.Progress, elapsed time.Duration) string {
	line := fmt.Sprintf("%s: %s", pr.Phase, percent(pr))
	if pr.Phase == importer.PhaseWriting {
		line += fmt.Sprintf(" (%d of %d stories)", pr.Done, pr.Total)
	}
	line += fmt.Sprintf(", %d comments, %s", pr.Comments, rate(pr.Comments, elapsed))
	if pr.Final {
		line += fmt.Sprintf(", done in %s", elapsed.Round(time.Millisecond))
	}
	return line
}

// barLine is the terminal's line: phase, a bar, percent, comments, rate
// and the time left.
func barLine(pr importer.Progress, elapsed time.Duration) string {
	const width = 24
	filled := 0
	if pr.Total > 0 {
		filled = int(min(pr.Done, pr.Total) * width / pr.Total)
	}
	bar := strings.Repeat("#", filled) + strings.Repeat("-", width-filled)
	line := fmt.Sprintf("%-7s [%s] %s  %d comments  %s", pr.Phase, bar, percent(pr), pr.Comments, rate(pr.Comments, elapsed))
	if left, ok := eta(pr, elapsed); ok {
		line += "  ETA " + left
	}
	return line
}

// percent is Done of Total, "?%" when the total is unknown.
func percent(pr importer.Progress) string {
	if pr.Total <= 0 {
		return "?%"
	}
	return fmt.Sprintf("%.0f%%", 100*float64(min(pr.Done, pr.Total))/float64(pr.Total))
}

// rate is comments per second over elapsed.
func rate(n int64, elapsed time.Duration) string {
	if elapsed < time.Millisecond {
		return "- comments/s"
	}
	return fmt.Sprintf("%.0f comments/s", float64(n)/elapsed.Seconds())
}

// eta is the time left at the phase's pace so far, once there is a pace.
func eta(pr importer.Progress, elapsed time.Duration) (string, bool) {
	if pr.Total <= 0 || pr.Done <= 0 || pr.Done >= pr.Total || elapsed < time.Second {
		return "", false
	}
	left := time.Duration(float64(elapsed) * float64(pr.Total-pr.Done) / float64(pr.Done))
	return left.Round(time.Second).String(), true
}

// writeSummary writes what an import did, for the operator.
func writeSummary(w io.Writer, format, file, site string, sum *importer.Summary) {
	if sum.DryRun {
		fmt.Fprintf(w, "dry run of %s %s into site %s: nothing was written. It would have imported:\n", format, file, site)
	} else {
		fmt.Fprintf(w, "imported %s %s into site %s:\n", format, file, site)
	}
	fmt.Fprintf(w, "  stories:    %d\n", sum.Stories)
	fmt.Fprintf(w, "  comments:   %d\n", sum.Comments)
	fmt.Fprintf(w, "  commenters: %d\n", sum.Commenters)
	fmt.Fprintf(w, "  existing:   %d stories already there whole\n", sum.Existing)
	fmt.Fprintf(w, "  repaired:   %s\n", countList(sum.Repaired))
	fmt.Fprintf(w, "  skipped:    %s\n", countList(sum.Skipped))
	fmt.Fprintf(w, "  time:       %s\n", sum.Elapsed.Round(time.Millisecond))
}

// countList writes counts as "3 orphan, 1 html-body", most first, then
// by name; "nothing" for none.
func countList(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if m[keys[i]] != m[keys[j]] {
			return m[keys[i]] > m[keys[j]]
		}
		return keys[i] < keys[j]
	})
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%d %s", m[k], k)
	}
	if len(parts) == 0 {
		return "nothing"
	}
	return strings.Join(parts, ", ")
}

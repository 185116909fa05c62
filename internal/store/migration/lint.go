package migration

import (
	"fmt"
	"regexp"
	"strings"
)

// contracting are the statements that break a binary still reading the old
// schema: it selects a dropped column, names a renamed table, scans a
// changed type, or inserts rows without a new NOT NULL column. DROP INDEX is
// not among them: no query names an index.
var contracting = []struct {
	what string
	re   *regexp.Regexp
}{
	{"DROP TABLE", regexp.MustCompile(`(?i)\bDROP\s+TABLE\b`)},
	{"DROP COLUMN", regexp.MustCompile(`(?i)\bDROP\s+COLUMN\b`)},
	{"DROP VIEW", regexp.MustCompile(`(?i)\bDROP\s+VIEW\b`)},
	{"RENAME", regexp.MustCompile(`(?i)\bRENAME\b`)},
	{"a type change", regexp.MustCompile(`(?i)\bALTER\s+COLUMN\s+\w+\s+(SET\s+DATA\s+)?TYPE\b`)},
	{"SET NOT NULL", regexp.MustCompile(`(?i)\bSET\s+NOT\s+NULL\b`)},
}

// addColumn matches one ADD COLUMN clause up to the comma or semicolon that
// ends it.
var addColumn = regexp.MustCompile(`(?is)\bADD\s+COLUMN\b[^,;]*`)

// Lint returns what in an unmarked migration only a contract migration may
// do, and what a no-transaction migration may not do. Comments are ignored.
func Lint(m Migration) []string {
	var problems []string
	code := stripComments(m.SQL)
	if !m.Contract {
		for _, c := range contracting {
			if c.re.MatchString(code) {
				problems = append(problems, fmt.Sprintf("%s: %s without %q", m.Name, c.what, ContractMarker))
			}
		}
		for _, clause := range addColumn.FindAllString(code, -1) {
			upper := strings.ToUpper(clause)
			if strings.Contains(upper, "NOT NULL") && !strings.Contains(upper, "DEFAULT") {
				problems = append(problems, fmt.Sprintf("%s: a NOT NULL column without a default (%s)",
					m.Name, strings.Join(strings.Fields(clause), " ")))
			}
		}
	}
	if m.NoTransaction {
		for _, st := range Statements(m.SQL) {
			if !strings.Contains(strings.ToUpper(st), "IF NOT EXISTS") && !strings.Contains(strings.ToUpper(st), "IF EXISTS") {
				problems = append(problems, fmt.Sprintf("%s: %q runs outside a transaction and must be safe to repeat (IF [NOT] EXISTS)", m.Name, st))
			}
		}
	}
	return problems
}

// stripComments removes -- comments to the end of their line.
func stripComments(script string) string {
	var b strings.Builder
	for line := range strings.Lines(script) {
		if i := strings.Index(line, "--"); i >= 0 {
			line = line[:i] + "\n"
		}
		b.WriteString(line)
	}
	return b.String()
}

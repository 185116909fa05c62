package admin

import (
	"strings"
	"testing"
)

// TestReasonOptions: the options list every reject reason once, with its
// label escaped.
func TestReasonOptions(t *testing.T) {
	p := newPrinter("fr")
	got := string(p.ReasonOptions())
	if strings.Count(got, "<option ") != 8 || !strings.Contains(got, `<option value="hate_speech">Discours haineux</option>`) {
		t.Errorf("options: %s", got)
	}
	p.reasons[0].Label = `<b>&"`
	p.options = ""
	if got := string(p.ReasonOptions()); !strings.Contains(got, `&lt;b&gt;&amp;&#34;`) {
		t.Errorf("a label is not escaped: %s", got)
	}
}

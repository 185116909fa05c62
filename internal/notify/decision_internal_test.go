package notify

import (
	"testing"

	"parley"
)

// TestDiscussionURL: a decision mail links only to a story page on one of
// the site's configured origins; the story's URL came with a comment.
func TestDiscussionURL(t *testing.T) {
	site := &parley.Site{Origins: []string{"https://news.example"}}
	for url, want := range map[string]string{
		"https://news.example/politik/1":   "https://news.example/politik/1",
		"https://evil.example/politik/1":   "",
		"https://news.example.evil.test/x": "",
		"http://news.example/politik/1":    "",
		"https://user@news.example/x":      "",
		"javascript:alert(1)":              "",
		"":                                 "",
	} {
		if got := discussionURL(site, &parley.Story{URL: url}); got != want {
			t.Errorf("discussionURL(%q) = %q, want %q", url, got, want)
		}
	}
	if got := discussionURL(site, nil); got != "" {
		t.Errorf("discussionURL(no story) = %q", got)
	}
}

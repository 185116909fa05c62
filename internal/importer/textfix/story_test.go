package textfix_test

import (
	"strings"
	"testing"

	"parley/internal/importer/textfix"
)

// TestStoryID checks StoryID against storyFor in widget/src/story.ts: the
// IDs were computed by running that function with node on these URLs.
func TestStoryID(t *testing.T) {
	for _, tc := range []struct{ url, want string }{
		{"", "u0ztntfp0a2bncy"},
		{"https://example.org/", "u13tep1p1i6j9w6"},
		{"https://www.zeitung.example/politik/2024/03/wahl-ergebnis.html", "u0y0fy5l0pa1g82"},
		{"http://blog.example.com/?p=123", "u1jubv7v1bs80os"},
		{"https://example.org/2023/caf%C3%A9-und-kuchen/", "u1x1dzln12umtkc"},
		{"https://example.org/%E2%82%AC-kurs?x=1&y=%20", "u1njy3nd1vu4hle"},
		{"https://example.org/café-crème", "u0ts5jqw0mbubfb"},
		{"https://de.example/straße/über-größe", "u1v6m5ok0djfeuj"},
		{"https://es.example/¿qué-pasa?/mañana", "u1jy3wtw11yqmrb"},
		{"https://fr.example/« citation »/l’été", "u11tw27a1r2tvmz"},
		{"https://example.org/emoji/😀👍🏽", "u1r0ir4a1rpws01"}, // astral: surrogate pairs
		{"https://example.org/𝄞-music/𠜎", "u0ozgh0x1px2xfo"}, // astral: a symbol and CJK
		{"https://例え.テスト/パス", "u06exlsr15zy1a6"},
	} {
		got := textfix.StoryID(tc.url)
		if got != tc.want {
			t.Errorf("StoryID(%q) = %q, want %q", tc.url, got, tc.want)
		}
		if !textfix.ValidStoryID(got) {
			t.Errorf("StoryID(%q) = %q is not a valid story ID", tc.url, got)
		}
	}
}

func TestValidStoryID(t *testing.T) {
	for s, want := range map[string]bool{
		"a": true, "Z9": true, "artikel-2024.03_x~y:z": true, "u0ztntfp0a2bncy": true,
		strings.Repeat("a", 128): true,
		"":                       false, strings.Repeat("a", 129): false,
		"-a": false, ".a": false, "~a": false, ":a": false, "_a": false,
		"a b": false, "a/b": false, "a?b": false, "a#b": false, "straße": false, "a\n": false,
	} {
		if got := textfix.ValidStoryID(s); got != want {
			t.Errorf("ValidStoryID(%q) = %v, want %v", s, got, want)
		}
	}
}

package httpapi_test

import (
	"encoding/base64"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"parley/internal/i18n"
)

// TestBadInput sends NUL, invalid UTF-8, over-long and malformed IDs,
// cursors, languages and form fields to every route of the JSON API and of
// the block, on both backends, and expects the precise 4xx each deserves:
// PostgreSQL refuses NUL and invalid UTF-8 in a query with an error that
// used to become a 500. A malformed comment ID is treated like an unknown
// one: 404 where it names what the route acts on, 400 (parentGone) as the
// parent of a new comment.
func badInputScenarios() []scenario {
	c := "/api/v1/comments/"
	var scenarios []scenario
	for name, id := range badCommentIDs {
		scenarios = append(scenarios,
			scenario{name: "replies of " + name, method: "GET", path: c + id + "/replies", status: 404, code: "not_found"},
			scenario{name: "react to " + name, method: "PUT", path: c + id + "/reaction", as: "Bob", status: 404, code: "not_found"},
			scenario{name: "unreact " + name, method: "DELETE", path: c + id + "/reaction", as: "Bob", status: 404, code: "not_found"},
			scenario{name: "edit " + name, method: "PATCH", path: c + id, as: "Alice", body: `{"body":"x"}`, status: 404, code: "not_found"},
			scenario{name: "delete " + name, method: "DELETE", path: c + id, as: "Alice", status: 404, code: "not_found"},
			scenario{name: "report " + name, method: "POST", path: c + id + "/reports", as: "Bob", body: `{"reason":"spam"}`, status: 404, code: "not_found"},
			// A reply link to no comment of the story shows the ordinary
			// composer (see embed's replyTo), never an author's name.
			scenario{name: "fragment replying to " + name, method: "GET", path: block + "?reply=" + id, status: 200,
				wantNot: []string{`name="parentId"`, "Replying to"}},
			scenario{name: "fragment with replies of " + name, method: "GET", path: block + "?parent=" + id, status: 404},
		)
	}
	for name, id := range badJSONIDs {
		scenarios = append(scenarios, scenario{name: "parentId " + name, method: "POST", path: post,
			body: `{"body":"x","parentId":"` + id + `","author":{"name":"Ida"}}`, status: 400, code: "invalid", want: []string{`"key":"parentGone"`}})
	}
	for name, cur := range badCursors {
		scenarios = append(scenarios,
			scenario{name: "thread with cursor " + name, method: "GET", path: thread + "?cursor=" + cur, status: 400, code: "invalid"},
			scenario{name: "replies with cursor " + name, method: "GET", path: c + "{c1}/replies?cursor=" + cur, status: 400, code: "invalid"},
			scenario{name: "fragment with cursor " + name, method: "GET", path: block + "?cursor=" + cur, status: 400},
			scenario{name: "fragment replies with cursor " + name, method: "GET", path: block + "?parent={c1}&cursor=" + cur, status: 400},
		)
	}
	for name, lang := range badLangs {
		scenarios = append(scenarios,
			scenario{name: "story lang " + name, method: "POST", path: "/api/v1/sites/news/stories/fresh/comments",
				body: `{"body":"x","author":{"name":"Ida"},"story":{"lang":"` + lang + `"}}`, status: 400, code: "invalid",
				check: noStory("fresh")},
			scenario{name: "API message lang " + name, method: "GET", path: thread + "?lang=" + url.QueryEscape(jsonUnquote(lang)), status: 200,
				wantNot: []string{"onload", "<script", "\u202e"}},
			scenario{name: "fragment lang " + name, method: "GET", path: block + "?lang=" + url.QueryEscape(jsonUnquote(lang)), status: 200,
				wantNot: []string{"onload", "<script>", "\u202e", "\x00", "\n\">"}, check: catalogLang},
		)
	}
	for name, lang := range badFormLangs {
		scenarios = append(scenarios, scenario{name: "form lang " + name, method: "POST", path: "/embed/news/stories/fresh/comments",
			form: url.Values{"lang": {lang}}, status: 400, wantNot: []string{"onload", "<script>"}, check: noStory("fresh")})
	}
	scenarios = append(scenarios, otherBadInput...)
	return scenarios
}

const block = "/embed/news/stories/s1"

// badCommentIDs are path segments that name no comment.
var badCommentIDs = map[string]string{
	"NUL":               "%00",
	"invalid UTF-8":     "%ff",
	"NUL in an ID":      "01jq7x2m9k3v8r5t6w4y0z1a2%00",
	"invalid UTF-8 ID":  "01jq7x2m9k3v8r5t6w4y0z1a2%ff",
	"too long":          "01jq7x2m9k3v8r5t6w4y0z1a2b3",
	"very long":         strings.Repeat("a", 5000),
	"upper case":        "01JQ7X2M9K3V8R5T6W4Y0Z1A2B",
	"not base32":        "01jq7x2m9k3v8r5t6w4y0z1a2u",
	"unknown":           "01jq7x2m9k3v8r5t6w4y0z1a2b",
	"quote and bracket": "%22%3E%3Cx",
}

// badJSONIDs are parentId values, as JSON string contents.
var badJSONIDs = map[string]string{
	"NUL":        `\u0000`,
	"NUL inside": `01jq7x2m9k3v8r5t6w4y0z1a2\u0000`,
	"too long":   "01jq7x2m9k3v8r5t6w4y0z1a2b3",
	"upper case": "01JQ7X2M9K3V8R5T6W4Y0Z1A2B",
	"unknown":    "01jq7x2m9k3v8r5t6w4y0z1a2b",
	"bidi":       `01jq7x2m9k3v8r5t6w4y0z1a2\u202e`,
}

// badCursors are cursor query values: broken base64 and well-formed
// base64 of what no cursor holds.
var badCursors = map[string]string{
	"NUL":            "%00",
	"invalid UTF-8":  "%ff",
	"NUL encoded":    cursorOf("0.\x00"),
	"NUL in its ID":  cursorOf("0.01jq7x2m9k3v8r5t6w4y0z1a2\x00"),
	"invalid ID":     cursorOf("0." + strings.Repeat("\xff", 26)),
	"short ID":       cursorOf("0.abc"),
	"no ID":          cursorOf("0."),
	"negative key":   cursorOf("-1.01jq7x2m9k3v8r5t6w4y0z1a2b"),
	"key overflows":  cursorOf("4294967296.01jq7x2m9k3v8r5t6w4y0z1a2b"),
	"key not number": cursorOf("x.01jq7x2m9k3v8r5t6w4y0z1a2b"),
	"no separator":   cursorOf("01jq7x2m9k3v8r5t6w4y0z1a2b"),
	"padded base64":  cursorOf("0.01jq7x2m9k3v8r5t6w4y0z1a2b") + "%3D%3D",
	"over-long":      strings.Repeat("A", 4000),
}

func cursorOf(raw string) string { return base64.RawURLEncoding.EncodeToString([]byte(raw)) }

// badLangs are story languages, as JSON string contents.
var badLangs = map[string]string{
	"NUL":          `\u0000`,
	"NUL after":    `de\u0000`,
	"attribute":    `de\" onload=x`,
	"newline":      `de\nx`,
	"script":       `<script>alert(1)</script>`,
	"bidi":         `\u202e`,
	"underscore":   "de_DE",
	"space":        "de DE",
	"not a tag":    "deutsch-deutschland-x",
	"single x":     "x",
	"too long":     "de-" + strings.Repeat("abcdefgh-", 5) + "x",
	"zero width":   `de\u200b`,
	"empty subtag": "de--DE",
}

// badFormLangs are the form's hidden lang, as sent.
var badFormLangs = map[string]string{
	"NUL":           "\x00",
	"invalid UTF-8": "\xff",
	"attribute":     `de" onload=x`,
	"newline":       "de\nx",
	"script":        "<script>",
	"bidi":          "\u202e",
}

// jsonUnquote turns the JSON escapes used in the tables into the text.
func jsonUnquote(s string) string {
	return strings.NewReplacer(`\u0000`, "\x00", `\u202e`, "\u202e", `\u200b`, "\u200b", `\"`, `"`, `\n`, "\n").Replace(s)
}

// otherBadInput covers the remaining routes and fields.
var otherBadInput = []scenario{
	{name: "thread of NUL site", method: "GET", path: "/api/v1/sites/%00/stories/s1/comments", status: 404, code: "not_found"},
	{name: "thread of invalid UTF-8 story", method: "GET", path: "/api/v1/sites/news/stories/%ff/comments", status: 404, code: "not_found"},
	{name: "thread of over-long story", method: "GET", path: "/api/v1/sites/news/stories/" + strings.Repeat("s", 300) + "/comments", status: 404, code: "not_found"},
	{name: "thread sorted by NUL", method: "GET", path: thread + "?sort=%00", status: 400, code: "invalid"},
	{name: "thread of a new story with a bad cursor", method: "GET", path: "/api/v1/sites/news/stories/fresh/comments?cursor=%00", status: 400, code: "invalid"},
	{name: "thread limit NUL", method: "GET", path: thread + "?limit=%00", status: 400, code: "invalid"},
	{name: "post to NUL story", method: "POST", path: "/api/v1/sites/news/stories/%00/comments", body: `{"body":"x","author":{"name":"Ida"}}`, status: 400, code: "invalid"},
	{name: "post to invalid UTF-8 site", method: "POST", path: "/api/v1/sites/%ff/stories/s1/comments", body: `{"body":"x","author":{"name":"Ida"}}`, status: 404, code: "not_found"},
	{name: "post with NUL title", method: "POST", path: "/api/v1/sites/news/stories/fresh/comments", body: `{"body":"x","author":{"name":"Ida"},"story":{"title":"a\u0000"}}`, status: 400, code: "invalid", check: noStory("fresh")},
	{name: "post with NUL URL", method: "POST", path: "/api/v1/sites/news/stories/fresh/comments", body: `{"body":"x","author":{"name":"Ida"},"story":{"url":"https://news.example/\u0000"}}`, status: 400, code: "invalid", check: noStory("fresh")},
	{name: "post with NUL name", method: "POST", path: post, body: `{"body":"x","author":{"name":"\u0000"}}`, status: 400, code: "invalid"},
	{name: "edit to NUL", method: "PATCH", path: "/api/v1/comments/{c1}", as: "Alice", body: `{"body":"\u0000"}`, status: 400, code: "invalid"},
	{name: "report with NUL note", method: "POST", path: "/api/v1/comments/{c1}/reports", as: "Bob", body: `{"reason":"spam","note":"\u0000"}`, status: 400, code: "invalid"},
	{name: "report with NUL reason", method: "POST", path: "/api/v1/comments/{c1}/reports", as: "Bob", body: `{"reason":"\u0000"}`, status: 400, code: "invalid"},
	{name: "token of invalid UTF-8", method: "PUT", path: "/api/v1/comments/{c1}/reaction", header: []string{"Authorization: Bearer pct_" + strings.Repeat("\xff", 43)}, status: 401, code: "unauthorized"},
	{name: "counts of NUL", method: "GET", path: "/api/v1/sites/news/counts?story=%00", status: 400, code: "invalid"},
	{name: "counts of invalid UTF-8", method: "GET", path: "/api/v1/sites/news/counts?story=%ff", status: 400, code: "invalid"},
	{name: "state of NUL story", method: "GET", path: "/api/v1/me/state?site=news&story=%00", as: "Alice", status: 400, code: "invalid"},
	{name: "state of invalid UTF-8 site", method: "GET", path: "/api/v1/me/state?site=%ff&story=s1", status: 404, code: "not_found"},
	{name: "events of NUL story", method: "GET", path: "/api/v1/sites/news/stories/%00/events", status: 404, code: "not_found"},
	{name: "events after NUL", method: "GET", path: "/api/v1/sites/news/stories/s1/events?after=%00", status: 400, code: "invalid"},
	{name: "fragment of NUL site", method: "GET", path: "/embed/%00/stories/s1", status: 404},
	{name: "fragment of invalid UTF-8 story", method: "GET", path: "/embed/news/stories/%ff", status: 404},
	{name: "fragment sorted by NUL", method: "GET", path: block + "?sort=%00", status: 400},
	{name: "form with NUL parent", method: "POST", path: block + "/comments", form: url.Values{"parentId": {"\x00"}}, status: 400},
	{name: "form with invalid UTF-8 parent", method: "POST", path: block + "/comments", form: url.Values{"parentId": {"\xff"}}, status: 400},
	{name: "form with over-long parent", method: "POST", path: block + "/comments", form: url.Values{"parentId": {strings.Repeat("a", 5000)}}, status: 400},
	{name: "form with NUL body", method: "POST", path: block + "/comments", form: url.Values{"body": {"a\x00"}}, status: 400},
	{name: "form with invalid UTF-8 name", method: "POST", path: block + "/comments", form: url.Values{"name": {"\xff"}}, status: 400},
	{name: "form to NUL story", method: "POST", path: "/embed/news/stories/%00/comments", form: url.Values{}, status: 400},
	{name: "form to invalid UTF-8 site", method: "POST", path: "/embed/%ff/stories/s1/comments", form: url.Values{}, status: 404},
	{name: "form in canonical lang", method: "POST", path: "/embed/news/stories/fresh/comments", form: url.Values{"lang": {"de-de"}}, status: 303,
		check: func(t *testing.T, s *stack, r response) {
			if got := s.do("GET", "/api/v1/sites/news/stories/fresh/comments", "", ""); !strings.Contains(got.body, `"lang":"de-DE"`) {
				t.Errorf("language not stored in canonical form: %s", got.body)
			}
		}},
	{name: "story lang in canonical form", method: "POST", path: "/api/v1/sites/news/stories/fresh/comments",
		body: `{"body":"x","author":{"name":"Ida"},"story":{"lang":"PT-br"}}`, status: 201,
		check: func(t *testing.T, s *stack, r response) {
			if got := s.do("GET", "/api/v1/sites/news/stories/fresh/comments", "", ""); !strings.Contains(got.body, `"lang":"pt-BR"`) {
				t.Errorf("language not stored in canonical form: %s", got.body)
			}
		}},
}

// catalogLang checks that the page's lang attributes name one of our
// catalogs, never what the request said.
func catalogLang(t *testing.T, s *stack, r response) {
	for _, m := range regexp.MustCompile(`lang="([^"]*)"`).FindAllStringSubmatch(r.body, -1) {
		if !slices.Contains(i18n.Languages(), m[1]) {
			t.Errorf("lang=%q in the page", m[1])
		}
	}
}

// noStory checks that a refused post left no story behind.
func noStory(story string) func(t *testing.T, s *stack, r response) {
	return func(t *testing.T, s *stack, r response) {
		if got := s.do("GET", "/api/v1/sites/news/stories/"+story+"/comments", "", ""); !strings.Contains(got.body, `"commentCount":0`) || strings.Contains(got.body, `"createdAt"`) {
			t.Errorf("a refused post registered the story: %s", got.body)
		}
	}
}

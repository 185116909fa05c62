package httpapi_test

// actorScenarios are about who is asking, as the whole stack resolves it:
// public reads ignore credentials; a browser origin that passes CORS
// because some site allows it may still act only on the sites that allow
// it; and a commenter of one site is nobody on another.
func actorScenarios() []scenario {
	const c1, state = "/api/v1/comments/{c1}", "/api/v1/me/state?site=news&story=s1"
	elsewhere := []string{"Origin: https://elsewhere.example"}
	refused := []string{`"key":"originNotAllowed"`}
	garbage := []string{"Authorization: Bearer nonsense"}
	return []scenario{
		{name: "a public read ignores a credential", method: "GET", path: thread, header: garbage, status: 200, want: []string{`"id":"{c1}"`}},
		{name: "replies ignore a credential", method: "GET", path: c1 + "/replies", header: garbage, status: 200, want: []string{`"id":"{r1}"`}},
		{name: "a write does not", method: "PUT", path: c1 + "/reaction", header: garbage, status: 401, code: "unauthorized"},

		{name: "post from another site's origin", method: "POST", path: post, body: `{"body":"x","author":{"name":"Ida"}}`, header: elsewhere, status: 403, code: "forbidden", want: refused},
		{name: "edit from another site's origin", method: "PATCH", path: c1, as: "Alice", body: `{"body":"x"}`, header: elsewhere, status: 403, code: "forbidden", want: refused},
		{name: "delete from another site's origin", method: "DELETE", path: c1, as: "Alice", header: elsewhere, status: 403, code: "forbidden", want: refused},
		{name: "react from another site's origin", method: "PUT", path: c1 + "/reaction", as: "Bob", header: elsewhere, status: 403, code: "forbidden", want: refused},
		{name: "unreact from another site's origin", method: "DELETE", path: c1 + "/reaction", as: "Bob", header: elsewhere, status: 403, code: "forbidden", want: refused},
		{name: "report from another site's origin", method: "POST", path: c1 + "/reports", as: "Bob", body: `{"reason":"spam"}`, header: elsewhere, status: 403, code: "forbidden", want: refused},
		{name: "state from another site's origin", method: "GET", path: state, as: "Alice", header: elsewhere, status: 403, code: "forbidden", want: refused, wantNot: []string{"Alice"}},
		{name: "that origin acts on its own site", method: "POST", path: "/api/v1/sites/elsewhere/stories/s1/comments", as: "Olga", body: `{"body":"Noch einmal."}`, header: elsewhere, status: 201,
			want: []string{`"name":"Olga"`}},

		{name: "post with a token of another site", method: "POST", path: post, as: "Olga", body: `{"body":"x"}`, status: 403, code: "forbidden"},
		{name: "edit with a token of another site", method: "PATCH", path: c1, as: "Olga", body: `{"body":"x"}`, status: 403, code: "forbidden"},
		{name: "delete with a token of another site", method: "DELETE", path: c1, as: "Olga", status: 403, code: "forbidden"},
		{name: "react with a token of another site", method: "PUT", path: c1 + "/reaction", as: "Olga", status: 403, code: "forbidden"},
		{name: "report with a token of another site", method: "POST", path: c1 + "/reports", as: "Olga", body: `{"reason":"spam"}`, status: 403, code: "forbidden"},
		{name: "state with a token of another site is empty", method: "GET", path: state, as: "Olga", status: 200,
			want: []string{`"user":null,"reactions":[],"comments":[]`}},
		{name: "state on the token's own site", method: "GET", path: "/api/v1/me/state?site=elsewhere&story=s1", as: "Olga", status: 200,
			want: []string{`"name":"Olga"`, `"id":"{d1}"`}},
	}
}

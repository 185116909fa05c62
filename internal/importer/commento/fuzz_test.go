package commento

import (
	"os"
	"testing"

	"parley/internal/importer/importertest"
)

// FuzzRead checks that no input makes Read panic or hand on a record that
// breaks what the core relies on: every post in a thread emitted before
// it, no field over its bound, valid UTF-8 throughout.
func FuzzRead(f *testing.F) {
	raw, err := os.ReadFile("testdata/commento-news.example.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(raw)
	for _, seed := range []string{
		`{"version":1,"comments":[],"commenters":[]}`,
		`{"commenters":[{"commenterHex":"a","email":"e","name":"n"}],"comments":[{"commentHex":"c","domain":"d","url":"/","commenterHex":"a","parentHex":"root"}]}`,
		`{"version":1,"comments":[{"commentHex":"c","domain":"d","url":"/","commenterHex":"anonymous","markdown":"[deleted]","state":"flagged","creationDate":1767225600}]}`,
		"{\"comments\":[{\"domain\":\"d\",\"markdown\":\"caf\xe9\",\"html\":\"<b>x</b>\",\"state\":\" Unapproved\"}]}",
		`{"version":1,"comments":[{"commentHex":1}],"x":{"y":[1,2,{}]}}`,
	} {
		f.Add([]byte(seed))
	}
	importertest.Fuzz(f, importertest.Bounds{
		Field: MaxField, Body: MaxBody,
		ThreadKeys: true, ThreadsOnce: true, ThreadFirst: true, AuthorsOnce: true,
	}, Read)
}

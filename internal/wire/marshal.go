package wire

import (
	"bytes"
	"encoding/json"
)

// Marshal encodes v as JSON on one line without escaping <, > and &:
// comment bodies are HTML, and escaping every tag would make a page of
// comments a third larger. What it makes is served as application/json or
// text/event-stream, never as HTML; the block's embedded copy goes through
// json.Marshal, which escapes them.
func Marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

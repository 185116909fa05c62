package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"
)

// api is a thin client for the parts of the Parley HTTP API the benchmark
// uses. It holds no state besides its configuration, so workers share it.
type api struct {
	base   string // e.g. http://127.0.0.1:8080
	site   string
	client *http.Client
}

// newTransport returns a keep-alive transport sized for conns concurrent
// connections. Compression is disabled so that the client neither asks for
// nor decodes gzip behind our back: the read loop sets Accept-Encoding itself
// and measures the bytes as served.
func newTransport(conns int) *http.Transport {
	return &http.Transport{
		MaxIdleConns:        conns * 2,
		MaxIdleConnsPerHost: conns * 2,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
		ForceAttemptHTTP2:   false,
	}
}

func (a *api) storyURL(story, suffix string) string {
	return fmt.Sprintf("%s/api/v1/sites/%s/stories/%s/%s",
		a.base, url.PathEscape(a.site), url.PathEscape(story), suffix)
}

// postRequest is the body of POST .../comments.
type postRequest struct {
	Body     string      `json:"body"`
	ParentID string      `json:"parentId,omitempty"`
	Author   *postAuthor `json:"author,omitempty"`
	Story    *storyInfo  `json:"story,omitempty"`
}

type postAuthor struct {
	Name string `json:"name"`
}

type storyInfo struct {
	URL   string `json:"url"`
	Title string `json:"title"`
	Lang  string `json:"lang"`
}

// postResponse is the part of a 201 answer the benchmark needs.
type postResponse struct {
	Comment struct {
		ID    string `json:"id"`
		Depth *int   `json:"depth"`
	} `json:"comment"`
	Token string `json:"commenterToken"`
}

// post sends one comment as the commenter holding *token (none yet if it is
// "") and returns the HTTP status, the new comment's ID and depth (when the
// status is 201). A new commenter token from the server is stored in *token,
// so that a poster stays one commenter, as a reader who writes several
// comments does. A transport error returns status 0.
func (a *api) post(ctx context.Context, story string, req *postRequest, token *string) (int, parentRef, error) {
	payload, err := json.Marshal(req)
	if err != nil {
		return 0, parentRef{}, fmt.Errorf("encode post: %w", err)
	}
	hreq, err := http.NewRequestWithContext(ctx, http.MethodPost, a.storyURL(story, "comments"), bytes.NewReader(payload))
	if err != nil {
		return 0, parentRef{}, fmt.Errorf("new post request: %w", err)
	}
	hreq.Header.Set("Content-Type", "application/json")
	if *token != "" {
		hreq.Header.Set("Authorization", "Bearer "+*token)
	}
	resp, err := a.client.Do(hreq)
	if err != nil {
		return 0, parentRef{}, fmt.Errorf("post comment: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		_, _ = io.Copy(io.Discard, resp.Body)
		return resp.StatusCode, parentRef{}, nil
	}
	var pr postResponse
	if err := json.NewDecoder(resp.Body).Decode(&pr); err != nil {
		return resp.StatusCode, parentRef{}, fmt.Errorf("decode post response: %w", err)
	}
	if pr.Token != "" {
		*token = pr.Token
	}
	ref := parentRef{id: pr.Comment.ID, depth: -1}
	if pr.Comment.Depth != nil {
		ref.depth = *pr.Comment.Depth
	}
	return resp.StatusCode, ref, nil
}

// count returns the comment count of one story from the counts endpoint.
func (a *api) count(ctx context.Context, story string) (int, error) {
	u := fmt.Sprintf("%s/api/v1/sites/%s/counts?story=%s", a.base, url.PathEscape(a.site), url.QueryEscape(story))
	var out struct {
		Counts map[string]int `json:"counts"`
	}
	if err := a.getJSON(ctx, u, &out); err != nil {
		return 0, err
	}
	return out.Counts[story], nil
}

func (a *api) getJSON(ctx context.Context, u string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return fmt.Errorf("new request: %w", err)
	}
	resp, err := a.client.Do(req)
	if err != nil {
		return fmt.Errorf("get %s: %w", u, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("get %s: status %d", u, resp.StatusCode)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		return fmt.Errorf("decode %s: %w", u, err)
	}
	return nil
}

// waitReady polls /readyz until it answers 200, so a benchmark started right
// after the server fails fast with a clear message instead of counting errors.
func (a *api) waitReady(ctx context.Context, limit time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, a.base+"/readyz", nil)
		if err != nil {
			return fmt.Errorf("new readyz request: %w", err)
		}
		resp, err := a.client.Do(req)
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("server at %s not ready (last error: %v): %w", a.base, err, ctx.Err())
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// gunzipLen returns the decompressed length of a gzip body.
func gunzipLen(body []byte) (int, error) {
	zr, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil {
		return 0, fmt.Errorf("open gzip: %w", err)
	}
	n, err := io.Copy(io.Discard, zr)
	if err != nil {
		return 0, fmt.Errorf("read gzip: %w", err)
	}
	return int(n), nil
}

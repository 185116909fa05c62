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
)

// replayedHeaders returns the response headers the baseline server copies
// from Parley, so that both servers answer with the same representation:
// the security headers too, which a static server in front of the same
// site would send as well, and which cost bytes on every answer.
func replayedHeaders() []string {
	return []string{"Content-Type", "Content-Encoding", "ETag", "Cache-Control", "Vary",
		"X-Content-Type-Options", "Referrer-Policy", "Cross-Origin-Resource-Policy",
		"Strict-Transport-Security", "Content-Security-Policy", "X-Frame-Options"}
}

// page is one recorded page-1 response, as a browser asking for gzip gets it.
type page struct {
	RequestURI    string      // path and query, the key of the replay
	Status        int         // HTTP status
	Header        http.Header // replayedHeaders only
	ContentLength bool        // whether the server sent a Content-Length
	Body          []byte      // exactly as served (possibly gzip)
	Raw           int         // decoded size
	Gzip          bool        // served with Content-Encoding: gzip
	CommentCount  int         // story.commentCount in the body
	Comments      int         // top-level comments on the page
}

// pageURL is page 1 of a story's comments with the server's default sort and limit.
func (a *api) pageURL(story string) string { return a.storyURL(story, "comments") }

// getGzip issues a GET that asks for gzip, as a browser does.
func getGzip(ctx context.Context, c *http.Client, u string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, fmt.Errorf("new request: %w", err)
	}
	req.Header.Set("Accept-Encoding", "gzip")
	resp, err := c.Do(req)
	if err != nil {
		return nil, fmt.Errorf("get %s: %w", u, err)
	}
	return resp, nil
}

// fetchPage records one response to u and decodes enough of it to report
// its sizes and comment counts.
func fetchPage(ctx context.Context, c *http.Client, u string) (*page, error) {
	resp, err := getGzip(ctx, c, u)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", u, err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("get %s: status %d: %.200s", u, resp.StatusCode, body)
	}
	parsed, err := url.Parse(u)
	if err != nil {
		return nil, fmt.Errorf("parse %s: %w", u, err)
	}
	p := &page{RequestURI: parsed.RequestURI(), Status: resp.StatusCode, Header: http.Header{},
		ContentLength: resp.ContentLength >= 0, Body: body}
	for _, k := range replayedHeaders() {
		if v := resp.Header.Values(k); len(v) > 0 {
			p.Header[http.CanonicalHeaderKey(k)] = v
		}
	}
	if err := p.decode(); err != nil {
		return nil, fmt.Errorf("page %s: %w", u, err)
	}
	return p, nil
}

// decode fills Raw, Gzip and the counts from Body.
func (p *page) decode() error {
	raw := p.Body
	if p.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(bytes.NewReader(p.Body))
		if err != nil {
			return fmt.Errorf("open gzip: %w", err)
		}
		if raw, err = io.ReadAll(zr); err != nil {
			return fmt.Errorf("read gzip: %w", err)
		}
		p.Gzip = true
	}
	p.Raw = len(raw)
	var doc struct {
		Story struct {
			CommentCount int `json:"commentCount"`
		} `json:"story"`
		Comments []json.RawMessage `json:"comments"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		return fmt.Errorf("decode json: %w", err)
	}
	p.CommentCount, p.Comments = doc.Story.CommentCount, len(doc.Comments)
	return nil
}

// warmPage fetches u twice and keeps the second answer: the first one fills
// the server's cache, so the recorded bytes are the ones the timed loop gets.
func warmPage(ctx context.Context, c *http.Client, u string) (*page, error) {
	if _, err := fetchPage(ctx, c, u); err != nil {
		return nil, fmt.Errorf("warm-up: %w", err)
	}
	return fetchPage(ctx, c, u)
}

// readOps returns the per-worker operation of a timed read loop: GET u with
// gzip and discard the body. A success is a 200 whose body was fully read.
func readOps(c *http.Client, u string) func(int) opFunc {
	return func(int) opFunc {
		return func(ctx context.Context) bool {
			resp, err := getGzip(ctx, c, u)
			if err != nil {
				return false
			}
			_, err = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			return err == nil && resp.StatusCode == http.StatusOK
		}
	}
}

package moderation

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"os"
	"time"

	"parley"
)

// ScorerConfig is one scorer as a site's settings hold it (JSON). Every
// scorer is off until a site enables it; keys stay in files named here,
// never in the settings themselves.
type ScorerConfig struct {
	Name      string   `json:"name"` // LocalName, OpenAIName or AkismetName
	Enabled   bool     `json:"enabled"`
	Threshold float64  `json:"threshold"`         // hold at or above; 0 for DefaultThreshold
	Timeout   Duration `json:"timeout,omitempty"` // 0 for DefaultTimeout

	Endpoint string `json:"endpoint,omitempty"` // openai: the server's base URL; akismet: "" for Akismet itself
	Model    string `json:"model,omitempty"`    // openai
	KeyFile  string `json:"keyFile,omitempty"`  // openai (optional) and akismet: a file holding the API key
	Blog     string `json:"blog,omitempty"`     // akismet: the site's front page

	// SendPersonal lets Akismet see the author's name, e-mail, address
	// and browser (Input.Personal). Only Akismet reads it.
	SendPersonal bool `json:"sendPersonal,omitempty"`
}

// Limits of a scorer's configuration.
const (
	DefaultThreshold = 0.5
	MaxTimeout       = 10 * time.Second // the author waits for it
	minTimeout       = 50 * time.Millisecond
	maxModelName     = 200
	maxKeyBytes      = 4 << 10
)

// Duration is a time.Duration that JSON writes as text ("2s", "500ms").
type Duration time.Duration

// MarshalJSON writes d as Go duration text.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

// UnmarshalJSON reads Go duration text.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("a duration is text like \"2s\": %w", err)
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return err
	}
	*d = Duration(v)
	return nil
}

func invalid(key, format string, args ...any) error {
	return parley.Errorf(parley.EINVALID, format, args...).Keyed(key)
}

// Validate checks c; its errors are parley.EINVALID with a key each.
func (c ScorerConfig) Validate() error {
	switch {
	case c.Name != LocalName && c.Name != OpenAIName && c.Name != AkismetName:
		return invalid("scorerUnknown", "unknown scorer %q (local, openai or akismet)", c.Name)
	case math.IsNaN(c.Threshold) || c.Threshold < 0 || c.Threshold > 1:
		return invalid("scorerThreshold", "the threshold of %s must be between 0 and 1", c.Name)
	case c.Timeout != 0 && (time.Duration(c.Timeout) < minTimeout || time.Duration(c.Timeout) > MaxTimeout):
		return invalid("scorerTimeout", "the timeout of %s must be between %v and %v", c.Name, minTimeout, MaxTimeout)
	case len(c.KeyFile) > 4096:
		return invalid("scorerKeyFile", "the key file name of %s is too long", c.Name)
	}
	switch c.Name {
	case OpenAIName:
		if err := validEndpoint(c.Endpoint); err != nil {
			return invalid("scorerEndpoint", "the endpoint of openai %v", err)
		}
		if c.Model == "" || len(c.Model) > maxModelName {
			return invalid("scorerModel", "openai needs a model name of at most %d bytes", maxModelName)
		}
	case AkismetName:
		if c.KeyFile == "" {
			return invalid("scorerKeyFile", "akismet needs a key file")
		}
		if err := validEndpoint(c.Blog); err != nil {
			return invalid("scorerBlog", "the blog of akismet %v", err)
		}
		if c.Endpoint != "" {
			if err := validEndpoint(c.Endpoint); err != nil {
				return invalid("scorerEndpoint", "the endpoint of akismet %v", err)
			}
		}
	}
	return nil
}

// validEndpoint accepts an absolute http(s) URL without credentials.
func validEndpoint(s string) error {
	u, err := url.Parse(s)
	switch {
	case s == "" || len(s) > 2048:
		return fmt.Errorf("must be a URL of at most 2048 bytes")
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		return fmt.Errorf("must be an http or https URL")
	case u.User != nil:
		return fmt.Errorf("must not carry credentials (use a key file)")
	}
	return nil
}

// ValidateScorers checks every configuration and that no scorer appears
// twice.
func ValidateScorers(cs []ScorerConfig) error {
	seen := map[string]bool{}
	for _, c := range cs {
		if err := c.Validate(); err != nil {
			return err
		}
		if seen[c.Name] {
			return invalid("scorerTwice", "the scorer %s is configured twice", c.Name)
		}
		seen[c.Name] = true
	}
	return nil
}

// Build makes the enabled scorers of cs, reading their key files, for Run.
// client makes the network calls (its own Timeout, if any, also applies).
// It validates first.
func Build(cs []ScorerConfig, client *http.Client) ([]Configured, error) {
	if err := ValidateScorers(cs); err != nil {
		return nil, err
	}
	var out []Configured
	for _, c := range cs {
		if !c.Enabled {
			continue
		}
		key, err := readKey(c.KeyFile)
		if err != nil {
			return nil, err
		}
		var s Scorer
		switch c.Name {
		case LocalName:
			s = Local{}
		case OpenAIName:
			s = &OpenAI{Endpoint: c.Endpoint, Model: c.Model, Key: key, Client: client}
		case AkismetName:
			s = &Akismet{Key: key, Blog: c.Blog, BaseURL: c.Endpoint, Client: client}
		}
		threshold := c.Threshold
		if threshold == 0 {
			threshold = DefaultThreshold
		}
		out = append(out, Configured{Scorer: s, Threshold: threshold, Timeout: time.Duration(c.Timeout),
			Personal: c.SendPersonal && c.Name == AkismetName})
	}
	return out, nil
}

// readKey returns the trimmed content of the key file at path ("" for no
// file).
func readKey(path string) (string, error) {
	if path == "" {
		return "", nil
	}
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("moderation: scorer key: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxKeyBytes+1))
	if err != nil {
		return "", fmt.Errorf("moderation: scorer key: %w", err)
	}
	if len(b) > maxKeyBytes {
		return "", fmt.Errorf("moderation: scorer key %s: longer than %d bytes", path, maxKeyBytes)
	}
	key := bytes.TrimSpace(b)
	if len(key) == 0 {
		return "", fmt.Errorf("moderation: scorer key %s: empty", path)
	}
	return string(key), nil
}

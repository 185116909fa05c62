package moderation

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"parley"
)

func TestScorerConfigValidate(t *testing.T) {
	okOpenAI := ScorerConfig{Name: OpenAIName, Endpoint: "http://llm.newsroom:8000", Model: "llama-guard-3"}
	okAkismet := ScorerConfig{Name: AkismetName, KeyFile: "/run/secrets/akismet", Blog: "https://zeitung.example"}
	with := func(c ScorerConfig, f func(*ScorerConfig)) ScorerConfig { f(&c); return c }
	for _, c := range []ScorerConfig{
		{Name: LocalName},
		{Name: LocalName, Enabled: true, Threshold: 1, Timeout: Duration(time.Second)},
		okOpenAI,
		with(okOpenAI, func(c *ScorerConfig) { c.KeyFile = "/run/secrets/llm"; c.Endpoint = "https://api.openai.com/v1" }),
		okAkismet,
		with(okAkismet, func(c *ScorerConfig) { c.Endpoint = "http://127.0.0.1:9999"; c.SendPersonal = true }),
	} {
		if err := c.Validate(); err != nil {
			t.Errorf("%+v: %v", c, err)
		}
	}
	for _, tc := range []struct {
		c   ScorerConfig
		key string
	}{
		{ScorerConfig{Name: "perspective"}, "scorerUnknown"},
		{ScorerConfig{Name: ""}, "scorerUnknown"},
		{ScorerConfig{Name: LocalName, Threshold: 1.5}, "scorerThreshold"},
		{ScorerConfig{Name: LocalName, Threshold: -1}, "scorerThreshold"},
		{ScorerConfig{Name: LocalName, Timeout: Duration(time.Minute)}, "scorerTimeout"},
		{ScorerConfig{Name: LocalName, Timeout: Duration(time.Millisecond)}, "scorerTimeout"},
		{with(okOpenAI, func(c *ScorerConfig) { c.Endpoint = "" }), "scorerEndpoint"},
		{with(okOpenAI, func(c *ScorerConfig) { c.Endpoint = "ftp://llm" }), "scorerEndpoint"},
		{with(okOpenAI, func(c *ScorerConfig) { c.Endpoint = "llm.newsroom:8000" }), "scorerEndpoint"},
		{with(okOpenAI, func(c *ScorerConfig) { c.Endpoint = "https://user:sk-secret@api.example" }), "scorerEndpoint"},
		{with(okOpenAI, func(c *ScorerConfig) { c.Model = "" }), "scorerModel"},
		{with(okOpenAI, func(c *ScorerConfig) { c.Model = strings.Repeat("m", 201) }), "scorerModel"},
		{with(okAkismet, func(c *ScorerConfig) { c.KeyFile = "" }), "scorerKeyFile"},
		{with(okAkismet, func(c *ScorerConfig) { c.KeyFile = strings.Repeat("k", 5000) }), "scorerKeyFile"},
		{with(okAkismet, func(c *ScorerConfig) { c.Blog = "" }), "scorerBlog"},
		{with(okAkismet, func(c *ScorerConfig) { c.Endpoint = "javascript:alert(1)" }), "scorerEndpoint"},
	} {
		err := tc.c.Validate()
		if parley.ErrorCode(err) != parley.EINVALID || parley.ErrorKey(err) != tc.key {
			t.Errorf("%+v: %v (key %q), want invalid with key %s", tc.c, err, parley.ErrorKey(err), tc.key)
		}
	}
	twice := []ScorerConfig{{Name: LocalName}, okOpenAI, {Name: LocalName, Enabled: true}}
	if err := ValidateScorers(twice); parley.ErrorKey(err) != "scorerTwice" {
		t.Errorf("a scorer twice: %v", err)
	}
}

// TestScorerConfigJSON: settings read back as written; a timeout is text.
func TestScorerConfigJSON(t *testing.T) {
	in := []ScorerConfig{
		{Name: LocalName, Enabled: true, Threshold: 0.6},
		{Name: OpenAIName, Enabled: true, Threshold: 0.8, Timeout: Duration(1500 * time.Millisecond), Endpoint: "http://llm:8000", Model: "m", KeyFile: "/k"},
	}
	raw, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(raw), `"timeout":"1.5s"`) {
		t.Errorf("JSON %s lacks the timeout as text", raw)
	}
	var out []ScorerConfig
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(in, out); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	var bad ScorerConfig
	for _, s := range []string{`{"timeout":5}`, `{"timeout":"soon"}`} {
		if err := json.Unmarshal([]byte(s), &bad); err == nil {
			t.Errorf("%s read as %+v", s, bad)
		}
	}
}

// TestBuild: only enabled scorers are built, with their keys read from
// their files and the default threshold; all are off by default.
func TestBuild(t *testing.T) {
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "akismet")
	if err := os.WriteFile(keyFile, []byte("abc123def456\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cs := []ScorerConfig{
		{Name: LocalName},
		{Name: OpenAIName, Endpoint: "http://llm:8000", Model: "m", KeyFile: filepath.Join(dir, "missing")},
		{Name: AkismetName, Enabled: true, KeyFile: keyFile, Blog: "https://zeitung.example", SendPersonal: true, Threshold: 0.9},
	}
	got, err := Build(cs, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 {
		t.Fatalf("built %d scorers, want 1 (akismet)", len(got))
	}
	a, ok := got[0].Scorer.(*Akismet)
	if !ok || a.Key != "abc123def456" || a.Blog != "https://zeitung.example" || got[0].Threshold != 0.9 || !got[0].Personal {
		t.Errorf("built %+v %+v", got[0], got[0].Scorer)
	}

	cs[0].Enabled = true
	if got, err = Build(cs[:1], nil); err != nil || len(got) != 1 || got[0].Threshold != DefaultThreshold || got[0].Personal {
		t.Errorf("local: %+v, %v", got, err)
	}
	cs[1].Enabled = true
	if _, err := Build(cs, nil); err == nil {
		t.Error("a missing key file built")
	}
	for name, content := range map[string]string{"empty": " \n", "huge": strings.Repeat("k", 5000)} {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(content), 0o600)
		cs[1].KeyFile = p
		if _, err := Build(cs, nil); err == nil {
			t.Errorf("a %s key file built", name)
		}
	}
	if got, err := Build(nil, nil); err != nil || len(got) != 0 {
		t.Errorf("no settings: %v, %v", got, err)
	}
}

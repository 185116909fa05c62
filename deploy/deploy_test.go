// Package deploy holds the deploy files; this test keeps them true to the
// binary: every PARLEY_* variable they set is one `parley serve` reads, the
// probes ask the listen port for /healthz and /readyz, the metrics port is
// PARLEY_METRICS_ADDR's, and the container runs serve.
//
// The Kubernetes manifests are parsed with go.yaml.in/yaml/v3, used by this
// test only and already in the module graph (client_golang needs it).
package deploy

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"parley/internal/config"
)

// shutdownTimeout is serve's default --shutdown-timeout, which has no
// variable: what in-flight requests get after the drain delay.
const shutdownTimeout = 15 * time.Second

// checkVariable fails the test unless serve reads name.
func checkVariable(t *testing.T, where, name string) {
	t.Helper()
	known := config.ServeVariables()
	if slices.Contains(known, name) {
		return
	}
	t.Errorf("%s sets %s, which parley serve does not read (it reads %v)", where, name, known)
}

// port returns the port of a listen address such as ":8080".
func port(t *testing.T, addr string) int {
	t.Helper()
	_, p, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatalf("listen address %q: %v", addr, err)
	}
	n, err := strconv.Atoi(p)
	if err != nil {
		t.Fatalf("listen address %q: %v", addr, err)
	}
	return n
}

func TestContainerfile(t *testing.T) {
	b, err := os.ReadFile("Containerfile")
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{}
	var entry, user, health string
	var expose []int
	for _, line := range joinContinuations(string(b)) {
		word, rest, _ := strings.Cut(line, " ")
		switch strings.ToUpper(word) {
		case "ENV":
			for _, kv := range strings.Fields(rest) {
				k, v, _ := strings.Cut(kv, "=")
				env[k] = v
				if strings.HasPrefix(k, "PARLEY_") {
					checkVariable(t, "Containerfile", k)
				}
			}
		case "ENTRYPOINT":
			entry = strings.TrimSpace(rest)
		case "USER":
			user = strings.TrimSpace(rest)
		case "HEALTHCHECK":
			health = rest
		case "EXPOSE":
			for _, p := range strings.Fields(rest) {
				n, _ := strconv.Atoi(p)
				expose = append(expose, n)
			}
		}
	}
	if entry != `["/parley", "serve"]` {
		t.Errorf("ENTRYPOINT %s, want [\"/parley\", \"serve\"]", entry)
	}
	if user == "" || strings.HasPrefix(user, "0") || strings.HasPrefix(user, "root") {
		t.Errorf("USER %q: the container must not run as root", user)
	}
	if !strings.Contains(health, `"/parley", "healthcheck"`) {
		t.Errorf("HEALTHCHECK %q does not run parley healthcheck", health)
	}
	for _, k := range []string{"PARLEY_ADDR", "PARLEY_METRICS_ADDR"} {
		if !slices.Contains(expose, port(t, env[k])) {
			t.Errorf("EXPOSE %v lacks the port of %s=%s", expose, k, env[k])
		}
	}
}

// joinContinuations returns the instructions of a Containerfile, one a
// line, with backslash continuations joined and comments dropped.
func joinContinuations(s string) []string {
	var out []string
	var cur strings.Builder
	sc := bufio.NewScanner(strings.NewReader(s))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "#") || line == "" {
			continue
		}
		if more, ok := strings.CutSuffix(line, `\`); ok {
			cur.WriteString(more + " ")
			continue
		}
		cur.WriteString(line)
		out = append(out, cur.String())
		cur.Reset()
	}
	return out
}

func TestSystemdUnit(t *testing.T) {
	b, err := os.ReadFile("parley.service")
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string][]string{}
	for line := range strings.Lines(string(b)) {
		line = strings.TrimSpace(line)
		if k, v, ok := strings.Cut(line, "="); ok && !strings.HasPrefix(line, "#") {
			keys[k] = append(keys[k], v)
		}
	}
	env := map[string]string{}
	for _, kv := range keys["Environment"] {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
		checkVariable(t, "parley.service", k)
	}
	if exec := keys["ExecStart"]; len(exec) != 1 || !strings.HasSuffix(exec[0], "parley serve") {
		t.Errorf("ExecStart = %q, want …/parley serve", exec)
	}
	for _, k := range []string{"NoNewPrivileges", "ProtectSystem", "ProtectHome", "PrivateTmp", "DynamicUser", "CapabilityBoundingSet", "SystemCallFilter", "RestrictAddressFamilies"} {
		if len(keys[k]) == 0 {
			t.Errorf("parley.service lacks %s", k)
		}
	}
	stop, err := time.ParseDuration(keys["TimeoutStopSec"][0])
	if err != nil {
		t.Fatal(err)
	}
	drain, _ := time.ParseDuration(env["PARLEY_DRAIN_DELAY"])
	if stop <= drain+shutdownTimeout {
		t.Errorf("TimeoutStopSec %v must outlast the drain %v and the shutdown timeout %v", stop, drain, shutdownTimeout)
	}
	if port(t, env["PARLEY_ADDR"]) == port(t, env["PARLEY_METRICS_ADDR"]) {
		t.Error("the metrics listener shares the public port")
	}
}

// manifest is a Kubernetes object with the fields the test reads.
type manifest struct {
	Kind     string `yaml:"kind"`
	Metadata struct {
		Name string `yaml:"name"`
	} `yaml:"metadata"`
	Data       map[string]string `yaml:"data"`
	StringData map[string]string `yaml:"stringData"`
	Spec       struct {
		Replicas int `yaml:"replicas"`
		Template struct {
			Spec podSpec `yaml:"spec"`
		} `yaml:"template"`
		Ports []struct {
			Name       string `yaml:"name"`
			TargetPort string `yaml:"targetPort"`
		} `yaml:"ports"`
	} `yaml:"spec"`
}

type podSpec struct {
	TerminationGracePeriodSeconds int         `yaml:"terminationGracePeriodSeconds"`
	Containers                    []container `yaml:"containers"`
}

type container struct {
	Name    string   `yaml:"name"`
	Command []string `yaml:"command"`
	Args    []string `yaml:"args"`
	EnvFrom []struct {
		ConfigMapRef *struct{ Name string } `yaml:"configMapRef"`
		SecretRef    *struct{ Name string } `yaml:"secretRef"`
	} `yaml:"envFrom"`
	Env []struct {
		Name  string `yaml:"name"`
		Value string `yaml:"value"`
	} `yaml:"env"`
	Ports []struct {
		Name          string `yaml:"name"`
		ContainerPort int    `yaml:"containerPort"`
	} `yaml:"ports"`
	ReadinessProbe *probe `yaml:"readinessProbe"`
	LivenessProbe  *probe `yaml:"livenessProbe"`
	StartupProbe   *probe `yaml:"startupProbe"`
	Resources      struct {
		Requests map[string]string `yaml:"requests"`
		Limits   map[string]string `yaml:"limits"`
	} `yaml:"resources"`
}

type probe struct {
	HTTPGet *struct {
		Path string `yaml:"path"`
		Port string `yaml:"port"`
	} `yaml:"httpGet"`
}

// readManifests decodes every document of a YAML file.
func readManifests(t *testing.T, name string) []manifest {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	var out []manifest
	for {
		var m manifest
		err := dec.Decode(&m)
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out = append(out, m)
	}
}

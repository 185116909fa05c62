package deploy

import (
	"strconv"
	"testing"
	"time"
)

func TestKubernetes(t *testing.T) {
	docs := readManifests(t, "kubernetes/parley.yaml")
	for _, f := range []string{"kubernetes/postgres.yaml", "kubernetes/nats.yaml"} {
		kinds := map[string]bool{}
		for _, m := range readManifests(t, f) {
			kinds[m.Kind] = true
		}
		if !kinds["StatefulSet"] || !kinds["Service"] {
			t.Errorf("%s: want a StatefulSet and a Service, have %v", f, kinds)
		}
	}
	sources := map[string]map[string]string{} // "ConfigMap/name" -> its variables
	var deployment *manifest
	services := 0
	for i, m := range docs {
		switch m.Kind {
		case "ConfigMap":
			sources["ConfigMap/"+m.Metadata.Name] = m.Data
		case "Secret":
			sources["Secret/"+m.Metadata.Name] = m.StringData
		case "Deployment":
			deployment = &docs[i]
		case "Service":
			services++
			for _, p := range m.Spec.Ports {
				if p.TargetPort != "http" && p.TargetPort != "metrics" {
					t.Errorf("Service %s targets port %q, not a named container port", m.Metadata.Name, p.TargetPort)
				}
			}
		}
	}
	if deployment == nil || services == 0 {
		t.Fatalf("parley.yaml: want a Deployment and a Service")
	}
	if deployment.Spec.Replicas < 2 {
		t.Errorf("replicas = %d: a fleet has several", deployment.Spec.Replicas)
	}
	pod := deployment.Spec.Template.Spec
	if len(pod.Containers) != 1 {
		t.Fatalf("%d containers, want 1", len(pod.Containers))
	}
	c := pod.Containers[0]
	env := containerEnv(t, c, sources)
	for k := range env {
		checkVariable(t, "parley.yaml", k)
	}
	if len(c.Command) > 0 || len(c.Args) > 0 {
		t.Errorf("command %q args %q: leave them to the image's ENTRYPOINT, which runs serve", c.Command, c.Args)
	}
	ports := map[string]int{}
	for _, p := range c.Ports {
		ports[p.Name] = p.ContainerPort
	}
	if ports["http"] != port(t, env["PARLEY_ADDR"]) {
		t.Errorf("container port http %d, PARLEY_ADDR %s", ports["http"], env["PARLEY_ADDR"])
	}
	if ports["metrics"] != port(t, env["PARLEY_METRICS_ADDR"]) {
		t.Errorf("container port metrics %d, PARLEY_METRICS_ADDR %s", ports["metrics"], env["PARLEY_METRICS_ADDR"])
	}
	for name, want := range map[string]struct {
		p    *probe
		path string
	}{"readiness": {c.ReadinessProbe, "/readyz"}, "liveness": {c.LivenessProbe, "/healthz"}} {
		if want.p == nil || want.p.HTTPGet == nil {
			t.Errorf("no %s probe", name)
			continue
		}
		if want.p.HTTPGet.Path != want.path {
			t.Errorf("%s probe asks %s, want %s", name, want.p.HTTPGet.Path, want.path)
		}
		if got := probePort(want.p.HTTPGet.Port, ports); got != ports["http"] {
			t.Errorf("%s probe on port %d, the listen port is %d", name, got, ports["http"])
		}
	}
	if c.Resources.Requests["cpu"] == "" || c.Resources.Limits["memory"] == "" {
		t.Errorf("resources %+v: want a CPU request and a memory limit", c.Resources)
	}
	drain, _ := time.ParseDuration(env["PARLEY_DRAIN_DELAY"])
	if grace := time.Duration(pod.TerminationGracePeriodSeconds) * time.Second; grace <= drain+shutdownTimeout {
		t.Errorf("terminationGracePeriodSeconds %v must outlast the drain %v and the shutdown timeout %v", grace, drain, shutdownTimeout)
	}
}

// containerEnv resolves the variables a container gets from its env and
// envFrom sources.
func containerEnv(t *testing.T, c container, sources map[string]map[string]string) map[string]string {
	t.Helper()
	env := map[string]string{}
	for _, from := range c.EnvFrom {
		key := ""
		switch {
		case from.ConfigMapRef != nil:
			key = "ConfigMap/" + from.ConfigMapRef.Name
		case from.SecretRef != nil:
			key = "Secret/" + from.SecretRef.Name
		}
		vars, ok := sources[key]
		if !ok {
			t.Errorf("envFrom %s: not in parley.yaml", key)
		}
		for k, v := range vars {
			env[k] = v
		}
	}
	for _, e := range c.Env {
		env[e.Name] = e.Value
	}
	return env
}

// probePort resolves a probe's port, a name or a number.
func probePort(p string, named map[string]int) int {
	if n, err := strconv.Atoi(p); err == nil {
		return n
	}
	return named[p]
}

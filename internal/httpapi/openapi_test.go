package httpapi

import (
	"encoding/json"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// openAPIMethods are the keys of an OpenAPI path item that are operations.
var openAPIMethods = map[string]bool{
	"get": true, "put": true, "post": true, "delete": true,
	"options": true, "head": true, "patch": true, "trace": true,
}

// parseOpenAPI decodes the embedded document or fails the test.
func parseOpenAPI(t *testing.T) map[string]any {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(openAPIDocument, &doc); err != nil {
		t.Fatalf("openapi.json is not valid JSON: %v", err)
	}
	return doc
}

// routeOperations returns "METHOD /path" for every row of the routes table
// but the /api/ catch-all. routes only takes method values, so a zero API
// will do.
func routeOperations(t *testing.T) map[string]bool {
	t.Helper()
	ops := make(map[string]bool)
	for _, rt := range (&API{}).routes() {
		method, path, ok := strings.Cut(rt.pattern, " ")
		if !ok {
			if rt.pattern != "/api/" {
				t.Errorf("route %q has no method", rt.pattern)
			}
			continue
		}
		if strings.ContainsAny(path, " ") || !strings.HasPrefix(path, "/") {
			t.Errorf("route %q: unexpected pattern shape", rt.pattern)
			continue
		}
		ops[method+" "+path] = true
	}
	return ops
}

// documentOperations returns "METHOD /path" for every operation of the
// document, and the operations themselves by that key.
func documentOperations(t *testing.T, doc map[string]any) map[string]map[string]any {
	t.Helper()
	paths, ok := doc["paths"].(map[string]any)
	if !ok {
		t.Fatal("openapi.json has no paths object")
	}
	ops := make(map[string]map[string]any)
	for path, item := range paths {
		item, ok := item.(map[string]any)
		if !ok {
			t.Errorf("path %s is not an object", path)
			continue
		}
		for key, op := range item {
			if !openAPIMethods[key] {
				continue
			}
			op, ok := op.(map[string]any)
			if !ok {
				t.Errorf("%s %s is not an object", key, path)
				continue
			}
			ops[strings.ToUpper(key)+" "+path] = op
		}
	}
	return ops
}

func TestOpenAPIVersionAndInfo(t *testing.T) {
	doc := parseOpenAPI(t)
	if v, _ := doc["openapi"].(string); v != "3.1.0" {
		t.Errorf("openapi = %q, want 3.1.0", v)
	}
	info, _ := doc["info"].(map[string]any)
	if info["title"] != "Parley" || info["version"] != "1" {
		t.Errorf("info title %v, version %v; want Parley and 1", info["title"], info["version"])
	}
	if d, _ := info["description"].(string); d == "" {
		t.Error("info has no description")
	}
	schemes, _ := doc["components"].(map[string]any)["securitySchemes"].(map[string]any)
	if bearer, _ := schemes["bearerAuth"].(map[string]any); bearer["type"] != "http" || bearer["scheme"] != "bearer" {
		t.Errorf("securitySchemes.bearerAuth = %v, want an http bearer scheme", schemes["bearerAuth"])
	}
}

func TestOpenAPIMatchesRoutes(t *testing.T) {
	routes := routeOperations(t)
	if len(routes) == 0 {
		t.Fatal("the routes table is empty")
	}
	documented := documentOperations(t, parseOpenAPI(t))
	for _, op := range sortedKeys(routes) {
		if _, ok := documented[op]; !ok {
			t.Errorf("route %s is not in openapi.json", op)
		}
	}
	for _, op := range sortedKeys(documented) {
		if !routes[op] {
			t.Errorf("openapi.json documents %s, which is not in the routes table", op)
		}
	}
}

func TestOpenAPIOperations(t *testing.T) {
	ops := documentOperations(t, parseOpenAPI(t))
	ids := make(map[string]string)
	for _, key := range sortedKeys(ops) {
		op := ops[key]
		id, _ := op["operationId"].(string)
		switch {
		case id == "":
			t.Errorf("%s has no operationId", key)
		case ids[id] != "":
			t.Errorf("%s and %s share the operationId %q", ids[id], key, id)
		default:
			ids[id] = key
		}
		responses, _ := op["responses"].(map[string]any)
		success := false
		for code := range responses {
			if (len(code) == 3 && code[0] == '2') || code == "2XX" || code == "304" {
				success = true
			}
			if n, err := strconv.Atoi(code); code != "default" && code != "2XX" && (err != nil || http.StatusText(n) == "") {
				t.Errorf("%s has a response with status %q", key, code)
			}
		}
		if !success {
			t.Errorf("%s has no 2xx or 304 response", key)
		}
	}
}

func TestOpenAPIRefsResolve(t *testing.T) {
	doc := parseOpenAPI(t)
	n := 0
	walkRefs(doc, func(ref string) {
		n++
		if _, err := resolveRef(doc, ref); err != "" {
			t.Errorf("$ref %q: %s", ref, err)
		}
	})
	if n == 0 {
		t.Error("openapi.json has no $ref at all")
	}
}

// walkRefs calls fn with the value of every "$ref" key in v.
func walkRefs(v any, fn func(string)) {
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			if s, ok := e.(string); ok && k == "$ref" {
				fn(s)
				continue
			}
			walkRefs(e, fn)
		}
	case []any:
		for _, e := range v {
			walkRefs(e, fn)
		}
	}
}

// resolveRef follows a local reference to a component, returning a
// description of the problem if it does not resolve.
func resolveRef(doc map[string]any, ref string) (any, string) {
	p, ok := strings.CutPrefix(ref, "#/components/")
	if !ok {
		return nil, "not a local reference to a component"
	}
	segs := strings.Split(p, "/")
	if len(segs) != 2 {
		return nil, "does not name one component as #/components/{kind}/{name}"
	}
	var cur any = doc["components"]
	for _, seg := range segs {
		seg = strings.NewReplacer("~1", "/", "~0", "~").Replace(seg)
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, "does not resolve"
		}
		if cur, ok = m[seg]; !ok {
			return nil, "does not resolve"
		}
	}
	if _, ok := cur.(map[string]any); !ok {
		return nil, "does not resolve to an object"
	}
	return cur, ""
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

package config

import (
	"io"
	"slices"
	"strings"
)

// Variables returns the PARLEY_* environment variables that parse reads,
// sorted, each with its _FILE form (lookup accepts both). It runs parse with
// an environment that records what it is asked and answers nothing, so the
// list follows the flag definitions themselves: a deploy file that sets a
// variable not in it sets something Parley ignores.
func Variables(parse func(Env)) []string {
	seen := map[string]bool{}
	parse(func(key string) string {
		if strings.HasPrefix(key, "PARLEY_") {
			seen[key] = true
		}
		return ""
	})
	out := make([]string, 0, len(seen))
	for k := range seen {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// ServeVariables returns the variables `parley serve` reads.
func ServeVariables() []string {
	return Variables(func(env Env) {
		ParseServe(nil, env, io.Discard) //nolint:errcheck // only the keys asked for matter
	})
}

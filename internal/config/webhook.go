package config

import (
	"flag"
)

// WebhookPrivateFlag declares --webhook-allow-private (env
// PARLEY_WEBHOOK_ALLOW_PRIVATE=true) on fs: webhook endpoints may then be
// plain http and reach private, loopback and link-local addresses. It is
// for tests and a local development setup; in production it would let
// anyone who may add an endpoint make Parley call inside its network.
func WebhookPrivateFlag(fs *flag.FlagSet, env Env) (*bool, error) {
	v, err := lookup(env, "PARLEY_WEBHOOK_ALLOW_PRIVATE", "")
	if err != nil {
		return nil, err
	}
	return fs.Bool("webhook-allow-private", v == "true",
		"let webhooks use plain http and private, loopback and link-local addresses: tests and local development only (env PARLEY_WEBHOOK_ALLOW_PRIVATE=true)"), nil
}

package config

import "flag"

// PublicURLFlag declares --public-url for the subcommands that print links
// to Parley (parley admin bootstrap), with the same default as serve's:
// PARLEY_PUBLIC_URL, else the URL of PARLEY_ADDR (or DefaultAddr) on this
// machine. Normalize the value with NormalizePublicURL after parsing.
func PublicURLFlag(fs *flag.FlagSet, env Env) (*string, error) {
	addr, err := lookup(env, "PARLEY_ADDR", DefaultAddr)
	if err != nil {
		return nil, err
	}
	def, err := lookup(env, "PARLEY_PUBLIC_URL", DefaultPublicURL(addr))
	return fs.String("public-url", def, "the URL browsers reach Parley at, which links start with (env PARLEY_PUBLIC_URL)"), err
}

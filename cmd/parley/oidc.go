package main

import (
	"flag"
	"fmt"
	"os"
	"strings"

	"parley"
)

// oidcFlags are the OIDC settings of `parley site update`.
type oidcFlags struct {
	issuer, clientID, secretFile, name string
}

func (f *oidcFlags) declare(fs *flag.FlagSet) {
	fs.StringVar(&f.issuer, "oidc-issuer", "", "issuer URL of the site's OpenID Connect provider, https (http only for localhost); \"\" turns OIDC off")
	fs.StringVar(&f.clientID, "oidc-client-id", "", "the client ID Parley has at the provider")
	fs.StringVar(&f.secretFile, "oidc-secret-file", "", "file holding the client secret (text; surrounding whitespace is ignored)")
	fs.StringVar(&f.name, "oidc-name", "", "what the sign-in button calls the provider, such as \"Example Login\"")
}

// apply changes the site's OIDC settings by the flags that were given. An
// empty --oidc-issuer clears them all, the secret included. The secret is
// read here, once, and stored with the site, so that every instance has it.
func (f *oidcFlags) apply(fs *flag.FlagSet, o *parley.OIDC) error {
	given := map[string]bool{}
	fs.Visit(func(fl *flag.Flag) { given[fl.Name] = true })
	if given["oidc-issuer"] && f.issuer == "" {
		*o = parley.OIDC{}
		return nil
	}
	if given["oidc-issuer"] {
		o.Issuer = f.issuer
	}
	if given["oidc-client-id"] {
		o.ClientID = f.clientID
	}
	if given["oidc-name"] {
		o.Name = f.name
	}
	if f.secretFile != "" {
		raw, err := os.ReadFile(f.secretFile)
		if err != nil {
			return fmt.Errorf("read OIDC secret: %w", err)
		}
		o.Secret = strings.TrimSpace(string(raw))
	}
	return nil
}

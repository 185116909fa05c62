package config

import (
	"flag"
	"fmt"
	"net/netip"
	"strings"
)

// prefixList is the repeatable --trusted-proxy flag.
type prefixList []netip.Prefix

func (l *prefixList) String() string {
	s := make([]string, len(*l))
	for i, p := range *l {
		s[i] = p.String()
	}
	return strings.Join(s, ",")
}

// Set adds a CIDR, or a single address as its /32 or /128.
func (l *prefixList) Set(v string) error {
	for _, part := range strings.Split(v, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		p, err := netip.ParsePrefix(part)
		if err != nil {
			a, aerr := netip.ParseAddr(part)
			if aerr != nil {
				return fmt.Errorf("trusted proxy %q: not a CIDR such as 10.0.0.0/8 or an address", part)
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
		*l = append(*l, p.Masked())
	}
	return nil
}

// proxyFlags declares --trusted-proxy on fs, filling c.TrustedProxies;
// PARLEY_TRUSTED_PROXY holds the same as a comma-separated list.
func proxyFlags(fs *flag.FlagSet, env Env, c *Config) error {
	def, err := lookup(env, "PARLEY_TRUSTED_PROXY", "")
	if err != nil {
		return err
	}
	list := (*prefixList)(&c.TrustedProxies)
	if err := list.Set(def); err != nil {
		return fmt.Errorf("PARLEY_TRUSTED_PROXY: %w", err)
	}
	fromFlag := false
	fs.Func("trusted-proxy", "a proxy (CIDR or address) whose X-Forwarded-For is believed, for the client address that rate limits and bans use; repeatable (env PARLEY_TRUSTED_PROXY, comma-separated). Without one, the client is the connection's peer", func(v string) error {
		if !fromFlag {
			*list, fromFlag = nil, true // the flag replaces the environment's list
		}
		return list.Set(v)
	})
	return nil
}

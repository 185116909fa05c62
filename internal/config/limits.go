package config

import (
	"errors"
	"flag"
	"fmt"
	"strconv"
)

// Defaults of the connection limits. A browser holds a handful of
// connections to a host and one live stream per open article; a peer
// beyond these is a crowd behind one address or a flood. Proxies and
// internal addresses (loopback, private networks) are never counted per
// address.
const (
	DefaultConnectionsPerAddress = 256
	DefaultLivePerAddress        = 64
)

// limitFlags declares the bounds on what clients hold open:
// --max-connections (PARLEY_MAX_CONNECTIONS; 0: from the file limit),
// --connections-per-address and --live-per-address (0: no bound).
func limitFlags(fs *flag.FlagSet, env Env, c *Config) error {
	for _, f := range []struct {
		name, key, usage string
		def              int
		dst              *int
	}{
		{"max-connections", "PARLEY_MAX_CONNECTIONS", "most client connections open at once; past it a connection is answered 503 and closed, so that the file descriptors the database needs stay free (env PARLEY_MAX_CONNECTIONS; 0: the process's file limit less a reserve)", 0, &c.MaxConnections},
		{"connections-per-address", "PARLEY_CONNECTIONS_PER_ADDRESS", "most connections one client address holds at once, IPv6 by /64; --trusted-proxy peers, loopback and private networks are not counted (env PARLEY_CONNECTIONS_PER_ADDRESS; 0: no bound)", DefaultConnectionsPerAddress, &c.ConnectionsPerAddress},
		{"live-per-address", "PARLEY_LIVE_PER_ADDRESS", "most live streams one client address (behind --trusted-proxy: the client it names) holds at once, loopback and private networks not counted; more are answered 429 (env PARLEY_LIVE_PER_ADDRESS; 0: no bound)", DefaultLivePerAddress, &c.LivePerAddress},
	} {
		v, err := lookup(env, f.key, strconv.Itoa(f.def))
		if err != nil {
			return err
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			return fmt.Errorf("%s %q: not a number", f.key, v)
		}
		fs.IntVar(f.dst, f.name, n, f.usage)
	}
	return nil
}

// validateLimits checks the settings of limitFlags.
func (c *Config) validateLimits() error {
	if c.MaxConnections < 0 || c.ConnectionsPerAddress < 0 || c.LivePerAddress < 0 {
		return errors.New("connection limits must not be negative")
	}
	return nil
}

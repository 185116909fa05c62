package main

import (
	"fmt"
	"log/slog"
	"net"
	"net/netip"

	"parley/internal/config"
	"parley/internal/metrics"
	"parley/internal/netlimit"
)

// internal are the peers the per-address bound never counts: this host,
// private networks and link-local addresses. A client there is a proxy or a
// load balancer in nearly every deployment, carrying many readers, whether
// or not it is named in --trusted-proxy; the readers on the internet behind
// it count by their own address for their live streams (WithLiveLimit),
// once the proxy is trusted.
var internal = []netip.Prefix{
	netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128"),
	netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("172.16.0.0/12"), netip.MustParsePrefix("192.168.0.0/16"),
	netip.MustParsePrefix("fc00::/7"), netip.MustParsePrefix("169.254.0.0/16"), netip.MustParsePrefix("fe80::/10"),
}

// listen opens the public listener with the connection limits of cfg: at
// most --max-connections at once (from the file limit by default), at
// most --connections-per-address from one client on the internet (not a
// trusted proxy, nor an internal address). m, if set, reports them.
func listen(cfg *config.Config, m *metrics.Metrics, log *slog.Logger) (*netlimit.Listener, error) {
	files := netlimit.FileLimit()
	most := cfg.MaxConnections
	if most == 0 {
		most = netlimit.MaxFor(files)
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("listen: %w", err)
	}
	exempt := append(append([]netip.Prefix(nil), cfg.TrustedProxies...), internal...)
	limited := netlimit.Listen(ln, netlimit.Options{Max: most, PerAddress: cfg.ConnectionsPerAddress, Exempt: exempt, Log: log})
	if m != nil {
		if err := m.WatchConnections(func() metrics.ConnStats {
			st := limited.Stats()
			return metrics.ConnStats{Open: st.Open, Max: st.Max, RefusedTotal: st.Total, RefusedAddress: st.Address, Dropped: st.Dropped}
		}); err != nil {
			ln.Close()
			return nil, fmt.Errorf("metrics: %w", err)
		}
	}
	log.Info("connection limits", "max", most, "file_limit", files, "per_address", cfg.ConnectionsPerAddress, "live_per_address", cfg.LivePerAddress)
	return limited, nil
}

package config

import (
	"fmt"
	"net"
	"net/url"
	"strings"
)

// DefaultPublicURL is the public URL of a server listening on addr when no
// --public-url is given: http://HOST:PORT with the host --addr names, or
// localhost when it names none (":8080") or every interface. Right on the
// machine itself, wrong anywhere else, which is why production sets
// --public-url.
func DefaultPublicURL(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil || port == "" {
		port = "8080"
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// PublicURLOn returns public with the port the listener got when public
// says port 0 (the default for an --addr with port 0, as tests use); any
// other public URL is returned unchanged.
func PublicURLOn(public string, ln net.Addr) string {
	u, err := url.Parse(public)
	if err != nil || u.Port() != "0" {
		return public
	}
	_, port, err := net.SplitHostPort(ln.String())
	if err != nil {
		return public
	}
	u.Host = net.JoinHostPort(u.Hostname(), port)
	return u.String()
}

// NormalizePublicURL checks that raw is where browsers reach Parley: an
// absolute http(s) URL with a host, optionally a path prefix (when a proxy
// serves Parley under one), and nothing else. It returns the URL with
// scheme and host in lower case and no trailing slash, ready to have
// "/embed/…" appended.
func NormalizePublicURL(raw string) (string, error) {
	u, err := url.Parse(raw)
	bad := func(why string) (string, error) {
		return "", fmt.Errorf("public URL %q: %s; use for example https://comments.example.com", raw, why)
	}
	switch {
	case err != nil:
		return bad(err.Error())
	case u.Scheme != "http" && u.Scheme != "https":
		return bad("the scheme must be http or https")
	case u.Host == "" || u.Opaque != "":
		return bad("it needs a host")
	case u.User != nil:
		return bad("it must not contain a user name or password")
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.Contains(raw, "#"):
		return bad("it must not have a query or fragment")
	case strings.ContainsAny(u.Host, "%\\") || u.Hostname() == "":
		return bad("the host is not a plain host name")
	}
	u.Scheme, u.Host = strings.ToLower(u.Scheme), strings.ToLower(u.Host)
	if p := u.Port(); (u.Scheme == "https" && p == "443") || (u.Scheme == "http" && p == "80") {
		u.Host = strings.TrimSuffix(u.Host, ":"+p) // browsers leave the default port out of Origin
	}
	return strings.TrimRight(u.String(), "/"), nil
}

// Origin returns the origin of a normalized public URL, scheme://host[:port]
// as browsers send it in the Origin header.
func Origin(publicURL string) string {
	u, err := url.Parse(publicURL)
	if err != nil {
		return ""
	}
	return u.Scheme + "://" + u.Host
}

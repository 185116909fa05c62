package main

import (
	"io"
	"testing"
)

func TestFleetFlags(t *testing.T) {
	c, err := parseFlags([]string{"-scenario", "fleet", "-addrs", "http://127.0.0.1:8081/, http://localhost:8082", "-readers", "8"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Addrs) != 2 || c.Addrs[0] != "http://127.0.0.1:8081" || c.Addrs[1] != "http://localhost:8082" {
		t.Errorf("addrs = %q", c.Addrs)
	}
	for _, bad := range [][]string{
		{"-scenario", "fleet"},
		{"-scenario", "fleet", "-addrs", "http://127.0.0.1:8081"},
		{"-scenario", "fleet", "-addrs", "http://127.0.0.1:8081,http://example.org:8082"},
		{"-scenario", "fleet", "-addrs", "127.0.0.1:8081,127.0.0.1:8082"},
	} {
		if _, err := parseFlags(bad, io.Discard); err == nil {
			t.Errorf("parseFlags(%q) passed", bad)
		}
	}
}

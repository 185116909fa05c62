package parley

import (
	"testing"
	"time"
)

func TestParseRateLimit(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want RateLimit
		str  string
	}{
		{"5/1m", RateLimit{Posts: 5, Per: time.Minute}, "5/1m0s"},
		{"5/m", RateLimit{Posts: 5, Per: time.Minute}, "5/1m0s"},
		{"100/30s", RateLimit{Posts: 100, Per: 30 * time.Second}, "100/30s"},
		{"off", RateLimit{Off: true}, "off"},
	} {
		got, err := ParseRateLimit(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("ParseRateLimit(%q) = %+v, %v; want %+v", tc.in, got, err, tc.want)
		}
		if got.String() != tc.str {
			t.Errorf("%+v.String() = %q, want %q", got, got.String(), tc.str)
		}
		if again, err := ParseRateLimit(got.String()); err != nil || again != got {
			t.Errorf("ParseRateLimit(%q) = %+v, %v; want it to read back as %+v", got.String(), again, err, got)
		}
	}
	for _, in := range []string{"", "5", "0/1m", "-1/1m", "5/0s", "5/500ms", "5/25h", "2000000/1h", "x/1m", "5/1 m", "Off"} {
		if _, err := ParseRateLimit(in); ErrorCode(err) != EINVALID || ErrorKey(err) != "rateLimit" {
			t.Errorf("ParseRateLimit(%q) = %v, want EINVALID rateLimit", in, err)
		}
	}
	if (RateLimit{}).String() != "5/1m0s" {
		t.Errorf("the zero RateLimit reads %q, want the default 5/1m0s", RateLimit{}.String())
	}
}

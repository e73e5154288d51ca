package auth

import (
	"net/http/httptest"
	"net/netip"
	"testing"
)

func TestClientIP(t *testing.T) {
	trusted, err := ParseTrustedProxies([]string{"10.0.0.0/8", "::1", " 192.168.1.1 "})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		remote  string
		xff     []string
		trusted []netip.Prefix
		want    string
	}{
		{"no proxy config uses peer", "203.0.113.5:5555", nil, nil, "203.0.113.5"},
		{"xff ignored from untrusted peer", "203.0.113.5:5555", []string{"1.2.3.4"}, trusted, "203.0.113.5"},
		{"xff ignored without trusted list", "10.0.0.2:80", []string{"1.2.3.4"}, nil, "10.0.0.2"},
		{"trusted peer single hop", "10.0.0.2:80", []string{"1.2.3.4"}, trusted, "1.2.3.4"},
		{"spoofed left entries skipped", "10.0.0.2:80", []string{"6.6.6.6, 1.2.3.4"}, trusted, "1.2.3.4"},
		{"trusted hops skipped right to left", "10.0.0.2:80", []string{"6.6.6.6, 1.2.3.4, 10.9.9.9, 192.168.1.1"}, trusted, "1.2.3.4"},
		{"repeated headers in order", "10.0.0.2:80", []string{"6.6.6.6", "1.2.3.4, 10.1.1.1"}, trusted, "1.2.3.4"},
		{"all hops trusted gives leftmost", "10.0.0.2:80", []string{"10.3.3.3, 10.4.4.4"}, trusted, "10.3.3.3"},
		{"malformed hop stops at last sound hop", "10.0.0.2:80", []string{"1.2.3.4, garbage, 10.5.5.5"}, trusted, "10.5.5.5"},
		{"trusted peer without xff", "10.0.0.2:80", nil, trusted, "10.0.0.2"},
		{"ipv6 peer", "[2001:db8::1]:443", nil, trusted, "2001:db8::1"},
		{"ipv6 loopback trusted proxy", "[::1]:443", []string{"2001:db8::9"}, trusted, "2001:db8::9"},
		{"ipv4-mapped peer", "[::ffff:203.0.113.9]:1", nil, nil, "203.0.113.9"},
		{"hop with port", "10.0.0.2:80", []string{"1.2.3.4:9999"}, trusted, "1.2.3.4"},
		{"bracketed ipv6 hop", "10.0.0.2:80", []string{"[2001:db8::7]:80"}, trusted, "2001:db8::7"},
		{"unparsable remote addr returned as is", "@", nil, trusted, "@"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = tc.remote
			for _, v := range tc.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			if got := ClientIP(r, tc.trusted); got != tc.want {
				t.Fatalf("ClientIP = %q; want %q", got, tc.want)
			}
		})
	}
}

func TestParseTrustedProxiesRejectsGarbage(t *testing.T) {
	for _, in := range []string{"10.0.0.0/33", "not-an-ip", "1.2.3"} {
		if _, err := ParseTrustedProxies([]string{in}); err == nil {
			t.Errorf("%q accepted", in)
		}
	}
}

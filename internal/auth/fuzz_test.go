package auth

import (
	"context"
	"errors"
	"net/http/httptest"
	"net/netip"
	"testing"

	"github.com/aniworld/aniworld/internal/anime"
)

func FuzzVerify(f *testing.F) {
	e := newEnv(f)
	s := e.configured()
	sess, err := s.Login(context.Background(), goodPassword, false, "c")
	if err != nil {
		f.Fatal(err)
	}
	for _, seed := range []string{
		sess.Token, "", "a.b.c", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJtYXN0ZXIifQ.",
		"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.e30.AAAA",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, tok string) {
		_, err := s.Verify(context.Background(), tok)
		if tok == sess.Token {
			if err != nil {
				t.Fatalf("issued token refused: %v", err)
			}
			return
		}
		if err == nil {
			t.Fatalf("forged token %q accepted", tok)
		}
		if !errors.Is(err, anime.ErrUnauthorized) {
			t.Fatalf("error %v does not wrap ErrUnauthorized", err)
		}
	})
}

func FuzzClientIP(f *testing.F) {
	trusted := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("::1/128")}
	for _, s := range [][2]string{
		{"10.0.0.1:80", "1.2.3.4, 10.0.0.2"}, {"[::1]:1", "[2001:db8::1]:5, garbage"},
		{"203.0.113.1:5", "1.1.1.1"}, {"@", ""}, {"10.1.1.1:1", ",,,"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, remote, xff string) {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = remote
		r.Header.Set("X-Forwarded-For", xff)
		got := ClientIP(r, trusted)
		peer, ok := parseHostAddr(remote)
		if !ok {
			if got != remote {
				t.Fatalf("unparsable remote %q gave %q", remote, got)
			}
			return
		}
		if _, err := netip.ParseAddr(got); err != nil {
			t.Fatalf("ClientIP = %q is not an address", got)
		}
		if !isTrusted(peer, trusted) && got != peer.String() {
			t.Fatalf("untrusted peer %q: XFF honoured (%q)", remote, got)
		}
	})
}

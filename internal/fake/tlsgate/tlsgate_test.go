package tlsgate

import (
	"crypto/tls"
	"io"
	"net/http"
	"testing"
)

func TestIsGREASE(t *testing.T) {
	for _, tt := range []struct {
		v    uint16
		want bool
	}{
		{0x0a0a, true}, {0x1a1a, true}, {0xfafa, true}, {0x4a4a, true},
		{0xaaaa, true}, {0x0a1a, false}, {0x0b0b, false}, {0x1301, false}, {0x001d, false}, {0x0000, false},
	} {
		if got := IsGREASE(tt.v); got != tt.want {
			t.Errorf("IsGREASE(%#04x) = %v", tt.v, got)
		}
	}
}

// TestGoTLSRefused: Go's crypto/tls sends no GREASE, so the gate refuses it
// with a plain 403 page (the behaviour of aniworld.to since August 2026).
func TestGoTLSRefused(t *testing.T) {
	g, err := New(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "content") }), Options{Names: []string{"aniworld.test"}})
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: g.CertPool()}, ForceAttemptHTTP2: true}}
	resp, err := hc.Get(g.URL + "/")
	if err != nil {
		t.Fatal(err) // the certificate must verify against CertPool
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden || string(body) == "content" || resp.ProtoMajor != 2 {
		t.Errorf("status %d proto %s body %q", resp.StatusCode, resp.Proto, body)
	}
	if passed, refused := g.Counts(); passed != 0 || refused != 1 {
		t.Errorf("counts %d/%d", passed, refused)
	}
}

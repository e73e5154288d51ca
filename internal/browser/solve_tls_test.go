package browser

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/aniworld/aniworld/internal/fake/jsgate"
	"github.com/aniworld/aniworld/internal/fake/tlsgate"
	"github.com/aniworld/aniworld/internal/httpclient"
)

// TestSolveOverHTTPSTrustsOnlyListedKeys solves the JS gate behind the TLS
// gate (a private CA Chromium does not know): with the gate's leaf key in
// TrustedSPKI the solve passes over https, with another key listed it
// cannot even load the page.
func TestSolveOverHTTPSTrustsOnlyListedKeys(t *testing.T) {
	exe := needChromium(t)
	other, err := tlsgate.New(http.NotFoundHandler(), tlsgate.Options{})
	if err != nil {
		t.Fatal(err)
	}
	other.Close()
	for _, tc := range []struct {
		name    string
		trusted func(g *tlsgate.Gate) []string
		wantOK  bool
	}{
		{"the gate's leaf key", func(g *tlsgate.Gate) []string { return []string{SPKIHash(other.Leaf()), SPKIHash(g.Leaf())} }, true},
		{"another key only", func(*tlsgate.Gate) []string { return []string{SPKIHash(other.Leaf())} }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			js := jsgate.New(jsgate.Options{})
			g, err := tlsgate.New(js, tlsgate.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer g.Close()
			timeout := 30 * time.Second
			if !tc.wantOK {
				timeout = 5 * time.Second
			}
			b := New(Options{Path: exe, SolveTimeout: timeout, TrustedSPKI: tc.trusted(g)})
			defer b.Close()
			cl, err := b.Solve(context.Background(), httpclient.SolveRequest{URL: g.URL + "/anime/stream/x", UserAgent: testUA})
			if !tc.wantOK {
				if err == nil || js.Refused() != 0 {
					t.Fatalf("untrusted certificate: solve error %v, gate served %d challenges; want an error and none", err, js.Refused())
				}
				return
			}
			if err != nil {
				t.Fatalf("solve: %v", err)
			}
			var valid bool
			for _, c := range cl.Cookies {
				valid = valid || (c.Name == jsgate.ClearanceCookie && js.Valid(c.Value, testUA))
			}
			if !valid || js.Refused() == 0 {
				t.Fatalf("cookies %v, challenges served %d: want a clearance earned over https", cl.Cookies, js.Refused())
			}
		})
	}
}

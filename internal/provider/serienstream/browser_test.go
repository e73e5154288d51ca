package serienstream_test

import (
	"context"
	"os/exec"
	"testing"
	"time"

	"github.com/aniworld/aniworld/internal/browser"
	fakess "github.com/aniworld/aniworld/internal/fake/serienstream"
	"github.com/aniworld/aniworld/internal/httpclient"
	"github.com/aniworld/aniworld/internal/provider/hoster"
	"github.com/aniworld/aniworld/internal/provider/serienstream"
)

// TestGateThroughChromium: the link-out gate goes to the HTTP client's
// solvers, here the real Chromium solver: the browser opens the gate with
// the session's cookies, the page's widget passes, and the session's
// plain requests redirect again with the clearance.
func TestGateThroughChromium(t *testing.T) {
	if _, err := exec.LookPath("chromium"); err != nil {
		t.Skipf("no chromium on PATH: %v", err)
	}
	for _, kind := range []string{fakess.GateTurnstile, fakess.GateAltcha} {
		t.Run(kind, func(t *testing.T) {
			r := newRig(t, fakess.Options{GateAfter: 1, Gate: kind})
			b := browser.New(browser.Options{Enabled: browser.On, SolveTimeout: 30 * time.Second, MaxSolvesPerHostHour: 10})
			t.Cleanup(func() { b.Close() })
			doer := httpclient.New(httpclient.Options{Retries: -1, RateLimit: httpclient.RateLimit{PerSecond: -1}, Solvers: []httpclient.Solver{b}})
			c, err := serienstream.New(serienstream.Config{BaseURLs: []string{r.srv.URL}, Doer: doer, Hosters: hoster.Default()})
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
			defer cancel()
			ep, err := c.Episode(ctx, "the-office-demo", 1, 1)
			if err != nil {
				t.Fatal(err)
			}
			for i := 0; i < 4; i++ {
				if _, err := c.ResolveLink(ctx, ep.Links[i%len(ep.Links)]); err != nil {
					t.Fatalf("link-out %d: %v", i, err)
				}
			}
			if st := r.site.Stats(); st.Passes != 1 || st.Gated < 1 {
				t.Errorf("stats %+v: the gate was not passed exactly once", st)
			}
		})
	}
}

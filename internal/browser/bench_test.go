package browser

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/aniworld/aniworld/internal/fake/jsgate"
	"github.com/aniworld/aniworld/internal/httpclient"
)

// reportMedian adds the median of the recorded durations to the result.
func reportMedian(b *testing.B, ds []time.Duration) {
	if len(ds) == 0 {
		return
	}
	slices.Sort(ds)
	b.ReportMetric(float64(ds[len(ds)/2].Microseconds())/1000, "median-ms")
}

// BenchmarkSolveCold is one challenge solve including the browser start:
// a new Browser per iteration, closed afterwards (not timed).
func BenchmarkSolveCold(b *testing.B) {
	exe := needChromium(b)
	var ds []time.Duration
	for b.Loop() {
		b.StopTimer()
		srv := httptest.NewServer(jsgate.New(jsgate.Options{}))
		br := New(Options{Path: exe, MaxSolvesPerHostHour: 1 << 20})
		b.StartTimer()
		start := time.Now()
		if _, err := br.Solve(context.Background(), httpclient.SolveRequest{URL: srv.URL + "/", UserAgent: testUA}); err != nil {
			b.Fatal(err)
		}
		ds = append(ds, time.Since(start))
		b.StopTimer()
		br.Close()
		srv.Close()
		b.StartTimer()
	}
	reportMedian(b, ds)
}

// BenchmarkSolveWarm is one challenge solve in a running browser: each
// iteration meets a new gate (a new secret), so the browser's cookie from
// the previous one is refused and the script runs again.
func BenchmarkSolveWarm(b *testing.B) {
	exe := needChromium(b)
	br := New(Options{Path: exe, MaxSolvesPerHostHour: 1 << 20})
	defer br.Close()
	warm := httptest.NewServer(jsgate.New(jsgate.Options{}))
	defer warm.Close()
	if _, err := br.Solve(context.Background(), httpclient.SolveRequest{URL: warm.URL + "/", UserAgent: testUA}); err != nil {
		b.Fatal(err)
	}
	var ds []time.Duration
	for b.Loop() {
		b.StopTimer()
		g := jsgate.New(jsgate.Options{})
		srv := httptest.NewServer(g)
		b.StartTimer()
		start := time.Now()
		if _, err := br.Solve(context.Background(), httpclient.SolveRequest{URL: srv.URL + "/", UserAgent: testUA}); err != nil {
			b.Fatal(err)
		}
		ds = append(ds, time.Since(start))
		b.StopTimer()
		if g.Refused() == 0 {
			b.Fatal("the gate was not met: the solve measured nothing")
		}
		srv.Close()
		b.StartTimer()
	}
	reportMedian(b, ds)
}

// BenchmarkPlainRequestWithClearance is the reference: one plain net/http
// request through the gate with the clearance a solve earned (what every
// request after the solve costs).
func BenchmarkPlainRequestWithClearance(b *testing.B) {
	exe := needChromium(b)
	srv := httptest.NewServer(jsgate.New(jsgate.Options{}))
	defer srv.Close()
	br := New(Options{Path: exe})
	cl, err := br.Solve(context.Background(), httpclient.SolveRequest{URL: srv.URL + "/", UserAgent: testUA})
	br.Close()
	if err != nil {
		b.Fatal(err)
	}
	var ds []time.Duration
	for b.Loop() {
		start := time.Now()
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/", nil)
		req.Header.Set("User-Agent", cl.UserAgent)
		for _, c := range cl.Cookies {
			req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != 200 {
			b.Fatalf("status %d", res.StatusCode)
		}
		ds = append(ds, time.Since(start))
	}
	reportMedian(b, ds)
}

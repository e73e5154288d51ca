package diagnostics

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aniworld/aniworld/internal/fake/tcp"
)

// fakeResolver resolves "localhost" and names in ok; "slow.test" hangs
// until the context ends; everything else is not found.
type fakeResolver struct{}

func (fakeResolver) LookupHost(ctx context.Context, host string) ([]string, error) {
	switch host {
	case "localhost", "provider.test":
		return []string{"127.0.0.1"}, nil
	case "slow.test":
		<-ctx.Done()
		return nil, &net.DNSError{Err: "i/o timeout", Name: host, IsTimeout: true}
	}
	return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
}

func TestDiagnoseReportsHonestlyWithinTimeout(t *testing.T) {
	ok := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(403) }))
	defer ok.Close()
	_, okPort, _ := net.SplitHostPort(strings.TrimPrefix(ok.URL, "http://"))
	tests := []struct {
		target    string
		reachable bool
		dns       *bool
		errHas    string
	}{
		{"http://localhost:" + okPort, true, ptr(true), ""},
		{ok.URL, true, nil, ""},
		{"http://" + tcp.Blackhole(t), false, nil, "timed out"},
		{"http://localhost:" + strings.Split(tcp.Blackhole(t), ":")[1], false, ptr(true), "timed out"},
		{"http://" + tcp.ClosedPort(t), false, nil, "refused"},
		{"https://nowhere.invalid", false, ptr(false), "host not found"},
		{"slow.test", false, ptr(false), "timed out"},
		{"ftp://provider.test", false, nil, "not an http(s) URL"},
	}
	targets := make([]string, len(tests))
	for i, tc := range tests {
		targets[i] = tc.target
	}
	timeout := 500 * time.Millisecond
	start := time.Now()
	body := Diagnose(context.Background(), targets, timeout, fakeResolver{})
	if el := time.Since(start); el > timeout+time.Second {
		t.Fatalf("took %v", el)
	}
	if !body.InternetConnected || !body.DNSWorking || len(body.Tests) != len(tests) {
		t.Fatalf("%+v", body)
	}
	for i, tc := range tests {
		got := body.Tests[i]
		if got.Reachable != tc.reachable || (got.DNSResolved == nil) != (tc.dns == nil) || (tc.dns != nil && *got.DNSResolved != *tc.dns) {
			t.Fatalf("%s: %+v", tc.target, got)
		}
		if tc.errHas == "" && got.Error != nil || tc.errHas != "" && (got.Error == nil || !strings.Contains(*got.Error, tc.errHas)) {
			t.Fatalf("%s: error %v, want %q", tc.target, deref(got.Error), tc.errHas)
		}
		if got.Reachable && got.StatusCode != 403 {
			t.Fatalf("%s: status %d", tc.target, got.StatusCode)
		}
	}
	// Nothing reachable, nothing resolvable: both flags false.
	none := Diagnose(context.Background(), []string{"http://" + tcp.ClosedPort(t), "nowhere.invalid"}, timeout, fakeResolver{})
	if none.InternetConnected || none.DNSWorking {
		t.Fatalf("%+v", none)
	}
}

func ptr[T any](v T) *T { return &v }

func deref(s *string) string {
	if s == nil {
		return "<nil>"
	}
	return *s
}

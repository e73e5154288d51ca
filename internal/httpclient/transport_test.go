package httpclient

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aniworld/aniworld/internal/fake/tlsgate"
)

// transports are the two transports every behaviour must hold for.
var transports = []string{TransportStandard, TransportChrome}

// tlsServer starts an HTTPS server speaking HTTP/2 and HTTP/1.1 and answers
// a pool that trusts it.
func tlsServer(t *testing.T, h http.Handler) (*httptest.Server, *x509.CertPool) {
	t.Helper()
	srv := httptest.NewUnstartedServer(h)
	srv.EnableHTTP2 = true
	srv.StartTLS()
	t.Cleanup(srv.Close)
	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	return srv, pool
}

func TestTransportHeadersCookiesRedirects(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr, func(t *testing.T) {
			var mu sync.Mutex
			var seen []http.Header
			srv, pool := tlsServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				seen = append(seen, r.Header.Clone())
				mu.Unlock()
				switch r.URL.Path {
				case "/login":
					http.SetCookie(w, &http.Cookie{Name: "sess", Value: "s1", Path: "/"})
					http.Redirect(w, r, "/home", http.StatusFound)
				case "/gz":
					if !strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
						t.Errorf("no gzip offered: %q", r.Header.Get("Accept-Encoding"))
					}
					w.Header().Set("Content-Encoding", "gzip")
					w.Header().Set("Content-Type", "text/html")
					zw := gzip.NewWriter(w)
					io.WriteString(zw, "<html>zipped page</html>")
					zw.Close()
				default:
					io.WriteString(w, "home:"+r.Proto)
				}
			}))
			c := New(Options{Transport: tr, RootCAs: pool, Cookie: "pref=1", CookieHosts: []string{"127.0.0.1"}, RateLimit: RateLimit{PerSecond: -1}})
			resp, err := get(t, c, srv.URL+"/login")
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if string(body) != "home:HTTP/2.0" || resp.Request.URL.Path != "/home" {
				t.Errorf("after redirect: %q at %s", body, resp.Request.URL)
			}
			mu.Lock()
			home := seen[len(seen)-1]
			mu.Unlock()
			if got := home.Get("Cookie"); !strings.Contains(got, "sess=s1") || !strings.Contains(got, "pref=1") {
				t.Errorf("cookies on the redirect: %q", got)
			}
			for k, want := range map[string]string{
				"User-Agent":         DefaultUserAgent,
				"Sec-Ch-Ua":          `"Not(A:Brand";v="99", "Google Chrome";v="133", "Chromium";v="133"`,
				"Sec-Ch-Ua-Platform": `"Windows"`,
				"Sec-Fetch-Mode":     "navigate",
			} {
				if got := home.Get(k); got != want {
					t.Errorf("%s = %q, want %q", k, got, want)
				}
			}
			resp, err = get(t, c, srv.URL+"/gz")
			if err != nil {
				t.Fatal(err)
			}
			body, _ = io.ReadAll(resp.Body)
			resp.Body.Close()
			if string(body) != "<html>zipped page</html>" || resp.Header.Get("Content-Encoding") != "" {
				t.Errorf("gzip body %q, encoding %q", body, resp.Header.Get("Content-Encoding"))
			}
			req, _ := http.NewRequestWithContext(WithoutRedirects(t.Context()), http.MethodGet, srv.URL+"/login", nil)
			resp, err = c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "/home" {
				t.Errorf("no-follow: %d %q", resp.StatusCode, resp.Header.Get("Location"))
			}
		})
	}
}

func TestTransportRetriesAndRateLimit(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr, func(t *testing.T) {
			var calls atomic.Int32
			srv, pool := tlsServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if calls.Add(1) <= 2 {
					w.WriteHeader(http.StatusServiceUnavailable)
					return
				}
				io.WriteString(w, "ok")
			}))
			rec := &sleepRecorder{}
			c := New(Options{Transport: tr, RootCAs: pool, Sleep: rec.sleep, BackoffBase: time.Millisecond, RateLimit: RateLimit{PerSecond: -1}})
			resp, err := get(t, c, srv.URL+"/")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != 200 || calls.Load() != 3 || len(rec.delays) != 2 {
				t.Errorf("status %d after %d calls, %d sleeps", resp.StatusCode, calls.Load(), len(rec.delays))
			}
			limited := New(Options{Transport: tr, RootCAs: pool, RateLimit: RateLimit{PerSecond: 0.001, Burst: 1}})
			resp, err = get(t, limited, srv.URL+"/")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
			defer cancel()
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/", nil)
			if _, err := limited.Do(req); err == nil || !strings.Contains(err.Error(), "rate limit 127.0.0.1") {
				t.Errorf("second request: %v, want rate limit error", err)
			}
		})
	}
}

func TestTransportStallTimeout(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr, func(t *testing.T) {
			release := make(chan struct{})
			srv, pool := tlsServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				switch r.URL.Path {
				case "/stall-headers":
				case "/stall-body":
					w.Write([]byte("first"))
					w.(http.Flusher).Flush()
				case "/flowing":
					// 10 gaps of 150 ms: twice the stall timeout in all,
					// no gap near it (a loaded machine has slack).
					for i := range 10 {
						w.Write([]byte{byte('a' + i)})
						w.(http.Flusher).Flush()
						time.Sleep(150 * time.Millisecond)
					}
					return
				}
				select {
				case <-release:
				case <-r.Context().Done():
				}
			}))
			defer close(release)
			c := New(Options{Transport: tr, RootCAs: pool, Timeout: 750 * time.Millisecond, Retries: -1, RateLimit: RateLimit{PerSecond: -1}})
			if _, err := get(t, c, srv.URL+"/stall-headers"); err == nil || !strings.Contains(err.Error(), "no progress") {
				t.Errorf("stalled headers: err %v", err)
			}
			resp, err := get(t, c, srv.URL+"/stall-body")
			if err != nil {
				t.Fatal(err)
			}
			_, err = io.ReadAll(resp.Body)
			resp.Body.Close()
			if err == nil {
				t.Errorf("stalled body read must fail")
			}
			resp, err = get(t, c, srv.URL+"/flowing")
			if err != nil {
				t.Fatal(err)
			}
			body, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil || string(body) != "abcdefghij" {
				t.Errorf("flowing body cut off: %q %v", body, err)
			}
		})
	}
}

func TestTransportRangeResume(t *testing.T) {
	media := bytes.Repeat([]byte("0123456789abcdef"), 64<<10) // 1 MiB
	for _, tr := range transports {
		t.Run(tr, func(t *testing.T) {
			srv, pool := tlsServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if enc := r.Header.Get("Accept-Encoding"); strings.Contains(enc, "gzip") {
					t.Errorf("range request offered compression: %q", enc)
				}
				w.Header().Set("Content-Type", "video/mp4")
				http.ServeContent(w, r, "a.mp4", time.Unix(0, 0), bytes.NewReader(media))
			}))
			c := New(Options{Transport: tr, RootCAs: pool, RateLimit: RateLimit{PerSecond: -1}})
			req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL+"/a.mp4", nil)
			req.Header.Set("Range", "bytes=1000-")
			resp, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil || resp.StatusCode != http.StatusPartialContent || !bytes.Equal(got, media[1000:]) {
				t.Fatalf("status %d, %d bytes, err %v", resp.StatusCode, len(got), err)
			}
			if resp.ContentLength != int64(len(media)-1000) || resp.Header.Get("Content-Range") != "bytes 1000-1048575/1048576" {
				t.Errorf("length %d, range %q", resp.ContentLength, resp.Header.Get("Content-Range"))
			}
		})
	}
}

// connectProxy is an HTTP CONNECT proxy that sends every tunnel to target
// and records the authorities it was asked for.
func connectProxy(t *testing.T, target string) (*httptest.Server, func() []string) {
	var mu sync.Mutex
	var asked []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodConnect {
			http.Error(w, "CONNECT only", http.StatusMethodNotAllowed)
			return
		}
		mu.Lock()
		asked = append(asked, r.Host)
		mu.Unlock()
		up, err := net.Dial("tcp", target)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		w.WriteHeader(http.StatusOK)
		conn, buf, err := w.(http.Hijacker).Hijack()
		if err != nil {
			up.Close()
			return
		}
		go func() { io.Copy(up, buf); up.Close() }()
		io.Copy(conn, up)
		conn.Close()
	}))
	t.Cleanup(srv.Close)
	return srv, func() []string { mu.Lock(); defer mu.Unlock(); return append([]string(nil), asked...) }
}

func TestTransportProxies(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr, func(t *testing.T) {
			origin, pool := tlsServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				io.WriteString(w, "origin saw "+r.Host)
			}))
			port := origin.Listener.Addr().(*net.TCPAddr).Port
			// example.com is on httptest's certificate; only the proxy
			// knows where it is.
			target := "example.com:" + itoa(port)
			hp, asked := connectProxy(t, origin.Listener.Addr().String())
			socks := startSOCKS5(t, origin.Listener.Addr().String())
			for name, proxy := range map[string]string{"http": hp.URL, "socks5h": "socks5h://" + socks.ln.Addr().String()} {
				c := New(Options{Transport: tr, RootCAs: pool, Proxy: proxy, DNS: DNSDoH, Timeout: 3 * time.Second, Retries: -1, RateLimit: RateLimit{PerSecond: -1}})
				resp, err := get(t, c, "https://"+target+"/")
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				c.CloseIdleConnections() // the fake proxies wait for their tunnels
				if string(body) != "origin saw "+target {
					t.Errorf("%s: body %q", name, body)
				}
			}
			if got := asked(); len(got) != 1 || got[0] != target {
				t.Errorf("CONNECT asked for %v", got)
			}
			socks.mu.Lock()
			defer socks.mu.Unlock()
			if len(socks.asked) != 1 || socks.asked[0] != target {
				t.Errorf("socks asked for %v", socks.asked)
			}
		})
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// TestFingerprintGate is the point of the chrome transport: a gate that
// refuses ClientHellos without GREASE refuses Go's TLS stack and lets the
// chrome transport through, over HTTP/2.
func TestFingerprintGate(t *testing.T) {
	gate, err := tlsgate.New(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "welcome "+r.Proto+" "+r.Header.Get("Sec-Ch-Ua-Mobile"))
	}), tlsgate.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer gate.Close()
	tests := []struct {
		transport  string
		wantStatus int
		wantBody   string
	}{
		{TransportStandard, http.StatusForbidden, ""},
		{TransportChrome, http.StatusOK, "welcome HTTP/2.0 ?0"},
	}
	for _, tt := range tests {
		t.Run(tt.transport, func(t *testing.T) {
			c := New(Options{Transport: tt.transport, RootCAs: gate.CertPool(), Retries: -1, RateLimit: RateLimit{PerSecond: -1}})
			resp, err := get(t, c, gate.URL+"/anime/stream/demo")
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tt.wantStatus || (tt.wantBody != "" && string(body) != tt.wantBody) {
				t.Errorf("status %d body %q", resp.StatusCode, body)
			}
			// Over TCP Chrome offers h2 and http/1.1, never h3.
			if h := gate.LastHello(); tt.transport == TransportChrome && (!h.GREASE || strings.Join(h.ALPN, ",") != "h2,http/1.1") {
				t.Errorf("ClientHello %+v", h)
			}
		})
	}
}

func TestInsecureOnlyForListedIPs(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr, func(t *testing.T) {
			srv, _ := tlsServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				io.WriteString(w, "origin for "+r.Host)
			}))
			port := itoa(srv.Listener.Addr().(*net.TCPAddr).Port)
			strict := New(Options{Transport: tr, Retries: -1, RateLimit: RateLimit{PerSecond: -1}})
			if _, err := get(t, strict, srv.URL); err == nil {
				t.Fatal("an untrusted certificate was accepted")
			}
			c := New(Options{Transport: tr, InsecureHosts: []string{"127.0.0.1"}, Retries: -1, RateLimit: RateLimit{PerSecond: -1}})
			req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL+"/", nil)
			req.Host = "aniworld.to"
			resp, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if string(body) != "origin for aniworld.to" {
				t.Errorf("body %q", body)
			}
			if _, err := get(t, c, "https://localhost:"+port+"/"); err == nil {
				t.Error("a name got the IP's exemption")
			}
		})
	}
	if err := (Options{InsecureHosts: []string{"aniworld.to"}}).Validate(); err == nil {
		t.Error("a host name was accepted as insecure host")
	}
}

func TestTransportOptionValidated(t *testing.T) {
	for _, o := range []Options{{Transport: "curl"}, {DNS: "udp"}, {DoHProviders: []DoHProvider{{URL: "ftp://x"}}}} {
		if err := o.Validate(); err == nil {
			t.Errorf("%+v accepted", o)
		}
		if _, err := get(t, New(o), "http://127.0.0.1:1/"); err == nil || errors.Is(err, context.Canceled) {
			t.Errorf("%+v: Do did not report the config error: %v", o, err)
		}
	}
}

// TestChromeHeaderOrder reads the raw HTTP/1.1 request the chrome
// transport writes (the server offers no h2) and checks Chrome 133's
// header order and values.
func TestChromeHeaderOrder(t *testing.T) {
	srv := httptest.NewUnstartedServer(nil)
	srv.StartTLS() // only for its certificate
	srv.Close()
	cert := srv.TLS.Certificates[0]
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{cert}, NextProtos: []string{"http/1.1"}})
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	head := make(chan []string, 1)
	go func() {
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		defer conn.Close()
		br := bufio.NewReader(conn)
		var lines []string
		for {
			line, err := br.ReadString('\n')
			line = strings.TrimRight(line, "\r\n")
			if err != nil || line == "" {
				break
			}
			lines = append(lines, line)
		}
		head <- lines
		io.WriteString(conn, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
	}()
	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	c := New(Options{Transport: TransportChrome, RootCAs: pool, Cookie: "a=1", CookieHosts: []string{"127.0.0.1"}, RateLimit: RateLimit{PerSecond: -1}})
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, "https://"+ln.Addr().String()+"/anime/stream/demo", nil)
	req.Header.Set("Referer", "https://"+ln.Addr().String()+"/")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	lines := <-head
	var names []string
	for _, l := range lines[1:] {
		k, _, _ := strings.Cut(l, ":")
		names = append(names, strings.ToLower(k))
	}
	want := []string{"host", "sec-ch-ua", "sec-ch-ua-mobile", "sec-ch-ua-platform", "upgrade-insecure-requests",
		"user-agent", "accept", "sec-fetch-site", "sec-fetch-mode", "sec-fetch-user", "sec-fetch-dest", "referer",
		"accept-encoding", "accept-language", "cookie", "priority"}
	if strings.Join(names, ",") != strings.Join(want, ",") {
		t.Errorf("header order\n got %v\nwant %v", names, want)
	}
	if !slices.ContainsFunc(lines, func(l string) bool { return strings.EqualFold(l, "accept-encoding: gzip, deflate, br, zstd") }) {
		t.Errorf("accept-encoding not Chrome's: %v", lines)
	}
}

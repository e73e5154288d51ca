package httpclient

import (
	"encoding/binary"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
)

// socks5Server is a minimal no-auth SOCKS5 proxy that sends every CONNECT
// to target and records the requested address.
type socks5Server struct {
	ln     net.Listener
	target string
	wg     sync.WaitGroup
	mu     sync.Mutex
	asked  []string
}

func startSOCKS5(t *testing.T, target string) *socks5Server {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &socks5Server{ln: ln, target: target}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.wg.Add(1)
			go func() {
				defer s.wg.Done()
				s.serve(c)
			}()
		}
	}()
	t.Cleanup(func() { ln.Close(); s.wg.Wait() })
	return s
}

func (s *socks5Server) serve(c net.Conn) {
	defer c.Close()
	hdr := make([]byte, 2)
	if _, err := io.ReadFull(c, hdr); err != nil || hdr[0] != 5 {
		return
	}
	if _, err := io.ReadFull(c, make([]byte, hdr[1])); err != nil {
		return
	}
	c.Write([]byte{5, 0})
	req := make([]byte, 4)
	if _, err := io.ReadFull(c, req); err != nil || req[1] != 1 {
		return
	}
	var host string
	switch req[3] {
	case 1:
		b := make([]byte, 4)
		io.ReadFull(c, b)
		host = net.IP(b).String()
	case 3:
		n := make([]byte, 1)
		io.ReadFull(c, n)
		b := make([]byte, n[0])
		io.ReadFull(c, b)
		host = string(b)
	default:
		return
	}
	pb := make([]byte, 2)
	io.ReadFull(c, pb)
	s.mu.Lock()
	s.asked = append(s.asked, net.JoinHostPort(host, strconv.Itoa(int(binary.BigEndian.Uint16(pb)))))
	s.mu.Unlock()
	up, err := net.Dial("tcp", s.target)
	if err != nil {
		c.Write([]byte{5, 5, 0, 1, 0, 0, 0, 0, 0, 0})
		return
	}
	defer up.Close()
	c.Write([]byte{5, 0, 0, 1, 0, 0, 0, 0, 0, 0})
	done := make(chan struct{})
	go func() {
		io.Copy(up, c)
		up.(*net.TCPConn).CloseWrite()
		close(done)
	}()
	io.Copy(c, up)
	c.Close()
	<-done
}

func TestSOCKS5Proxy(t *testing.T) {
	origin := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "origin saw "+r.Host)
	}))
	defer origin.Close()
	proxy := startSOCKS5(t, origin.Listener.Addr().String())
	tests := []struct {
		scheme    string
		wantAsked string // socks5h lets the proxy resolve names
	}{
		{"socks5h", "aniworld.invalid:80"},
	}
	for _, tt := range tests {
		t.Run(tt.scheme, func(t *testing.T) {
			c := New(Options{Proxy: tt.scheme + "://" + proxy.ln.Addr().String(), RateLimit: RateLimit{PerSecond: -1}})
			req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, "http://aniworld.invalid/", nil)
			req.Close = true
			resp, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if string(body) != "origin saw aniworld.invalid" {
				t.Errorf("body %q", body)
			}
			proxy.mu.Lock()
			defer proxy.mu.Unlock()
			if len(proxy.asked) != 1 || proxy.asked[0] != tt.wantAsked {
				t.Errorf("proxy asked for %v, want %s", proxy.asked, tt.wantAsked)
			}
		})
	}
}

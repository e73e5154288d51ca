package httpclient

import (
	"bufio"
	"context"
	"crypto/tls"
	"encoding/base64"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"time"

	"golang.org/x/net/proxy"
)

// proxyDialer builds the dialer the chrome transport tunnels through for
// the proxy at raw: SOCKS5 via x/net/proxy, HTTP(S) proxies via CONNECT.
// Either way the proxy resolves the target's name.
func proxyDialer(raw string, fwd *net.Dialer, tlsOpts transportTLSOpts) (proxy.ContextDialer, error) {
	u, err := parseProxy(raw)
	if err != nil {
		return nil, err
	}
	switch u.Scheme {
	case "socks5", "socks5h":
		d, err := proxy.FromURL(u, fwd)
		if err != nil {
			return nil, err
		}
		cd, ok := d.(proxy.ContextDialer)
		if !ok {
			return nil, fmt.Errorf("socks5 dialer without context support")
		}
		return cd, nil
	}
	return &connectDialer{proxy: u, fwd: fwd, tls: tlsOpts}, nil
}

// connectDialer opens tunnels with HTTP CONNECT.
type connectDialer struct {
	proxy *url.URL
	fwd   *net.Dialer
	tls   transportTLSOpts
}

// Dial is DialContext without a context.
func (d *connectDialer) Dial(network, addr string) (net.Conn, error) {
	return d.DialContext(context.Background(), network, addr)
}

// DialContext connects to the proxy and asks it for a tunnel to addr.
func (d *connectDialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	hostport := d.proxy.Host
	if d.proxy.Port() == "" {
		port := "80"
		if d.proxy.Scheme == "https" {
			port = "443"
		}
		hostport = net.JoinHostPort(d.proxy.Hostname(), port)
	}
	conn, err := d.fwd.DialContext(ctx, "tcp", hostport)
	if err != nil {
		return nil, fmt.Errorf("proxy %s: %w", d.proxy.Host, err)
	}
	if d.proxy.Scheme == "https" {
		tc := tls.Client(conn, &tls.Config{ServerName: d.proxy.Hostname(), RootCAs: d.tls.roots})
		if err := tc.HandshakeContext(ctx); err != nil {
			conn.Close()
			return nil, fmt.Errorf("proxy %s: %w", d.proxy.Host, err)
		}
		conn = tc
	}
	deadline := time.Now().Add(30 * time.Second)
	if dl, ok := ctx.Deadline(); ok && dl.Before(deadline) {
		deadline = dl
	}
	_ = conn.SetDeadline(deadline)
	req := &http.Request{Method: http.MethodConnect, URL: &url.URL{Opaque: addr}, Host: addr, Header: http.Header{}}
	if u := d.proxy.User; u != nil {
		pw, _ := u.Password()
		req.Header.Set("Proxy-Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(u.Username()+":"+pw)))
	}
	if err := req.Write(conn); err != nil {
		conn.Close()
		return nil, fmt.Errorf("proxy %s: %w", d.proxy.Host, err)
	}
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, req)
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("proxy %s: %w", d.proxy.Host, err)
	}
	// The body of a CONNECT answer is the tunnel: never read or close it.
	if resp.StatusCode != http.StatusOK {
		conn.Close()
		return nil, fmt.Errorf("proxy %s refused the tunnel to %s: %s", d.proxy.Host, addr, resp.Status)
	}
	_ = conn.SetDeadline(time.Time{})
	if br.Buffered() > 0 {
		return &bufferedConn{Conn: conn, r: br}, nil
	}
	return conn, nil
}

// bufferedConn hands out bytes the CONNECT reader already buffered.
type bufferedConn struct {
	net.Conn
	r *bufio.Reader
}

func (c *bufferedConn) Read(p []byte) (int, error) { return c.r.Read(p) }

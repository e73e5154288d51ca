// Package tlsgate is a local stand-in for the TLS fingerprint gate in front
// of aniworld.to since August 2026: an HTTPS server with its own test CA
// that answers 403 to a ClientHello without GREASE values (Go's crypto/tls,
// curl, Python's ssl) and hands Chrome-like ones (GREASE in the cipher
// suites, the supported groups and the extensions) to the wrapped handler.
//
// Its certificate is valid for 127.0.0.1, ::1, localhost and any names the
// caller adds; CertPool holds the CA to trust.
package tlsgate

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"sync"
	"time"
)

// Gate is a running HTTPS gate.
type Gate struct {
	// URL is https://127.0.0.1:<port>.
	URL  string
	ln   net.Listener
	srv  *http.Server
	pool *x509.CertPool
	ca   *x509.Certificate
	leaf *x509.Certificate

	mu      sync.Mutex
	conns   map[string]Hello // by remote address
	last    Hello
	passed  int
	refused int
}

// Hello is what the gate saw of one ClientHello.
type Hello struct {
	GREASE bool     // GREASE in cipher suites, groups and extensions
	ALPN   []string // offered protocols
}

// Options configure a Gate.
type Options struct {
	// Names are extra DNS names on the certificate ("aniworld.to").
	Names []string
	// Addr is the listen address; default 127.0.0.1:0.
	Addr string
}

// New starts a gate in front of h.
func New(h http.Handler, o Options) (*Gate, error) {
	ca, cert, err := issue(o.Names)
	if err != nil {
		return nil, err
	}
	addr := o.Addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	leaf, err := x509.ParseCertificate(cert.Certificate[0])
	if err != nil {
		ln.Close()
		return nil, err
	}
	pool := x509.NewCertPool()
	pool.AddCert(ca)
	g := &Gate{URL: "https://" + ln.Addr().String(), ln: ln, pool: pool, ca: ca, leaf: leaf, conns: map[string]Hello{}}
	cfg := &tls.Config{
		Certificates: []tls.Certificate{cert},
		NextProtos:   []string{"h2", "http/1.1"},
		GetConfigForClient: func(hi *tls.ClientHelloInfo) (*tls.Config, error) {
			h := Hello{GREASE: chromeLike(hi), ALPN: hi.SupportedProtos}
			g.mu.Lock()
			g.conns[hi.Conn.RemoteAddr().String()] = h
			g.last = h
			g.mu.Unlock()
			return nil, nil
		},
	}
	g.srv = &http.Server{
		Handler:           g.gate(h),
		TLSConfig:         cfg,
		ReadHeaderTimeout: 10 * time.Second,
		ConnState: func(c net.Conn, s http.ConnState) {
			if s == http.StateClosed || s == http.StateHijacked {
				g.mu.Lock()
				delete(g.conns, c.RemoteAddr().String())
				g.mu.Unlock()
			}
		},
	}
	go g.srv.ServeTLS(ln, "", "") //nolint:errcheck // ends with Close
	return g, nil
}

// gate refuses requests that arrived over a connection without GREASE.
func (g *Gate) gate(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		g.mu.Lock()
		hello, ok := g.conns[r.RemoteAddr]
		if ok && hello.GREASE {
			g.passed++
		} else {
			g.refused++
		}
		g.mu.Unlock()
		if !ok || !hello.GREASE {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusForbidden)
			io.WriteString(w, "<html><head><title>403 Forbidden</title></head><body><center><h1>403 Forbidden</h1></center></body></html>")
			return
		}
		h.ServeHTTP(w, r)
	})
}

// Counts answers how many requests passed and how many were refused.
func (g *Gate) Counts() (passed, refused int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.passed, g.refused
}

// LastHello is what the gate saw of the latest ClientHello.
func (g *Gate) LastHello() Hello {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.last
}

// CA is the gate's certificate authority (add it to a shared pool).
func (g *Gate) CA() *x509.Certificate { return g.ca }

// Leaf is the certificate the gate serves (signed by CA).
func (g *Gate) Leaf() *x509.Certificate { return g.leaf }

// CertPool holds the gate's CA.
func (g *Gate) CertPool() *x509.CertPool { return g.pool }

// Addr is the listen address (127.0.0.1:port).
func (g *Gate) Addr() string { return g.ln.Addr().String() }

// Close stops the gate.
func (g *Gate) Close() error { return g.srv.Close() }

// IsGREASE reports whether v is one of the RFC 8701 reserved values
// 0x0a0a, 0x1a1a, … 0xfafa.
func IsGREASE(v uint16) bool { return v&0x0f0f == 0x0a0a && v>>8 == v&0xff }

// chromeLike reports GREASE in the cipher suites, the supported groups and
// the extensions, as every Chrome since 55 sends.
func chromeLike(hi *tls.ClientHelloInfo) bool {
	has := func(vs []uint16) bool {
		for _, v := range vs {
			if IsGREASE(v) {
				return true
			}
		}
		return false
	}
	curves := make([]uint16, len(hi.SupportedCurves))
	for i, c := range hi.SupportedCurves {
		curves[i] = uint16(c)
	}
	return has(hi.CipherSuites) && has(curves) && has(hi.Extensions)
}

// issue makes a CA and a leaf certificate signed by it.
func issue(names []string) (*x509.Certificate, tls.Certificate, error) {
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, tls.Certificate{}, err
	}
	now := time.Now()
	caTmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "tlsgate test CA"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(24 * time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		return nil, tls.Certificate{}, err
	}
	ca, err := x509.ParseCertificate(caDER)
	if err != nil {
		return nil, tls.Certificate{}, err
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, tls.Certificate{}, err
	}
	leafTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2),
		Subject:      pkix.Name{CommonName: "tlsgate"},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:     append([]string{"localhost"}, names...),
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
	}
	leafDER, err := x509.CreateCertificate(rand.Reader, leafTmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		return nil, tls.Certificate{}, fmt.Errorf("tlsgate: issue leaf: %w", err)
	}
	return ca, tls.Certificate{Certificate: [][]byte{leafDER, caDER}, PrivateKey: key}, nil
}

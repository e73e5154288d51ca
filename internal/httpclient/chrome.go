package httpclient

import (
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	fhttp "github.com/bogdanfinn/fhttp"
	tlsclient "github.com/bogdanfinn/tls-client"
	"github.com/bogdanfinn/tls-client/profiles"
	"golang.org/x/net/proxy"
)

// chromeTransport is an http.RoundTripper that speaks TLS and HTTP/2 the way
// Chrome 133 does: the ClientHello (GREASE, extension order randomised as
// Chrome does, X25519MLKEM768 key share), the HTTP/2 SETTINGS, window update
// and pseudo-header order, and Chrome's request header order. It adapts
// net/http requests to bogdanfinn/fhttp and back; nothing outside this
// package sees tls-client.
//
// Redirects and cookies stay with the net/http Client above it, so the jar,
// the redirect policy and the stall timer work exactly as with the
// standard transport.
type chromeTransport struct {
	hc tlsclient.HttpClient
}

// chromeConfig is what a chromeTransport is built from.
type chromeConfig struct {
	proxy    string           // http(s)/socks5(h) proxy URL or ""
	dial     *dialer          // used when there is no proxy
	insecure bool             // certificate checks off (origin-IP mirrors only)
	tls      transportTLSOpts // roots for tests and private CAs
}

func newChromeTransport(cc chromeConfig) (*chromeTransport, error) {
	idle := 90 * time.Second
	topts := &tlsclient.TransportOptions{
		IdleConnTimeout:     &idle,
		RootCAs:             cc.tls.roots,
		MaxIdleConnsPerHost: 8,
		// Media segments are bulk reads: bigger buffers than fhttp's 4 KiB
		// default halve the syscalls on HTTP/1.1 connections.
		ReadBufferSize:  64 << 10,
		WriteBufferSize: 16 << 10,
	}
	opts := []tlsclient.HttpClientOption{
		tlsclient.WithClientProfile(profiles.Chrome_133),
		// Chrome has shuffled its TLS extensions since version 110.
		tlsclient.WithRandomTLSExtensionOrder(),
		// Over TCP Chrome offers h2 and http/1.1 only; h3 is a QUIC affair.
		tlsclient.WithDisableHttp3(),
		tlsclient.WithNotFollowRedirects(),
		tlsclient.WithTimeoutSeconds(0), // the Client's stall timer bounds every wait
		tlsclient.WithTransportOptions(topts),
	}
	if cc.insecure {
		opts = append(opts, tlsclient.WithInsecureSkipVerify())
	}
	// Our own dialer in every case: tls-client's would put the client
	// timeout (none: downloads may take hours) on the proxy handshake.
	var d proxy.ContextDialer = cc.dial
	if cc.proxy != "" {
		pd, err := proxyDialer(cc.proxy, cc.dial.nd, cc.tls)
		if err != nil {
			return nil, err
		}
		d = pd
	}
	opts = append(opts, tlsclient.WithProxyDialerFactory(func(string, time.Duration, *net.TCPAddr, fhttp.Header, tlsclient.Logger) (proxy.ContextDialer, error) {
		return d, nil
	}))
	hc, err := tlsclient.NewHttpClient(tlsclient.NewNoopLogger(), opts...)
	if err != nil {
		return nil, fmt.Errorf("chrome transport: %w", err)
	}
	return &chromeTransport{hc: hc}, nil
}

// RoundTrip sends req with Chrome's fingerprint and header order.
func (t *chromeTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	freq := &fhttp.Request{
		Method:        req.Method,
		URL:           req.URL,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        chromeHeaders(req),
		Body:          req.Body,
		GetBody:       req.GetBody,
		ContentLength: req.ContentLength,
		Host:          req.Host,
		Close:         req.Close,
	}
	if freq.Method == "" {
		freq.Method = http.MethodGet
	}
	freq = freq.WithContext(req.Context())
	fresp, err := t.hc.Do(freq)
	if err != nil {
		return nil, err
	}
	return fromFHTTP(fresp, req), nil
}

// CloseIdleConnections closes idle pooled connections.
func (t *chromeTransport) CloseIdleConnections() { t.hc.CloseIdleConnections() }

// chromeHeaders copies req's headers, adds the Accept-Encoding Chrome sends
// and the header order of Chrome 133.
func chromeHeaders(req *http.Request) fhttp.Header {
	h := make(fhttp.Header, len(req.Header)+2)
	for k, v := range req.Header {
		h[k] = v
	}
	if req.Header.Get("Accept-Encoding") == "" {
		if req.Header.Get("Range") != "" {
			// Chrome's media requests ask for the raw bytes.
			h.Set("Accept-Encoding", "identity;q=1, *;q=0")
		} else {
			h.Set("Accept-Encoding", chromeAcceptEncoding)
		}
	}
	h[fhttp.HeaderOrderKey] = chromeHeaderOrder
	h[fhttp.PHeaderOrderKey] = chromePseudoOrder
	return h
}

// chromeAcceptEncoding is what Chrome 133 offers; fhttp decodes all four.
const chromeAcceptEncoding = "gzip, deflate, br, zstd"

// chromeHeaderOrder is Chrome 133's order of request headers (lower case,
// as fhttp matches them). Headers not listed follow in sorted order.
var chromeHeaderOrder = []string{
	"host", "connection", "content-length", "pragma", "cache-control",
	"sec-ch-ua", "sec-ch-ua-mobile", "sec-ch-ua-platform",
	"origin", "content-type", "upgrade-insecure-requests", "user-agent",
	"accept", "x-requested-with", "sec-fetch-site", "sec-fetch-mode",
	"sec-fetch-user", "sec-fetch-dest", "referer", "accept-encoding",
	"accept-language", "cookie", "range", "if-range", "priority",
}

var chromePseudoOrder = []string{":method", ":authority", ":scheme", ":path"}

// fromFHTTP converts an fhttp response back. HTTP/2 responses are decoded
// by fhttp without clearing the headers that describe the encoded body;
// they are cleared here as net/http does, and the length is restored for
// identity bodies (resume with Range relies on it).
func fromFHTTP(fr *fhttp.Response, req *http.Request) *http.Response {
	resp := &http.Response{
		Status:           fr.Status,
		StatusCode:       fr.StatusCode,
		Proto:            fr.Proto,
		ProtoMajor:       fr.ProtoMajor,
		ProtoMinor:       fr.ProtoMinor,
		Header:           http.Header(fr.Header),
		Body:             fr.Body,
		ContentLength:    fr.ContentLength,
		TransferEncoding: fr.TransferEncoding,
		Close:            fr.Close,
		Uncompressed:     fr.Uncompressed,
		Trailer:          http.Header(fr.Trailer),
		Request:          req,
		TLS:              nil,
	}
	if resp.Header == nil {
		resp.Header = http.Header{}
	}
	if resp.ProtoMajor == 2 {
		switch strings.ToLower(resp.Header.Get("Content-Encoding")) {
		case "gzip", "br", "zstd", "deflate":
			resp.Header.Del("Content-Encoding")
			resp.Header.Del("Content-Length")
			resp.ContentLength = -1
			resp.Uncompressed = true
		case "", "identity":
			resp.Uncompressed = false
			if n, err := strconv.ParseInt(resp.Header.Get("Content-Length"), 10, 64); err == nil && n >= 0 {
				resp.ContentLength = n
			}
		}
	}
	return resp
}

package app

import (
	"crypto/x509"
	"os"
	"strings"

	"github.com/aniworld/aniworld/internal/api"
	"github.com/aniworld/aniworld/internal/browser"
	"github.com/aniworld/aniworld/internal/config"
	"github.com/aniworld/aniworld/internal/httpclient"
)

// networkOptions fills the client options that decide how the sites are
// reached: transport, DNS, DoH providers, the mirrors' origin IPs (the
// only hosts whose certificates are not checked) and the solvers.
func networkOptions(o *httpclient.Options, d config.DownloadConfig, mirrors []*httpclient.Mirrors, solvers []httpclient.Solver) {
	o.Transport = strings.ToLower(d.Transport)
	o.DNS = strings.ToLower(d.DNS)
	var urls []string
	if d.DoHURL != "" {
		urls = append(urls, d.DoHURL)
	}
	urls = append(urls, d.DoHURLs...)
	if len(urls) == 0 {
		o.DoHProviders = httpclient.DefaultDoHProviders
	}
	for _, u := range urls {
		o.DoHProviders = append(o.DoHProviders, httpclient.DoHProvider{URL: u})
	}
	for _, m := range mirrors {
		o.InsecureHosts = append(o.InsecureHosts, m.InsecureHosts()...)
		for _, mi := range m.List() {
			o.CookieHosts = append(o.CookieHosts, mi.Base.Hostname())
		}
	}
	o.Solvers = solvers
}

// trustedRoots is the system's roots plus the PEM file download.ca_file
// names; nil (the system roots) when none is set. An unreadable file is
// logged, not fatal: the server must start.
func (a *App) trustedRoots(file string) *x509.CertPool {
	if file == "" {
		return nil
	}
	pem, err := os.ReadFile(file)
	if err != nil {
		a.log.Warn("download.ca_file unreadable, using the system roots", "file", file, "error", err)
		return nil
	}
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(pem) {
		a.log.Warn("download.ca_file holds no PEM certificate, using the system roots", "file", file)
		return nil
	}
	return pool
}

// siteMirrors is base followed by extra, or by the mirrors known for base
// when extra is empty. A list the config accepted always builds; should it
// not, the site falls back to base alone (the server must start).
func (a *App) siteMirrors(base string, extra []string) *httpclient.Mirrors {
	if len(extra) == 0 {
		extra = httpclient.KnownMirrors(base)
	}
	m, err := httpclient.NewMirrors(append([]string{base}, extra...)...)
	if err == nil {
		return m
	}
	a.log.Warn("mirror list unusable, using the base URL alone", "base", base, "error", err)
	m, err = httpclient.NewMirrors(base)
	if err != nil { // provider_url is validated as an http(s) URL
		m, _ = httpclient.NewMirrors("https://aniworld.to")
	}
	return m
}

// browserSolvers is the browser as the client's first solver when it can
// run; FlareSolverr (download.flaresolverr_url) follows it in the client.
func browserSolvers(b *browser.Browser) []httpclient.Solver {
	if b == nil || b.Available() != nil {
		return nil
	}
	return []httpclient.Solver{b}
}

// mirrorStatus is the diagnostics view of the sites' mirrors.
func (p *providers) mirrorStatus() map[string]httpclient.MirrorStatus {
	out := map[string]httpclient.MirrorStatus{}
	for name, m := range p.mirrors {
		out[name] = m.Status()
	}
	return out
}

// diagnosticsDeps adds the client's and the mirrors' state to d.
func diagnosticsDeps(d api.DiagnosticsDeps, p *providers) api.DiagnosticsDeps {
	if p == nil {
		return d
	}
	d.HTTPClient = p.client.Network
	d.Mirrors = p.mirrorStatus
	return d
}

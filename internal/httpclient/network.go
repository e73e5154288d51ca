package httpclient

// NetworkReport is the diagnostics view of the client's network side.
type NetworkReport struct {
	// Transport is "chrome" or "standard".
	Transport string `json:"transport"`
	// DNS is "doh" or "system" ("system" too when a proxy resolves names).
	DNS string `json:"dns"`
	// DoHProviders are the DoH endpoints in the order they are asked.
	DoHProviders []string `json:"doh_providers,omitempty"`
	// Proxy is true when a proxy is configured (its URL is not shown: it
	// may hold credentials).
	Proxy bool `json:"proxy"`
	// Resolutions is, per host, which resolver answered last.
	Resolutions []Resolution `json:"resolutions"`
	// Solvers are the challenge solvers in the order they are tried.
	Solvers []string `json:"solvers"`
	// Solves is the last solve attempt per host.
	Solves map[string]SolveEvent `json:"solves"`
}

// Network answers the client's transport, resolver and solver state.
func (c *Client) Network() NetworkReport {
	r := NetworkReport{
		Transport:   c.opts.Transport,
		DNS:         c.dnsMode,
		Proxy:       c.opts.Proxy != "",
		Resolutions: c.dns.list(),
		Solvers:     c.SolverNames(),
		Solves:      c.Solves(),
	}
	for _, p := range c.doh {
		r.DoHProviders = append(r.DoHProviders, p.URL)
	}
	return r
}

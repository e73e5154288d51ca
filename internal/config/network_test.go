package config

import (
	"slices"
	"testing"
)

func TestNetworkSettings(t *testing.T) {
	cases := []struct {
		name  string
		patch string
		field string // "" when valid
	}{
		{"defaults", `{}`, ""},
		{"an older file without the keys", `{"download":{"provider_url":"https://aniworld.to","doh_url":"https://dns.example/dns-query"}}`, ""},
		{"standard transport, system dns", `{"download":{"transport":"standard","dns":"system"}}`, ""},
		{"mirrors and doh urls", `{"download":{"provider_mirrors":["https://aniworld.cc","https://186.2.175.111"],"sto_mirrors":["https://serienstream.cx"],"doh_urls":["https://dns.google/resolve"]}}`, ""},
		{"bad transport", `{"download":{"transport":"curl"}}`, "download.transport"},
		{"bad dns", `{"download":{"dns":"udp"}}`, "download.dns"},
		{"bad doh url", `{"download":{"doh_urls":["dns.google"]}}`, "download.doh_urls[0]"},
		{"mirror with query", `{"download":{"provider_mirrors":["https://aniworld.cc/?x=1"]}}`, "download.provider_mirrors[0]"},
		{"bad sto mirror", `{"download":{"sto_mirrors":["ftp://serienstream.cx"]}}`, "download.sto_mirrors[0]"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Merge(Default(), []byte(tc.patch))
			if err != nil {
				t.Fatal(err)
			}
			errs := c.Validate()
			if tc.field == "" {
				if len(errs) > 0 {
					t.Fatalf("unexpected errors: %v", errs)
				}
				return
			}
			if len(errs) != 1 || errs[0].Field != tc.field {
				t.Fatalf("errors %v, want one for %s", errs, tc.field)
			}
		})
	}
	d := Default().Download
	if d.Transport != TransportChrome || d.DNS != DNSDoH || d.ProviderMirrors != nil {
		t.Errorf("defaults %q %q %v", d.Transport, d.DNS, d.ProviderMirrors)
	}
}

func TestNetworkEnvTwins(t *testing.T) {
	env := FromEnv(func(k string) string {
		return map[string]string{
			"ANIWORLD_TRANSPORT": "standard", "ANIWORLD_DNS": "system",
			"ANIWORLD_DOH_URLS":         "https://a.example/dns-query, https://b.example/resolve",
			"ANIWORLD_PROVIDER_MIRRORS": "https://aniworld.cc,https://186.2.175.111",
			"ANIWORLD_STO_MIRRORS":      "https://serienstream.cx",
			"ANIWORLD_CA_FILE":          "/etc/aniworld/ca.pem",
		}[k]
	})
	c := Default()
	env.Apply(&c)
	d := c.Download
	if d.Transport != "standard" || d.DNS != "system" ||
		!slices.Equal(d.DoHURLs, []string{"https://a.example/dns-query", "https://b.example/resolve"}) ||
		!slices.Equal(d.ProviderMirrors, []string{"https://aniworld.cc", "https://186.2.175.111"}) ||
		!slices.Equal(d.STOMirrors, []string{"https://serienstream.cx"}) || d.CAFile != "/etc/aniworld/ca.pem" {
		t.Fatalf("applied %+v", d)
	}
	if errs := c.Validate(); len(errs) > 0 {
		t.Fatal(errs)
	}
	saved := c.Clone()
	env.unapply(&saved, Default())
	sd := saved.Download
	if sd.Transport != TransportChrome || sd.DNS != DNSDoH || sd.DoHURLs != nil || sd.ProviderMirrors != nil || sd.STOMirrors != nil || sd.CAFile != "" {
		t.Fatalf("overrides leak into the file: %+v", sd)
	}
}

package config

import (
	"encoding/json"
	"sort"
	"strings"
)

// Live registers fn to run after every successful update and declares the
// config paths it applies without a restart: dotted JSON paths, where a
// section ("nfo") covers all its fields. RestartRequired names every
// changed path nobody declared, so a new setting is reported as needing a
// restart until the code that applies it says otherwise.
func (m *Manager) Live(paths []string, fn func(old, new AppConfig)) {
	m.mu.Lock()
	m.live = append(m.live, paths...)
	m.subs = append(m.subs, fn)
	m.mu.Unlock()
}

// ReadsLive declares config paths whose users read them afresh on every
// use (Get per request or per download), so a change applies at once
// without a subscriber.
func (m *Manager) ReadsLive(paths ...string) {
	m.mu.Lock()
	m.live = append(m.live, paths...)
	m.mu.Unlock()
}

// inertPaths change nothing at run time: they are only stored and shown.
var inertPaths = []string{"name", "other"}

// RestartRequired lists the changed fields of old -> next (JSON paths,
// e.g. "server.addr", sorted) that no subscriber or reader declared live.
func (m *Manager) RestartRequired(old, next AppConfig) []string {
	m.mu.Lock()
	live := append(append([]string(nil), inertPaths...), m.live...)
	m.mu.Unlock()
	a, b := flatten(old), flatten(next)
	seen := map[string]bool{}
	for k := range a {
		seen[k] = true
	}
	for k := range b {
		seen[k] = true
	}
	var out []string
	for k := range seen {
		if a[k] == b[k] || covered(k, live) {
			continue
		}
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func covered(path string, live []string) bool {
	for _, p := range live {
		if path == p || strings.HasPrefix(path, p+".") {
			return true
		}
	}
	return false
}

// flatten maps each leaf of the document to its JSON text, keyed by the
// dotted path of its section and field (arrays and "other" are one leaf).
func flatten(c AppConfig) map[string]string {
	raw, _ := json.Marshal(c)
	var m map[string]any
	_ = json.Unmarshal(raw, &m)
	out := map[string]string{}
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		if mm, ok := v.(map[string]any); ok && prefix != "other" {
			for k, vv := range mm {
				p := k
				if prefix != "" {
					p = prefix + "." + k
				}
				walk(p, vv)
			}
			return
		}
		b, _ := json.Marshal(v)
		out[prefix] = string(b)
	}
	walk("", m)
	return out
}

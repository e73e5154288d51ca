package doctor

import (
	"errors"
	"testing"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/provider"
)

// namedSite is a provider that only has a name (SitesOf runs nothing).
type namedSite struct {
	provider.Provider
	name string
}

func (n namedSite) Site() string { return n.name }

func TestSitesOf(t *testing.T) {
	reg := provider.NewRegistry(namedSite{name: "aniworld.to"}, namedSite{name: "s.to"})
	tests := []struct {
		name, site string
		probe      Probe
		want       []string
		wantKey    string
		err        error
	}{
		{"every site", "", Probe{Season: -1}, []string{"aniworld.to", "s.to"}, DefaultProbes["aniworld.to"].Key, nil},
		{"one site, key overridden", "S.TO", Probe{Key: "demo", Season: -1}, []string{"s.to"}, "demo", nil},
		{"unknown site", "nowhere.example", Probe{}, nil, "", anime.ErrNotFound},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := SitesOf(reg, tc.site, tc.probe)
			if !errors.Is(err, tc.err) || len(got) != len(tc.want) {
				t.Fatalf("%v, %v", got, err)
			}
			for i, s := range got {
				if s.Provider.Site() != tc.want[i] {
					t.Errorf("site %d: %s, want %s", i, s.Provider.Site(), tc.want[i])
				}
			}
			if len(got) > 0 && got[0].Probe.Key != tc.wantKey {
				t.Errorf("probe key %q, want %q", got[0].Probe.Key, tc.wantKey)
			}
		})
	}
}

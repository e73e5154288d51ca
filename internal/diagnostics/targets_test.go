package diagnostics

import (
	"sort"
	"testing"

	"github.com/aniworld/aniworld/internal/config"
)

func TestDiagnosticTargets(t *testing.T) {
	c := config.Default()
	got := Targets(c, DefaultHosterHosts)
	want := append([]string{"https://aniworld.to", "https://serienstream.to", "https://api.themoviedb.org/3"}, DefaultHosterHosts...)
	if len(got) != len(want) {
		t.Fatalf("%v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("%v", got)
		}
	}
	// A config from before serienstream (sto_url https://s.to) checks the
	// site's new address, never the dead name.
	old := config.Default()
	old.Download.STOURL = "https://s.to"
	if got := Targets(old, nil); got[1] != "https://serienstream.to" {
		t.Errorf("legacy sto_url: %v", got)
	}
	c.Other = map[string]any{"diagnostics_hosts": []any{"https://mirror.example", 5, ""}}
	got = Targets(c, DefaultHosterHosts)
	sort.Strings(got)
	if len(got) != 4 || got[2] != "https://mirror.example" {
		t.Fatalf("%v", got)
	}
}

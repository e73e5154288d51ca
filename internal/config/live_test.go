package config

import (
	"path/filepath"
	"slices"
	"testing"
)

func TestRestartRequiredFollowsDeclarations(t *testing.T) {
	base := Default()
	base.DataDir = t.TempDir()
	m := NewManager(filepath.Join(base.DataDir, "config.json"), base, Overrides{})
	applied := 0
	m.Live([]string{"nfo"}, func(old, new AppConfig) { applied++ })
	m.ReadsLive("download.hoster_order")
	m.Subscribe(func(old, new AppConfig) {}) // declares nothing

	next := base.Clone()
	next.Name = "renamed"                                // inert
	next.NFO.AutoCreate = !base.NFO.AutoCreate           // covered by the "nfo" section
	next.Download.HosterOrder = []string{"Vidoza"}       // read live
	next.Download.LanguageOrder = []string{"German Sub"} // nobody declared it
	next.Server.Addr = "127.0.0.1:1"                     // nobody declared it
	got := m.RestartRequired(base, next)
	want := []string{"download.language_order", "server.addr"}
	if !slices.Equal(got, want) {
		t.Fatalf("RestartRequired = %v, want %v", got, want)
	}
	if got := m.RestartRequired(base, base.Clone()); len(got) != 0 {
		t.Fatalf("no change reported %v", got)
	}
	if _, err := m.Update(func(c *AppConfig) error { c.NFO.AutoCreate = true; return nil }); err != nil {
		t.Fatal(err)
	}
	if applied != 1 {
		t.Fatalf("Live subscriber ran %d times, want 1", applied)
	}
}

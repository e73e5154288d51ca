package provider_test

import (
	"reflect"
	"testing"

	"github.com/aniworld/aniworld/internal/config"
	"github.com/aniworld/aniworld/internal/provider"
)

// An external test package: config imports library, which imports
// provider's link grammar.

// TestConfigDefaultHosterOrder: a fresh config carries the 2026 order; a
// config that names its own order keeps it (only the default changed).
func TestConfigDefaultHosterOrder(t *testing.T) {
	if got := config.Default().Download.HosterOrder; !reflect.DeepEqual(got, provider.DefaultHosterOrder()) {
		t.Fatalf("config default %v, provider default %v", got, provider.DefaultHosterOrder())
	}
	c, err := config.Merge(config.Default(), []byte(`{"download":{"hoster_order":["VOE","Filemoon","Vidoza"]}}`))
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Download.HosterOrder; !reflect.DeepEqual(got, []string{"VOE", "Filemoon", "Vidoza"}) {
		t.Fatalf("user order replaced: %v", got)
	}
}

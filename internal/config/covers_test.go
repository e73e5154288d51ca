package config

import "testing"

func TestCoversCacheSize(t *testing.T) {
	tests := []struct {
		mb    int
		bytes int64
		valid bool
	}{
		{0, DefaultCoverCacheMB << 20, true},
		{1, 1 << 20, true},
		{500, 500 << 20, true},
		{-1, DefaultCoverCacheMB << 20, false},
		{1_000_001, 1_000_001 << 20, false},
	}
	for _, tt := range tests {
		c := Default()
		c.Covers.CacheMB = tt.mb
		errs := c.Validate()
		found := false
		for _, e := range errs {
			found = found || e.Field == "covers.cache_mb"
		}
		if found == tt.valid {
			t.Errorf("cache_mb %d: errors %v, want valid=%v", tt.mb, errs, tt.valid)
		}
		if got := c.Covers.CacheBytes(); got != tt.bytes {
			t.Errorf("cache_mb %d: %d bytes, want %d", tt.mb, got, tt.bytes)
		}
	}
	if Default().Covers.CacheMB != DefaultCoverCacheMB {
		t.Error("default cache size")
	}
}

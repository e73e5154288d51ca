package config

// CoversConfig is covers: the web UI's cover cache in <data_dir>/covers.
type CoversConfig struct {
	// CacheMB caps the cache; the least recently shown covers go first.
	// 0 means the default (200).
	CacheMB int `json:"cache_mb"`
}

// DefaultCoverCacheMB is covers.cache_mb's default.
const DefaultCoverCacheMB = 200

// CacheBytes is the effective cap in bytes.
func (c CoversConfig) CacheBytes() int64 {
	if c.CacheMB <= 0 {
		return DefaultCoverCacheMB << 20
	}
	return int64(c.CacheMB) << 20
}

func validateCovers(c CoversConfig, add func(field, format string, args ...any)) {
	if c.CacheMB < 0 || c.CacheMB > 1_000_000 {
		add("covers.cache_mb", "must be between 0 (default) and 1000000")
	}
}

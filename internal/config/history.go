package config

// HistoryConfig is the retention of the download history (GET
// /api/history): entries older than RetentionDays, and beyond the newest
// MaxEntries, are pruned hourly. 0 turns a limit off.
type HistoryConfig struct {
	RetentionDays int `json:"retention_days"`
	MaxEntries    int `json:"max_entries"`
}

// History retention defaults (README "Configuration").
const (
	DefaultHistoryRetentionDays = 90
	DefaultHistoryMaxEntries    = 10000
)

func defaultHistory() HistoryConfig {
	return HistoryConfig{RetentionDays: DefaultHistoryRetentionDays, MaxEntries: DefaultHistoryMaxEntries}
}

// validateHistory checks the history section.
func (c AppConfig) validateHistory(add func(field, format string, args ...any)) {
	if d := c.History.RetentionDays; d < 0 || d > 36500 {
		add("history.retention_days", "must be between 0 (keep) and 36500")
	}
	if n := c.History.MaxEntries; n < 0 || n > 10_000_000 {
		add("history.max_entries", "must be between 0 (no limit) and 10000000")
	}
}

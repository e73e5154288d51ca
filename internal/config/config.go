// Package config holds the AppConfig document (GET/PUT /api/config), its defaults
// and validation, loading with the precedence file < environment < flags,
// and atomic saving.
package config

import (
	"encoding/json"
	"path/filepath"
)

// AppConfig is the document GET /api/config returns and config.json holds.
// Secrets that belong to access control (password hash, JWT secret) never
// live here.
type AppConfig struct {
	Name           string          `json:"name"`
	DataDir        string          `json:"data_dir"`
	AnimeDirectory string          `json:"anime_directory"`
	Server         ServerConfig    `json:"server"`
	Scheduler      SchedulerConfig `json:"scheduler"`
	Logging        LoggingConfig   `json:"logging"`
	Backup         BackupConfig    `json:"backup"`
	Security       SecurityConfig  `json:"security"`
	Download       DownloadConfig  `json:"download"`
	Advanced       AdvancedConfig  `json:"advanced"`
	NFO            NFOConfig       `json:"nfo"`
	// Monitor, Notifications and MediaServers: see automation.go.
	Monitor       MonitorConfig       `json:"monitor"`
	Notifications NotificationsConfig `json:"notifications"`
	MediaServers  []MediaServer       `json:"media_servers"`
	Covers        CoversConfig        `json:"covers"`  // covers.go
	History       HistoryConfig       `json:"history"` // history.go
	Other         map[string]any      `json:"other"`
}

// ServerConfig configures the HTTP listener.
type ServerConfig struct {
	Addr         string `json:"addr"`
	MaxBodyBytes int64  `json:"max_body_bytes"`
	// MetricsToken, when set, also grants access to GET /metrics (secret).
	MetricsToken string `json:"metrics_token,omitempty"`
}

// SchedulerConfig configures the periodic library rescan.
type SchedulerConfig struct {
	Enabled             bool `json:"enabled"`
	IntervalMinutes     int  `json:"interval_minutes"`
	AutoDownloadMissing bool `json:"auto_download_missing"`
}

// LoggingConfig configures the log level and the optional rotating file.
// File is relative to the data directory unless absolute.
type LoggingConfig struct {
	Level       string  `json:"level"`
	File        *string `json:"file"`
	MaxBytes    *int64  `json:"max_bytes"`
	BackupCount int     `json:"backup_count"`
}

// BackupConfig configures config backups. Path is relative to the data
// directory unless absolute.
type BackupConfig struct {
	Enabled  bool   `json:"enabled"`
	Path     string `json:"path"`
	KeepDays int    `json:"keep_days"`
	// MaxCount bounds the automatic backups kept (newest first); older
	// ones and those past KeepDays are pruned after every new one.
	MaxCount int `json:"max_count"`
}

// SecurityConfig configures sessions, lockout and rate limits.
type SecurityConfig struct {
	SessionTimeoutHours int      `json:"session_timeout_hours"`
	RememberDays        int      `json:"remember_days"`
	LockoutAttempts     int      `json:"lockout_attempts"`
	LockoutMinutes      int      `json:"lockout_minutes"`
	AuthRateLimit       int      `json:"auth_rate_limit_per_minute"`
	OriginRateLimit     int      `json:"origin_rate_limit_per_minute"`
	AllowedOrigins      []string `json:"allowed_origins"`
	TrustedProxies      []string `json:"trusted_proxies"`
}

// DownloadConfig configures the provider client, stream choice and queue.
type DownloadConfig struct {
	MaxConcurrentDownloads int      `json:"max_concurrent_downloads"`
	ProviderTimeout        int      `json:"provider_timeout"`
	MaxRetries             int      `json:"max_retries"`
	LanguageOrder          []string `json:"language_order"`
	HosterOrder            []string `json:"hoster_order"`
	DownloadDir            string   `json:"download_dir,omitempty"`
	NamingTemplate         string   `json:"naming_template"`
	ProviderURL            string   `json:"provider_url"`
	STOURL                 string   `json:"sto_url"`
	UserAgent              string   `json:"user_agent,omitempty"`
	Proxy                  string   `json:"proxy,omitempty"`
	Cookies                string   `json:"cookies,omitempty"`
	FlareSolverrURL        string   `json:"flaresolverr_url,omitempty"`
	DoHURL                 string   `json:"doh_url,omitempty"`
	// Transport is "chrome" (Chrome 133's TLS/HTTP2 fingerprint) or
	// "standard" (Go's); DNS is "doh" or "system"; DoHURLs replace the
	// built-in DoH providers (Cloudflare, Google); the mirror lists follow
	// provider_url / sto_url (empty: the known mirrors). network.go.
	Transport       string   `json:"transport"`
	DNS             string   `json:"dns"`
	DoHURLs         []string `json:"doh_urls,omitempty"`
	ProviderMirrors []string `json:"provider_mirrors,omitempty"`
	STOMirrors      []string `json:"sto_mirrors,omitempty"`
	// CAFile is a PEM file of certificate authorities trusted beside the
	// system's (a private CA, an intercepting proxy, the tests' fakes).
	CAFile                string `json:"ca_file,omitempty"`
	RequireWantedLanguage bool   `json:"require_wanted_language"`
	CacheTTLHours         int    `json:"cache_ttl_hours"`
	// Browser configures the built-in Chromium (browser.go).
	Browser BrowserConfig `json:"browser"`
}

// AdvancedConfig is the "advanced" section older API clients send. Only
// EnableDebugMode is stored here; the other two fields are a view of
// Download's values, filled on output and applied back on input.
type AdvancedConfig struct {
	MaxConcurrentDownloads int  `json:"max_concurrent_downloads"`
	ProviderTimeout        int  `json:"provider_timeout"`
	EnableDebugMode        bool `json:"enable_debug_mode"`
}

// NFOConfig configures TMDB lookups, NFO files and artwork.
type NFOConfig struct {
	TMDBAPIKey            string `json:"tmdb_api_key"`
	TMDBAPIURL            string `json:"tmdb_api_url"`
	TMDBImageURL          string `json:"tmdb_image_url"`
	Language              string `json:"language"`
	AutoCreate            bool   `json:"auto_create"`
	DownloadPoster        bool   `json:"download_poster"`
	DownloadLogo          bool   `json:"download_logo"`
	DownloadFanart        bool   `json:"download_fanart"`
	DownloadSeasonPosters bool   `json:"download_season_posters"`
	EpisodeNFO            bool   `json:"episode_nfo"`
}

// Default returns the configuration used where nothing else is set.
func Default() AppConfig {
	return AppConfig{
		Name:    "Aniworld",
		DataDir: "data",
		Covers:  CoversConfig{CacheMB: DefaultCoverCacheMB},
		Server:  ServerConfig{Addr: "127.0.0.1:8000", MaxBodyBytes: 1 << 20},
		Scheduler: SchedulerConfig{
			Enabled: true, IntervalMinutes: 60,
		},
		Logging: LoggingConfig{Level: "INFO", BackupCount: 3},
		Backup:  BackupConfig{Enabled: false, Path: "backups", KeepDays: 30, MaxCount: DefaultBackupMaxCount},
		Security: SecurityConfig{
			SessionTimeoutHours: 24, RememberDays: 30,
			LockoutAttempts: 5, LockoutMinutes: 5,
			AuthRateLimit: 5, OriginRateLimit: 60,
			AllowedOrigins: []string{}, TrustedProxies: []string{},
		},
		Download: DownloadConfig{
			MaxConcurrentDownloads: 2, ProviderTimeout: 30, MaxRetries: 3,
			LanguageOrder:  []string{"German Dub", "German Sub", "English Sub"},
			HosterOrder:    []string{"VOE", "Vidmoly", "Vidoza", "Doodstream", "Vidara", "Vidavaca", "Filemoon", "LoadX", "Luluvdo", "Streamtape", "SpeedFiles"},
			NamingTemplate: "Season {season:02}/{title} - S{season:02}E{episode:02} - ({language}).mp4",
			ProviderURL:    "https://aniworld.to",
			STOURL:         "https://serienstream.to",
			CacheTTLHours:  24,
			Transport:      TransportChrome,
			DNS:            DNSDoH,
			Browser:        DefaultBrowser(),
		},
		NFO: NFOConfig{
			TMDBAPIURL:     "https://api.themoviedb.org/3",
			TMDBImageURL:   "https://image.tmdb.org/t/p",
			Language:       "de-DE",
			DownloadPoster: true, DownloadLogo: true, DownloadFanart: true,
		},
		Monitor:       defaultMonitor(),
		Notifications: defaultNotifications(),
		MediaServers:  []MediaServer{},
		History:       defaultHistory(),
		Other:         map[string]any{},
	}
}

// syncAdvanced fills the advanced view from the values it mirrors.
func (c *AppConfig) syncAdvanced() {
	c.Advanced.MaxConcurrentDownloads = c.Download.MaxConcurrentDownloads
	c.Advanced.ProviderTimeout = c.Download.ProviderTimeout
}

// Clone returns a deep copy (via JSON, the document's own form).
func (c AppConfig) Clone() AppConfig {
	b, err := json.Marshal(c)
	if err != nil {
		panic("config: marshal clone: " + err.Error())
	}
	var out AppConfig
	if err := json.Unmarshal(b, &out); err != nil {
		panic("config: unmarshal clone: " + err.Error())
	}
	out.syncAdvanced()
	return out
}

// Resolve makes a path that the config holds relative to the data
// directory absolute (an absolute path is returned cleaned).
func (c AppConfig) Resolve(p string) string {
	if p == "" || filepath.IsAbs(p) {
		return filepath.Clean(p)
	}
	return filepath.Join(c.DataDir, p)
}

// LogFile is the absolute path of the log file, or "" when file logging is off.
func (c AppConfig) LogFile() string {
	if c.Logging.File == nil || *c.Logging.File == "" {
		return ""
	}
	return c.Resolve(*c.Logging.File)
}

// LogDir is the directory that holds log files: the log file's directory,
// or <data_dir>/logs when file logging is off.
func (c AppConfig) LogDir() string {
	if f := c.LogFile(); f != "" {
		return filepath.Dir(f)
	}
	return filepath.Join(c.DataDir, "logs")
}

// BackupDir is the absolute directory of config backups.
func (c AppConfig) BackupDir() string { return c.Resolve(c.Backup.Path) }

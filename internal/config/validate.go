package config

import (
	"fmt"
	"net/netip"
	"net/url"
	"strings"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/library"
)

// FieldError is one validation problem, naming the field by its JSON path.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// FieldErrors is every validation problem of a document.
type FieldErrors []FieldError

func (fe FieldErrors) Error() string {
	parts := make([]string, len(fe))
	for i, e := range fe {
		parts[i] = e.Field + ": " + e.Message
	}
	return strings.Join(parts, "; ")
}

// LogLevels are the accepted logging.level values.
var LogLevels = []string{"DEBUG", "INFO", "WARNING", "WARN", "ERROR", "CRITICAL"}

// Validate checks every field and returns all problems (nil when valid).
func (c AppConfig) Validate() FieldErrors {
	var errs FieldErrors
	add := func(field, format string, args ...any) {
		errs = append(errs, FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
	}
	c.validateBasics(add)
	validateSecurity(c.Security, add)
	validateDownload(c.Download, add)
	for field, u := range map[string]string{"nfo.tmdb_api_url": c.NFO.TMDBAPIURL, "nfo.tmdb_image_url": c.NFO.TMDBImageURL} {
		if !validHTTPURL(u) {
			add(field, "must be an http(s) URL")
		}
	}
	if c.NFO.Language == "" {
		add("nfo.language", "must not be empty (e.g. de-DE)")
	}
	c.validateAutomation(add)
	c.validateHistory(add)
	return errs
}

// validateBasics checks the top-level fields, server, scheduler, logging
// and backup.
func (c AppConfig) validateBasics(add func(field, format string, args ...any)) {
	if strings.TrimSpace(c.Name) == "" {
		add("name", "must not be empty")
	}
	if strings.TrimSpace(c.DataDir) == "" {
		add("data_dir", "must not be empty")
	}
	if strings.ContainsRune(c.AnimeDirectory, 0) {
		add("anime_directory", "must not contain NUL")
	}
	validateCovers(c.Covers, add)
	if c.Server.Addr == "" {
		add("server.addr", "must not be empty")
	}
	if c.Server.MaxBodyBytes < 1024 || c.Server.MaxBodyBytes > 64<<20 {
		add("server.max_body_bytes", "must be between 1024 and 67108864")
	}
	if c.Scheduler.IntervalMinutes < 1 || c.Scheduler.IntervalMinutes > 7*24*60 {
		add("scheduler.interval_minutes", "must be between 1 and 10080")
	}
	if !validLevel(c.Logging.Level) {
		add("logging.level", "must be one of %s", strings.Join(LogLevels, ", "))
	}
	if c.Logging.MaxBytes != nil && (*c.Logging.MaxBytes < 1024) {
		add("logging.max_bytes", "must be at least 1024 or null")
	}
	if c.Logging.BackupCount < 0 || c.Logging.BackupCount > 100 {
		add("logging.backup_count", "must be between 0 and 100")
	}
	if p := c.logFileProblem(); p != "" {
		add("logging.file", "%s", p)
	}
	if strings.TrimSpace(c.Backup.Path) == "" {
		add("backup.path", "must not be empty")
	}
	if c.Backup.KeepDays < 1 || c.Backup.KeepDays > 3650 {
		add("backup.keep_days", "must be between 1 and 3650")
	}
	if c.Backup.MaxCount < 1 || c.Backup.MaxCount > 1000 {
		add("backup.max_count", "must be between 1 and 1000")
	}
}

// validateSecurity checks the security section.
func validateSecurity(s SecurityConfig, add func(field, format string, args ...any)) {
	if s.SessionTimeoutHours < 1 || s.SessionTimeoutHours > 24*365 {
		add("security.session_timeout_hours", "must be between 1 and 8760")
	}
	if s.RememberDays < 1 || s.RememberDays > 365 {
		add("security.remember_days", "must be between 1 and 365")
	}
	if s.LockoutAttempts < 1 || s.LockoutAttempts > 100 {
		add("security.lockout_attempts", "must be between 1 and 100")
	}
	if s.LockoutMinutes < 1 || s.LockoutMinutes > 24*60 {
		add("security.lockout_minutes", "must be between 1 and 1440")
	}
	if s.AuthRateLimit < 1 || s.AuthRateLimit > 10000 {
		add("security.auth_rate_limit_per_minute", "must be between 1 and 10000")
	}
	if s.OriginRateLimit < 1 || s.OriginRateLimit > 1000000 {
		add("security.origin_rate_limit_per_minute", "must be between 1 and 1000000")
	}
	for i, o := range s.AllowedOrigins {
		if o != "*" && !validOrigin(o) {
			add(fmt.Sprintf("security.allowed_origins[%d]", i), "must be an origin like http://host:port (port may be *)")
		}
	}
	for i, p := range s.TrustedProxies {
		if _, err := netip.ParsePrefix(p); err != nil {
			if _, err := netip.ParseAddr(p); err != nil {
				add(fmt.Sprintf("security.trusted_proxies[%d]", i), "must be an IP address or CIDR prefix")
			}
		}
	}
}

// validateDownload checks the download section.
func validateDownload(d DownloadConfig, add func(field, format string, args ...any)) {
	if d.MaxConcurrentDownloads < 1 || d.MaxConcurrentDownloads > 16 {
		add("download.max_concurrent_downloads", "must be between 1 and 16")
	}
	if d.ProviderTimeout < 1 || d.ProviderTimeout > 600 {
		add("download.provider_timeout", "must be between 1 and 600 seconds")
	}
	if d.MaxRetries < 0 || d.MaxRetries > 20 {
		add("download.max_retries", "must be between 0 and 20")
	}
	if len(d.LanguageOrder) == 0 {
		add("download.language_order", "must name at least one language")
	}
	for i, l := range d.LanguageOrder {
		if !validLanguage(l) {
			add(fmt.Sprintf("download.language_order[%d]", i), "unknown language %q (German Dub, German Sub, English Sub, English Dub)", l)
		}
	}
	for i, h := range d.HosterOrder {
		if strings.TrimSpace(h) == "" {
			add(fmt.Sprintf("download.hoster_order[%d]", i), "must not be empty")
		}
	}
	// The library owns the template grammar; a template it would refuse
	// at start-up must never be saved.
	if err := library.ValidateTemplate(d.NamingTemplate); err != nil {
		add("download.naming_template", "%s", strings.TrimPrefix(err.Error(), anime.ErrInvalid.Error()+": "))
	}
	validateDownloadURLs(d, add)
	validateBrowser(d.Browser, add)
	validateNetwork(d, add)
}

// validateDownloadURLs checks the download section's addresses and the
// cache lifetime.
func validateDownloadURLs(d DownloadConfig, add func(field, format string, args ...any)) {
	for field, u := range map[string]string{"download.provider_url": d.ProviderURL, "download.sto_url": d.STOURL} {
		if !validHTTPURL(u) {
			add(field, "must be an http(s) URL")
		}
	}
	for field, u := range map[string]string{"download.flaresolverr_url": d.FlareSolverrURL, "download.doh_url": d.DoHURL} {
		if u != "" && !validHTTPURL(u) {
			add(field, "must be an http(s) URL or empty")
		}
	}
	if d.Proxy != "" {
		pu, err := url.Parse(d.Proxy)
		if err != nil || pu.Host == "" || (pu.Scheme != "http" && pu.Scheme != "https" && pu.Scheme != "socks5" && pu.Scheme != "socks5h") {
			add("download.proxy", "must be an http://, https:// or socks5:// URL")
		}
	}
	if d.CacheTTLHours < 0 || d.CacheTTLHours > 24*30 {
		add("download.cache_ttl_hours", "must be between 0 and 720")
	}
}

func validLevel(l string) bool {
	for _, v := range LogLevels {
		if strings.EqualFold(v, l) {
			return true
		}
	}
	return false
}

func validLanguage(l string) bool {
	switch strings.ToLower(strings.NewReplacer(" ", "", "-", "", "_", "").Replace(l)) {
	case "germandub", "germansub", "englishsub", "englishdub", "1", "2", "3", "4":
		return true
	}
	return false
}

func validHTTPURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

func validOrigin(s string) bool {
	u, err := url.Parse(strings.Replace(s, ":*", ":1", 1))
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && (u.Path == "" || u.Path == "/")
}

package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/aniworld/aniworld/internal/atomicfile"
)

// MarshalJSON writes the document with the advanced view filled in.
func (c AppConfig) MarshalJSON() ([]byte, error) {
	type plain AppConfig
	c.syncAdvanced()
	if c.Other == nil {
		c.Other = map[string]any{}
	}
	return json.Marshal(plain(c))
}

// Overrides are values from flags or the environment, which beat the file.
type Overrides struct {
	Addr, DataDir, AnimeDir, LogLevel                *string
	ProviderURL, STOURL                              *string
	TMDBAPIURL, TMDBImageURL, TMDBAPIKey, MetricsTok *string
	Browser, BrowserPath                             *string
	Transport, DNS, DoHURLs                          *string
	ProviderMirrors, STOMirrors, CAFile              *string
}

// FromEnv reads the ANIWORLD_* environment variables with getenv.
func FromEnv(getenv func(string) string) Overrides {
	get := func(k string) *string {
		if v := getenv(k); v != "" {
			return &v
		}
		return nil
	}
	return Overrides{
		Addr: get("ANIWORLD_ADDR"), DataDir: get("ANIWORLD_DATA_DIR"),
		AnimeDir: get("ANIWORLD_ANIME_DIR"), LogLevel: get("ANIWORLD_LOG_LEVEL"),
		ProviderURL: get("ANIWORLD_PROVIDER_URL"), STOURL: get("ANIWORLD_STO_URL"),
		TMDBAPIURL: get("ANIWORLD_TMDB_API_URL"), TMDBImageURL: get("ANIWORLD_TMDB_IMAGE_URL"),
		TMDBAPIKey: get("ANIWORLD_TMDB_API_KEY"), MetricsTok: get("ANIWORLD_METRICS_TOKEN"),
		Browser: get("ANIWORLD_BROWSER"), BrowserPath: get("ANIWORLD_BROWSER_PATH"),
		Transport: get("ANIWORLD_TRANSPORT"), DNS: get("ANIWORLD_DNS"), DoHURLs: get("ANIWORLD_DOH_URLS"),
		ProviderMirrors: get("ANIWORLD_PROVIDER_MIRRORS"), STOMirrors: get("ANIWORLD_STO_MIRRORS"),
		CAFile: get("ANIWORLD_CA_FILE"),
	}
}

// Over returns o with every value that hi sets replaced by hi's.
func (o Overrides) Over(hi Overrides) Overrides {
	pick := func(a, b *string) *string {
		if b != nil {
			return b
		}
		return a
	}
	return Overrides{
		Addr: pick(o.Addr, hi.Addr), DataDir: pick(o.DataDir, hi.DataDir),
		AnimeDir: pick(o.AnimeDir, hi.AnimeDir), LogLevel: pick(o.LogLevel, hi.LogLevel),
		ProviderURL: pick(o.ProviderURL, hi.ProviderURL), STOURL: pick(o.STOURL, hi.STOURL),
		TMDBAPIURL: pick(o.TMDBAPIURL, hi.TMDBAPIURL), TMDBImageURL: pick(o.TMDBImageURL, hi.TMDBImageURL),
		TMDBAPIKey: pick(o.TMDBAPIKey, hi.TMDBAPIKey), MetricsTok: pick(o.MetricsTok, hi.MetricsTok),
		Browser: pick(o.Browser, hi.Browser), BrowserPath: pick(o.BrowserPath, hi.BrowserPath),
		Transport: pick(o.Transport, hi.Transport), DNS: pick(o.DNS, hi.DNS), DoHURLs: pick(o.DoHURLs, hi.DoHURLs),
		ProviderMirrors: pick(o.ProviderMirrors, hi.ProviderMirrors), STOMirrors: pick(o.STOMirrors, hi.STOMirrors),
		CAFile: pick(o.CAFile, hi.CAFile),
	}
}

// Apply writes the overrides into c.
func (o Overrides) Apply(c *AppConfig) {
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	set(&c.Server.Addr, o.Addr)
	set(&c.DataDir, o.DataDir)
	set(&c.AnimeDirectory, o.AnimeDir)
	if o.LogLevel != nil {
		c.Logging.Level = strings.ToUpper(*o.LogLevel)
	}
	set(&c.Download.ProviderURL, o.ProviderURL)
	set(&c.Download.STOURL, o.STOURL)
	set(&c.NFO.TMDBAPIURL, o.TMDBAPIURL)
	set(&c.NFO.TMDBImageURL, o.TMDBImageURL)
	set(&c.NFO.TMDBAPIKey, o.TMDBAPIKey)
	set(&c.Server.MetricsToken, o.MetricsTok)
	set(&c.Download.Browser.Enabled, o.Browser)
	set(&c.Download.Browser.Path, o.BrowserPath)
	set(&c.Download.Transport, o.Transport)
	set(&c.Download.DNS, o.DNS)
	setList(&c.Download.DoHURLs, o.DoHURLs)
	setList(&c.Download.ProviderMirrors, o.ProviderMirrors)
	setList(&c.Download.STOMirrors, o.STOMirrors)
	set(&c.Download.CAFile, o.CAFile)
}

// unapply restores, in a document about to be saved, every overridden
// field that still holds the override's value to the file's own value, so
// flags and environment variables do not leak into config.json.
func (o Overrides) unapply(c *AppConfig, base AppConfig) {
	keep := func(dst *string, v *string, orig string) {
		if v != nil && *dst == *v {
			*dst = orig
		}
	}
	keep(&c.Server.Addr, o.Addr, base.Server.Addr)
	keep(&c.DataDir, o.DataDir, base.DataDir)
	keep(&c.AnimeDirectory, o.AnimeDir, base.AnimeDirectory)
	if o.LogLevel != nil && strings.EqualFold(c.Logging.Level, *o.LogLevel) {
		c.Logging.Level = base.Logging.Level
	}
	keep(&c.Download.ProviderURL, o.ProviderURL, base.Download.ProviderURL)
	keep(&c.Download.STOURL, o.STOURL, base.Download.STOURL)
	keep(&c.NFO.TMDBAPIURL, o.TMDBAPIURL, base.NFO.TMDBAPIURL)
	keep(&c.NFO.TMDBImageURL, o.TMDBImageURL, base.NFO.TMDBImageURL)
	keep(&c.NFO.TMDBAPIKey, o.TMDBAPIKey, base.NFO.TMDBAPIKey)
	keep(&c.Server.MetricsToken, o.MetricsTok, base.Server.MetricsToken)
	keep(&c.Download.Browser.Enabled, o.Browser, base.Download.Browser.Enabled)
	keep(&c.Download.Browser.Path, o.BrowserPath, base.Download.Browser.Path)
	keep(&c.Download.Transport, o.Transport, base.Download.Transport)
	keep(&c.Download.DNS, o.DNS, base.Download.DNS)
	keepList(&c.Download.DoHURLs, o.DoHURLs, base.Download.DoHURLs)
	keepList(&c.Download.ProviderMirrors, o.ProviderMirrors, base.Download.ProviderMirrors)
	keepList(&c.Download.STOMirrors, o.STOMirrors, base.Download.STOMirrors)
	keep(&c.Download.CAFile, o.CAFile, base.Download.CAFile)
}

// FileError is a config file that cannot be used: it names the file and the
// problem in one line.
type FileError struct {
	Path   string
	Reason string
}

func (e *FileError) Error() string { return fmt.Sprintf("config file %s: %s", e.Path, e.Reason) }

// Load reads the config file at path over the defaults. A missing file is
// not an error (exists=false); a corrupt or invalid one is a *FileError and
// the file is left untouched.
func Load(path string) (cfg AppConfig, exists bool, err error) {
	cfg, exists, _, err = LoadWithWarnings(path, "")
	return cfg, exists, err
}

// LoadWithWarnings is Load that also repairs values an older version
// accepted but this one refuses, where a safe default exists (today:
// logging.file outside <data_dir>/logs), and says what it repaired. The
// file itself is left untouched. dataDir, when not empty, is the data
// directory in force (a flag or the environment may override the file's).
func LoadWithWarnings(path, dataDir string) (cfg AppConfig, exists bool, warnings []string, err error) {
	cfg = Default()
	raw, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return cfg, false, nil, nil
	}
	if err != nil {
		return cfg, false, nil, &FileError{Path: path, Reason: "cannot read: " + errors.Unwrap(err).Error()}
	}
	merged, err := Merge(cfg, raw)
	if err != nil {
		return cfg, true, nil, &FileError{Path: path, Reason: err.Error()}
	}
	check := merged // validated against the data directory in force
	if dataDir != "" {
		check.DataDir = dataDir
	}
	if w := check.repairLogFile(); w != "" {
		merged.Logging.File = nil
		warnings = append(warnings, w)
	}
	if errs := check.Validate(); len(errs) > 0 {
		return cfg, true, nil, &FileError{Path: path, Reason: "invalid: " + errs.Error()}
	}
	return merged, true, warnings, nil
}

// Merge deep-merges a JSON patch (a whole or partial document) over base.
// Values in the advanced section are applied to the fields they mirror;
// unknown top-level keys are kept under "other"; unknown nested keys and
// wrong types are errors. The result is not validated.
func Merge(base AppConfig, patch []byte) (AppConfig, error) {
	patch = bytes.TrimPrefix(patch, []byte("\xef\xbb\xbf"))
	var p map[string]any
	dec := json.NewDecoder(bytes.NewReader(patch))
	dec.UseNumber()
	if err := dec.Decode(&p); err != nil {
		return base, fmt.Errorf("invalid JSON: %s", jsonErrorText(patch, err))
	}
	if dec.More() {
		return base, errors.New("invalid JSON: trailing data after the document")
	}
	if p == nil {
		return base, errors.New("invalid JSON: the document must be an object")
	}
	// The advanced view writes through to the values it mirrors.
	if adv, ok := p["advanced"].(map[string]any); ok {
		dl, _ := p["download"].(map[string]any)
		if dl == nil {
			dl = map[string]any{}
		}
		for _, k := range []string{"max_concurrent_downloads", "provider_timeout"} {
			if v, ok := adv[k]; ok {
				if _, set := dl[k]; !set {
					dl[k] = v
				}
				delete(adv, k)
			}
		}
		if len(dl) > 0 {
			p["download"] = dl
		}
	}
	known := knownTopLevel()
	other := map[string]any{}
	for k, v := range p {
		if !known[k] {
			other[k] = v
			delete(p, k)
		}
	}
	var b map[string]any
	baseJSON, _ := json.Marshal(base)
	_ = json.Unmarshal(baseJSON, &b)
	mergeMaps(b, p)
	if len(other) > 0 {
		o, _ := b["other"].(map[string]any)
		if o == nil {
			o = map[string]any{}
		}
		for k, v := range other {
			o[k] = v
		}
		b["other"] = o
	}
	mergedJSON, _ := json.Marshal(b)
	var out AppConfig
	d := json.NewDecoder(bytes.NewReader(mergedJSON))
	d.DisallowUnknownFields()
	if err := d.Decode(&out); err != nil {
		return base, fmt.Errorf("%s", strings.TrimPrefix(err.Error(), "json: "))
	}
	if out.Other == nil {
		out.Other = map[string]any{}
	}
	out.syncAdvanced()
	return out, nil
}

func knownTopLevel() map[string]bool {
	b, _ := json.Marshal(Default())
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	known := map[string]bool{}
	for k := range m {
		known[k] = true
	}
	return known
}

// mergeMaps merges src into dst recursively: objects merge, everything else
// (including arrays and null) replaces.
func mergeMaps(dst, src map[string]any) {
	for k, v := range src {
		if sv, ok := v.(map[string]any); ok && k != "other" {
			if dv, ok := dst[k].(map[string]any); ok {
				mergeMaps(dv, sv)
				continue
			}
		}
		dst[k] = v
	}
}

func jsonErrorText(data []byte, err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		line := 1 + bytes.Count(data[:min(int(se.Offset), len(data))], []byte("\n"))
		return fmt.Sprintf("%s (line %d)", se.Error(), line)
	}
	if errors.Is(err, errors.New("EOF")) || err.Error() == "EOF" || err.Error() == "unexpected EOF" {
		return "unexpected end of input"
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return "the document must be a JSON object"
	}
	return err.Error()
}

// Save writes c to path atomically with mode 0600, creating the directory.
func Save(path string, c AppConfig) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("create config dir: %w", err)
	}
	b, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return fmt.Errorf("encode config: %w", err)
	}
	return atomicfile.Write(path, append(b, '\n'), 0o600)
}

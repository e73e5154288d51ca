package api

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/aniworld/aniworld/internal/config"
)

// RestartHeader lists, comma-separated, the changed config fields that
// only take effect after a restart.
const RestartHeader = "X-Restart-Required"

// ConfigDeps is what the config routes use. Config is required.
type ConfigDeps struct {
	Config *config.Manager
	// SetDirectory switches the library to dir and answers how many series
	// it holds (POST /api/config/directory, and PUT changing anime_directory).
	SetDirectory func(ctx context.Context, dir string) (synced int, err error)
	// ResetSecurity removes the master password and rotates the JWT secret
	// (POST /api/config/reset with preserve_security:false).
	ResetSecurity func(ctx context.Context) error
	Logger        *slog.Logger
	// Now is the clock for export file names (time.Now).
	Now func() time.Time
}

// configHandlers are /api/config and its sub-resources: backups,
// directory, advanced section, export, reset (rows in routes.go).
type configHandlers struct{ ConfigDeps }

func newConfigHandlers(d ConfigDeps) *configHandlers {
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	return &configHandlers{d}
}

// Descriptions of the config operations.
const (
	docGetConfig    = "The AppConfig document. Secrets (`nfo.tmdb_api_key`, `server.metrics_token`) are shown as `***` when set."
	docUpdateConfig = "Deep-merges the body over the current configuration and validates the result. " +
		"Invalid: 422 with every problem in `details.errors`, nothing applied. Valid: a timestamped backup " +
		"of the old file is written, the new one saved atomically, and live settings applied. The answer is " +
		"the new AppConfig; fields that need a restart are listed in the `X-Restart-Required` header."
	docValidateConfig = "The body (whole or partial AppConfig) is merged over the current configuration and " +
		"validated; nothing changes. `success` equals `valid` (older clients read it)."
	docSetDirectory = "The directory must exist or be creatable and be a directory. It is saved, the library " +
		"switches to it and is scanned; `synced_series` is how many series it holds."
	docUpdateAdvanced = "Partial; `max_concurrent_downloads` and `provider_timeout` write through to the download section."
	docExportConfig   = "Secrets are masked unless `include_sensitive`. The password hash and the JWT secret are " +
		"never part of the configuration, so never exported."
	docResetConfig = "Always kept: `data_dir`, `anime_directory`, `server.addr`, `backup.path` (so the server " +
		"stays reachable and the library and backups stay where they are). `preserve_security` (default " +
		"true) also keeps the `security` section, `server.metrics_token`, the master password, the JWT " +
		"secret and live sessions; false removes the master password and rotates the JWT secret, which " +
		"ends every session (setup is needed again). A backup of the old configuration is written first."
)

var exportConfigResponses = map[string]*huma.Response{"200": {Description: "config JSON as an attachment",
	Content: map[string]*huma.MediaType{"application/json": {Schema: &huma.Schema{Type: "object"}}}}}

type configOutput struct {
	RestartRequired string `header:"X-Restart-Required" doc:"Comma-separated config fields that change only after a restart"`
	Body            config.AppConfig
}

type patchInput struct {
	Body map[string]any `doc:"A partial AppConfig: only the fields to change. Objects are merged, arrays and scalars replaced; the masked secret '***' keeps the stored value; unknown top-level keys go to 'other'."`
}

func (r *configHandlers) get(ctx context.Context, _ *struct{}) (*configOutput, error) {
	return &configOutput{Body: config.Mask(r.Config.Get())}, nil
}

func (r *configHandlers) update(ctx context.Context, in *patchInput) (*configOutput, error) {
	return r.patch(ctx, in.Body)
}

func (r *configHandlers) validate(ctx context.Context, in *patchInput) (*validateOutput, error) {
	out := &validateOutput{}
	out.Body.Errors = []config.FieldError{}
	cur := r.Config.Get()
	next, err := config.MergePatch(cur, in.Body)
	if err != nil {
		out.Body.Errors = append(out.Body.Errors, config.FieldError{Field: "body", Message: err.Error()})
	} else {
		out.Body.Errors = append(out.Body.Errors, next.Validate()...)
	}
	out.Body.Valid = len(out.Body.Errors) == 0
	out.Body.Success = out.Body.Valid
	out.Body.Message = "Configuration is valid"
	if !out.Body.Valid {
		out.Body.Message = fmt.Sprintf("Configuration is invalid: %d problem(s)", len(out.Body.Errors))
	}
	return out, nil
}

type validateOutput struct {
	Body struct {
		Valid   bool                `json:"valid"`
		Errors  []config.FieldError `json:"errors"`
		Success bool                `json:"success"`
		Message string              `json:"message"`
	}
}

// patch applies a partial document through the manager.
func (r *configHandlers) patch(ctx context.Context, patch map[string]any) (*configOutput, error) {
	old := r.Config.Get()
	next, err := r.Config.Update(func(c *config.AppConfig) error {
		n, err := config.MergePatch(*c, patch)
		if err != nil {
			return &config.ValidationError{Errors: config.FieldErrors{{Field: "body", Message: err.Error()}}}
		}
		if n.AnimeDirectory != c.AnimeDirectory && n.AnimeDirectory != "" {
			// A missing directory is created only when everything else is valid.
			errs := n.Validate()
			if _, err := config.CheckDirectory(n.AnimeDirectory, len(errs) == 0); err != nil {
				return &config.ValidationError{Errors: append(errs, config.FieldError{Field: "anime_directory", Message: err.Error()})}
			}
		}
		*c = n
		return nil
	})
	if err != nil {
		return nil, err
	}
	if next.AnimeDirectory != old.AnimeDirectory && next.AnimeDirectory != "" && r.SetDirectory != nil {
		if _, err := r.SetDirectory(ctx, next.AnimeDirectory); err != nil {
			r.Logger.WarnContext(ctx, "library did not switch to the new anime directory", "error", err)
		}
	}
	return &configOutput{Body: config.Mask(next), RestartRequired: strings.Join(r.Config.RestartRequired(old, next), ",")}, nil
}

type directoryInput struct {
	Body struct {
		Directory string `json:"directory,omitempty" doc:"Absolute path of the anime library; missing or empty is 400 (older seed)"`
	}
}

type directoryOutput struct {
	Body struct {
		Success      bool   `json:"success"`
		Message      string `json:"message"`
		SyncedSeries int    `json:"synced_series" doc:"Series found in the new directory"`
		Directory    string `json:"directory"`
	}
}

type sectionAdvanced struct {
	MaxConcurrentDownloads int  `json:"max_concurrent_downloads"`
	ProviderTimeout        int  `json:"provider_timeout"`
	EnableDebugMode        bool `json:"enable_debug_mode"`
}

type advancedOutput struct{ Body sectionAdvanced }

type advancedUpdateOutput struct {
	Body struct {
		Success bool   `json:"success"`
		Message string `json:"message"`
		sectionAdvanced
	}
}

func advancedOf(c config.AppConfig) sectionAdvanced {
	return sectionAdvanced{MaxConcurrentDownloads: c.Download.MaxConcurrentDownloads,
		ProviderTimeout: c.Download.ProviderTimeout, EnableDebugMode: c.Advanced.EnableDebugMode}
}

type exportInput struct {
	Body *struct {
		IncludeSensitive bool `json:"include_sensitive,omitempty" doc:"Include nfo.tmdb_api_key and server.metrics_token in clear"`
	}
}

type exportOutput struct {
	ContentType        string `header:"Content-Type"`
	ContentDisposition string `header:"Content-Disposition"`
	Body               []byte
}

type resetInput struct {
	Body *struct {
		PreserveSecurity *bool `json:"preserve_security,omitempty" doc:"Keep the master password, JWT secret, sessions and the security section (default true)"`
	}
}

type resetOutput struct {
	Body struct {
		Success          bool             `json:"success"`
		Message          string           `json:"message"`
		PreserveSecurity bool             `json:"preserve_security"`
		Config           config.AppConfig `json:"config"`
	}
}

func (r *configHandlers) setDirectory(ctx context.Context, in *directoryInput) (*directoryOutput, error) {
	dir := strings.TrimSpace(in.Body.Directory)
	if dir == "" {
		return nil, NewError(http.StatusBadRequest, CodeBadRequest, "Directory path is required", map[string]any{"field": "directory"})
	}
	dir, err := config.CheckDirectory(dir, true)
	if err != nil {
		return nil, NewError(http.StatusBadRequest, CodeBadRequest, "Invalid directory: "+err.Error(), map[string]any{"field": "directory"})
	}
	if _, err := r.Config.Update(func(c *config.AppConfig) error { c.AnimeDirectory = dir; return nil }); err != nil {
		return nil, err
	}
	out := &directoryOutput{}
	if r.SetDirectory != nil {
		n, err := r.SetDirectory(ctx, dir)
		if err != nil {
			return nil, fmt.Errorf("sync library: %w", err)
		}
		out.Body.SyncedSeries = n
	}
	out.Body.Success, out.Body.Directory = true, dir
	out.Body.Message = "Anime directory updated successfully"
	return out, nil
}

func (r *configHandlers) getAdvanced(ctx context.Context, _ *struct{}) (*advancedOutput, error) {
	return &advancedOutput{Body: advancedOf(r.Config.Get())}, nil
}

func (r *configHandlers) updateAdvanced(ctx context.Context, in *patchInput) (*advancedUpdateOutput, error) {
	if _, err := r.patch(ctx, map[string]any{"advanced": in.Body}); err != nil {
		return nil, err
	}
	out := &advancedUpdateOutput{}
	out.Body.Success, out.Body.Message = true, "Advanced configuration updated successfully"
	out.Body.sectionAdvanced = advancedOf(r.Config.Get())
	return out, nil
}

func (r *configHandlers) export(ctx context.Context, in *exportInput) (*exportOutput, error) {
	c := r.Config.Get()
	if in.Body == nil || !in.Body.IncludeSensitive {
		c = config.Mask(c)
	}
	b, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode config: %w", err)
	}
	name := "aniworld_config_" + r.Now().UTC().Format("20060102_150405") + ".json"
	return &exportOutput{ContentType: "application/json", Body: append(b, '\n'),
		ContentDisposition: `attachment; filename="` + name + `"`}, nil
}

func (r *configHandlers) reset(ctx context.Context, in *resetInput) (*resetOutput, error) {
	preserve := true
	if in.Body != nil && in.Body.PreserveSecurity != nil {
		preserve = *in.Body.PreserveSecurity
	}
	if !preserve && r.ResetSecurity == nil {
		return nil, NewError(http.StatusServiceUnavailable, CodeUnavailable, "Access control is not available to reset", nil)
	}
	cur := r.Config.Get()
	def := config.Default()
	def.DataDir, def.AnimeDirectory, def.Server.Addr, def.Backup.Path = cur.DataDir, cur.AnimeDirectory, cur.Server.Addr, cur.Backup.Path
	if preserve {
		def.Security, def.Server.MetricsToken = cur.Security, cur.Server.MetricsToken
	}
	next, err := r.Config.Replace(def)
	if err != nil {
		return nil, err
	}
	if !preserve {
		if err := r.ResetSecurity(ctx); err != nil {
			return nil, fmt.Errorf("reset access control: %w", err)
		}
	}
	out := &resetOutput{}
	out.Body.Success, out.Body.PreserveSecurity, out.Body.Config = true, preserve, config.Mask(next)
	out.Body.Message = "Configuration reset to defaults successfully"
	if !preserve {
		out.Body.Message += "; the master password was removed and every session ended: run setup again"
	}
	return out, nil
}

package api

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/aniworld/aniworld/internal/config"
	"github.com/aniworld/aniworld/internal/logging"
)

// Tail limits of GET /api/logging/files/{filename}/tail.
const (
	DefaultTailLines = 100
	MaxTailLines     = 10000
)

// LoggingDeps is what the logging routes use. Config is required; Logs
// (the process's logging) gives the active file and the test messages.
type LoggingDeps struct {
	Config *config.Manager
	Logs   *logging.Logs
	Logger *slog.Logger
	// Now is the clock for cleanup ages (time.Now).
	Now func() time.Time
}

// loggingHandlers are /api/logging/* (rows in routes.go). Every file
// route is confined to the log directory (AppConfig.LogDir) through
// os.Root and only serves log files (names containing ".log"), so the
// config, database and secrets are out of reach even when the log
// directory is the data directory.
type loggingHandlers struct{ LoggingDeps }

func newLoggingHandlers(d LoggingDeps) *loggingHandlers {
	if d.Logger == nil {
		d.Logger = slog.Default()
		if d.Logs != nil {
			d.Logger = d.Logs.Logger()
		}
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	return &loggingHandlers{d}
}

// Descriptions and documented responses of the logging operations.
const (
	docTailLog = "Reads backwards from the end in blocks; never loads a large file whole. " +
		"`lines` defaults to 100 and is capped at 10000."
	docCleanupLogs = "Deletes log files last modified more than `max_age_days` ago; the active log file is never deleted."
)

var (
	downloadLogResponses = map[string]*huma.Response{"200": {Description: "the file",
		Content: map[string]*huma.MediaType{"application/octet-stream": {Schema: &huma.Schema{Type: "string", Format: "binary"}}}}}
	tailLogResponses = map[string]*huma.Response{"200": {Description: "plain text",
		Content: map[string]*huma.MediaType{"text/plain": {Schema: &huma.Schema{Type: "string"}}}}}
)

// LoggingSettings is the logging section as GET|POST /api/logging/config shows it.
type LoggingSettings struct {
	Level       string  `json:"level" example:"INFO"`
	File        *string `json:"file" doc:"Log file inside <data_dir>/logs (relative to the data directory, e.g. logs/aniworld.log, or absolute); null = no file"`
	MaxBytes    *int64  `json:"max_bytes" doc:"Rotate after this many bytes; null = 10 MiB"`
	BackupCount int     `json:"backup_count" doc:"Rotated files to keep"`
}

type loggingConfigOutput struct{ Body LoggingSettings }

// LogFileInfo is one entry of GET /api/logging/files.
type LogFileInfo struct {
	Name     string  `json:"name"`
	Size     int64   `json:"size"`
	Modified float64 `json:"modified" doc:"Unix time in seconds"`
	Path     string  `json:"path" doc:"Relative to the log directory"`
	Active   bool    `json:"active" doc:"The file being written now"`
}

type logFilesOutput struct{ Body []LogFileInfo }

type logFileInput struct {
	Filename string `path:"filename" doc:"A name from GET /api/logging/files"`
}

type tailInput struct {
	Filename string `path:"filename" doc:"A name from GET /api/logging/files"`
	Lines    int    `query:"lines" default:"100" doc:"Number of lines from the end (default 100; values above 10000 are capped, values below 1 mean the default)"`
}

type tailOutput struct {
	ContentType string `header:"Content-Type"`
	Body        []byte
}

type cleanupInput struct {
	MaxAgeDays int `query:"max_age_days" minimum:"0" maximum:"36500" default:"30" doc:"Delete log files last written more than this many days ago"`
}

type cleanupOutput struct {
	Body struct {
		FilesDeleted int      `json:"files_deleted"`
		SpaceFreed   int64    `json:"space_freed" doc:"Bytes"`
		Errors       []string `json:"errors"`
	}
}

type logTestOutput struct {
	Body struct {
		Status  string `json:"status"`
		Success bool   `json:"success"`
		Message string `json:"message"`
	}
}

func settingsOf(c config.AppConfig) LoggingSettings {
	return LoggingSettings{Level: c.Logging.Level, File: c.Logging.File, MaxBytes: c.Logging.MaxBytes, BackupCount: c.Logging.BackupCount}
}

func (r *loggingHandlers) getConfig(ctx context.Context, _ *struct{}) (*loggingConfigOutput, error) {
	return &loggingConfigOutput{Body: settingsOf(r.Config.Get())}, nil
}

func (r *loggingHandlers) updateConfig(ctx context.Context, in *patchInput) (*loggingConfigOutput, error) {
	next, err := r.Config.Update(func(c *config.AppConfig) error {
		n, err := config.MergePatch(*c, map[string]any{"logging": in.Body})
		if err != nil {
			return &config.ValidationError{Errors: config.FieldErrors{{Field: "body", Message: err.Error()}}}
		}
		*c = n
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &loggingConfigOutput{Body: settingsOf(next)}, nil
}

func (r *loggingHandlers) list(ctx context.Context, _ *struct{}) (*logFilesOutput, error) {
	files, err := r.listFiles()
	if err != nil {
		return nil, err
	}
	return &logFilesOutput{Body: files}, nil
}

func (r *loggingHandlers) download(ctx context.Context, in *logFileInput) (*huma.StreamResponse, error) {
	f, fi, err := r.open(in.Filename)
	if err != nil {
		return nil, err
	}
	name := in.Filename
	return &huma.StreamResponse{Body: func(hctx huma.Context) {
		defer f.Close()
		hctx.SetHeader("Content-Type", "text/plain; charset=utf-8")
		if strings.HasSuffix(name, ".gz") {
			hctx.SetHeader("Content-Type", "application/gzip")
		}
		hctx.SetHeader("Content-Disposition", `attachment; filename="`+name+`"`)
		hctx.SetHeader("Content-Length", fmt.Sprint(fi.Size()))
		hctx.SetStatus(http.StatusOK)
		_, _ = io.Copy(hctx.BodyWriter(), io.LimitReader(f, fi.Size()))
	}}, nil
}

func (r *loggingHandlers) tail(ctx context.Context, in *tailInput) (*tailOutput, error) {
	f, fi, err := r.open(in.Filename)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	n := in.Lines
	if n <= 0 {
		n = DefaultTailLines
	}
	out, _, err := logging.TailLines(f, fi.Size(), min(n, MaxTailLines))
	if err != nil {
		return nil, fmt.Errorf("tail %s: %w", in.Filename, err)
	}
	return &tailOutput{ContentType: "text/plain; charset=utf-8", Body: out}, nil
}

func (r *loggingHandlers) test(ctx context.Context, _ *struct{}) (*logTestOutput, error) {
	log := r.Logger
	log.DebugContext(ctx, "test message at DEBUG level")
	log.InfoContext(ctx, "test message at INFO level")
	log.WarnContext(ctx, "test message at WARNING level")
	log.ErrorContext(ctx, "test message at ERROR level")
	log.Log(ctx, slog.LevelError+4, "test message at CRITICAL level")
	out := &logTestOutput{}
	out.Body.Status, out.Body.Success, out.Body.Message = "success", true, "Test messages logged at all levels"
	return out, nil
}

func (r *loggingHandlers) cleanup(ctx context.Context, in *cleanupInput) (*cleanupOutput, error) {
	return r.removeOld(in.MaxAgeDays)
}

// files is the log directory as the routes serve it.
func (r *loggingHandlers) files() logging.Files {
	return logging.Files{Dir: r.Config.Get().LogDir(), Active: r.activeFile()}
}

// activeFile is the log file being written, as an absolute path ("" if none).
func (r *loggingHandlers) activeFile() string {
	p := r.Config.Get().LogFile()
	if r.Logs != nil && r.Logs.File() != "" {
		p = r.Logs.File()
	}
	if p == "" {
		return ""
	}
	if abs, err := filepath.Abs(p); err == nil {
		return abs
	}
	return p
}

// open opens a log file: 403 for a name that leaves the log directory or
// a link, 404 for anything missing or not a log file.
func (r *loggingHandlers) open(name string) (*os.File, fs.FileInfo, error) {
	f, fi, err := r.files().Open(name)
	switch {
	case errors.Is(err, logging.ErrOutsideDir):
		return nil, nil, NewError(http.StatusForbidden, CodeAuthorization, "Access denied: the file is outside the logs directory", map[string]any{"field": "filename"})
	case errors.Is(err, logging.ErrLink):
		return nil, nil, NewError(http.StatusForbidden, CodeAuthorization, "Access denied: links are not served", map[string]any{"field": "filename"})
	case errors.Is(err, logging.ErrNoLogFile):
		return nil, nil, NewError(http.StatusNotFound, CodeNotFound, "Log file not found", map[string]any{"field": "filename"})
	}
	return f, fi, err
}

func (r *loggingHandlers) listFiles() ([]LogFileInfo, error) {
	list, err := r.files().List()
	if err != nil {
		return nil, err
	}
	out := make([]LogFileInfo, len(list))
	for i, f := range list {
		out[i] = LogFileInfo{Name: f.Name, Path: f.Name, Size: f.Size, Modified: float64(f.Modified.UnixNano()) / 1e9, Active: f.Active}
	}
	return out, nil
}

func (r *loggingHandlers) removeOld(maxAgeDays int) (*cleanupOutput, error) {
	removed, failed, err := r.files().RemoveOlder(r.Now().Add(-time.Duration(maxAgeDays) * 24 * time.Hour))
	if err != nil {
		return nil, err
	}
	out := &cleanupOutput{}
	out.Body.Errors = []string{}
	for _, f := range removed {
		out.Body.FilesDeleted++
		out.Body.SpaceFreed += f.Size
	}
	for _, name := range failed {
		out.Body.Errors = append(out.Body.Errors, name+": could not be deleted")
	}
	return out, nil
}

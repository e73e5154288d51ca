package config

import (
	"path/filepath"
	"strings"
)

// LogsDir is the folder, relative to data_dir, that holds every log file.
const LogsDir = "logs"

// logFileProblem says why logging.file is not acceptable, or "". The log
// file must lie inside <data_dir>/logs: the log routes list and delete
// that folder's *.log* files, and a log file pointed at config.json or
// jwt_secret would make the next start fail.
func (c AppConfig) logFileProblem() string {
	if c.Logging.File == nil || *c.Logging.File == "" {
		return ""
	}
	f := *c.Logging.File
	if strings.ContainsRune(f, 0) {
		return "must not contain NUL"
	}
	logs := filepath.Join(c.DataDir, LogsDir)
	rel, err := filepath.Rel(logs, c.Resolve(f))
	if err != nil || rel == "." || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || filepath.IsAbs(rel) {
		return "must name a file inside " + logs + " (relative to data_dir, e.g. \"logs/aniworld.log\")"
	}
	return ""
}

// repairLogFile turns an unacceptable logging.file read from disk into the
// default (no log file) and says what it did: a config the server once
// accepted must never stop it from starting.
func (c *AppConfig) repairLogFile() (warning string) {
	p := c.logFileProblem()
	if p == "" {
		return ""
	}
	old := *c.Logging.File
	c.Logging.File = nil
	return "logging.file " + quote(old) + " ignored: " + p + "; logging to stderr only until it is changed"
}

func quote(s string) string { return "\"" + strings.ReplaceAll(s, "\"", "\\\"") + "\"" }

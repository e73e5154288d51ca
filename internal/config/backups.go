package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
)

// maxBackupSize caps how much of a backup file is read on restore.
const maxBackupSize = 4 << 20

// autoBackupName matches the names of automatic backups
// (config_backup_YYYYMMDD_HHMMSS.json, with an optional collision suffix).
var autoBackupName = regexp.MustCompile(`^` + BackupPrefix + `(\d{8}_\d{6})(?:_\d+)?\.json$`)

// ErrBackupName is a backup name that is not a plain file name inside
// the backup directory; it wraps anime.ErrInvalid.
var ErrBackupName = fmt.Errorf("%w: backup name not allowed (letters, digits, '-', '_', '.', ending in .json; no paths)", anime.ErrInvalid)

// BackupInfo describes one backup file.
type BackupInfo struct {
	Name    string
	Size    int64
	Created time.Time
	// Automatic is true for timestamped backups (pruned after keep_days);
	// custom-named manual backups are kept until deleted.
	Automatic bool
}

// CheckBackupName refuses any name that is not a plain .json file name
// inside the backup directory (ErrInvalid): paths, traversal, hidden
// files, NUL, control characters and overlong names.
func CheckBackupName(name string) error {
	if name == "" || len(name) > 128 || !strings.HasSuffix(name, ".json") || strings.HasPrefix(name, ".") ||
		strings.Contains(name, "..") {
		return ErrBackupName
	}
	for _, r := range name {
		if !(r == '-' || r == '_' || r == '.' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return ErrBackupName
		}
	}
	return nil
}

// backupRoot opens the backup directory as an os.Root, so no name can
// reach outside it (symlinks included).
func (m *Manager) backupRoot() (*os.Root, error) {
	dir := m.Get().BackupDir()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create backup dir: %w", err)
	}
	r, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("open backup dir: %w", err)
	}
	return r, nil
}

// ListBackups lists the backup files, newest first.
func (m *Manager) ListBackups() ([]BackupInfo, error) {
	root, err := m.backupRoot()
	if err != nil {
		return nil, err
	}
	defer root.Close()
	d, err := root.Open(".")
	if err != nil {
		return nil, fmt.Errorf("list backups: %w", err)
	}
	defer d.Close()
	entries, err := d.ReadDir(-1)
	if err != nil {
		return nil, fmt.Errorf("list backups: %w", err)
	}
	out := []BackupInfo{}
	for _, e := range entries {
		if !e.Type().IsRegular() || CheckBackupName(e.Name()) != nil {
			continue
		}
		fi, err := e.Info()
		if err != nil {
			continue
		}
		out = append(out, backupInfo(e.Name(), fi))
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].Created.Equal(out[j].Created) {
			return out[i].Created.After(out[j].Created)
		}
		return out[i].Name > out[j].Name
	})
	return out, nil
}

func backupInfo(name string, fi fs.FileInfo) BackupInfo {
	bi := BackupInfo{Name: name, Size: fi.Size(), Created: fi.ModTime().UTC()}
	if mm := autoBackupName.FindStringSubmatch(name); mm != nil {
		bi.Automatic = true
		if t, err := time.ParseInLocation("20060102_150405", mm[1], time.UTC); err == nil {
			bi.Created = t
		}
	}
	return bi
}

// ReadBackup parses and validates a backup (over the defaults, as Load
// does) without applying it. Unknown or hostile names are ErrNotFound or
// ErrInvalid.
func (m *Manager) ReadBackup(name string) (AppConfig, error) {
	cfg, _, err := m.readBackup(name)
	return cfg, err
}

// readBackup is ReadBackup that also answers the backup's parts (checked).
func (m *Manager) readBackup(name string) (AppConfig, map[string]json.RawMessage, error) {
	cfg, parts, err := m.readBackupFile(name)
	if err == nil {
		err = m.checkParts(parts)
	}
	return cfg, parts, err
}

func (m *Manager) readBackupFile(name string) (AppConfig, map[string]json.RawMessage, error) {
	if err := CheckBackupName(name); err != nil {
		return AppConfig{}, nil, err
	}
	root, err := m.backupRoot()
	if err != nil {
		return AppConfig{}, nil, err
	}
	defer root.Close()
	// Only regular files count: a symlink (even one pointing inside) or a
	// directory is "not found".
	if fi, err := root.Lstat(name); err != nil || !fi.Mode().IsRegular() {
		return AppConfig{}, nil, fmt.Errorf("backup %q: %w", name, anime.ErrNotFound)
	}
	f, err := root.Open(name)
	if errors.Is(err, fs.ErrNotExist) {
		return AppConfig{}, nil, fmt.Errorf("backup %q: %w", name, anime.ErrNotFound)
	}
	if err != nil {
		return AppConfig{}, nil, fmt.Errorf("open backup: %w", err)
	}
	defer f.Close()
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() {
		return AppConfig{}, nil, fmt.Errorf("backup %q: %w", name, anime.ErrNotFound)
	}
	data, err := io.ReadAll(io.LimitReader(f, maxBackupSize+1))
	if err != nil {
		return AppConfig{}, nil, fmt.Errorf("read backup: %w", err)
	}
	if len(data) > maxBackupSize {
		return AppConfig{}, nil, fmt.Errorf("%w: backup %q is too large", anime.ErrInvalid, name)
	}
	data, parts, err := splitParts(data)
	if err != nil {
		return AppConfig{}, nil, err
	}
	cfg, err := Merge(Default(), data)
	if err != nil {
		return AppConfig{}, nil, fmt.Errorf("%w: backup %q: %s", anime.ErrInvalid, name, err.Error())
	}
	if errs := cfg.Validate(); len(errs) > 0 {
		return AppConfig{}, nil, &ValidationError{Errors: errs}
	}
	return cfg, parts, nil
}

// RestoreBackup validates the named backup, backs up the current
// configuration and applies the backup (flag/environment overrides stay
// in force). It answers the restored configuration.
func (m *Manager) RestoreBackup(name string) (AppConfig, error) {
	cfg, parts, err := m.readBackup(name)
	if err != nil {
		return AppConfig{}, err
	}
	next, err := m.Replace(cfg)
	if err != nil {
		return AppConfig{}, err
	}
	return next, m.importParts(parts)
}

// Replace swaps in a whole new document through Update (validated, backed
// up first — always, never coalesced —, saved atomically, subscribers
// told). The flag/environment overrides are applied over it, as at start.
func (m *Manager) Replace(next AppConfig) (AppConfig, error) {
	return m.update(func(c *AppConfig) error {
		n := next.Clone()
		m.over.Apply(&n) // m.over never changes after NewManager
		*c = n
		return nil
	}, false)
}

// DeleteBackup removes the named backup (ErrNotFound when absent).
func (m *Manager) DeleteBackup(name string) error {
	if err := CheckBackupName(name); err != nil {
		return err
	}
	root, err := m.backupRoot()
	if err != nil {
		return err
	}
	defer root.Close()
	fi, err := root.Lstat(name)
	if errors.Is(err, fs.ErrNotExist) || (err == nil && !fi.Mode().IsRegular()) {
		return fmt.Errorf("backup %q: %w", name, anime.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("stat backup: %w", err)
	}
	if err := root.Remove(name); err != nil {
		return fmt.Errorf("delete backup: %w", err)
	}
	return nil
}

// LatestAutomaticBackup is the time of the newest automatic backup (zero
// when there is none).
func (m *Manager) LatestAutomaticBackup() (time.Time, error) {
	list, err := m.ListBackups()
	if err != nil {
		return time.Time{}, err
	}
	var latest time.Time
	for _, b := range list {
		if b.Automatic && b.Created.After(latest) {
			latest = b.Created
		}
	}
	return latest, nil
}

package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
)

// Manager owns the live configuration: readers get a copy, writers go
// through Update, which validates, backs up the current file, saves
// atomically and tells subscribers.
type Manager struct {
	mu      sync.Mutex
	path    string
	cur     AppConfig // effective: file + overrides
	base    AppConfig // what the file holds
	over    Overrides
	now     func() time.Time
	subs    []func(old, new AppConfig)
	live    []string // paths applied without a restart (Live, ReadsLive)
	saveErr func(string, AppConfig) error
	// lastAuto is when Update last wrote an automatic backup (coalescing).
	lastAuto time.Time
	parts    []BackupPart // state outside the file that backups carry (backup_parts.go)
}

// NewManager wraps the configuration loaded from path (base) and the
// flag/environment overrides applied over it. Overridden values are live
// but are not written into the file unless an update changes them.
func NewManager(path string, base AppConfig, over Overrides) *Manager {
	cur := base.Clone()
	over.Apply(&cur)
	return &Manager{path: path, cur: cur, base: base.Clone(), over: over, now: time.Now, saveErr: Save}
}

// Path is the config file's path.
func (m *Manager) Path() string { return m.path }

// Get returns a copy of the current configuration.
func (m *Manager) Get() AppConfig {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.cur.Clone()
}

// Subscribe registers fn to run after every successful update without
// declaring what it applies (see Live, which should be preferred).
func (m *Manager) Subscribe(fn func(old, new AppConfig)) { m.Live(nil, fn) }

// ValidationError carries every problem of a rejected update.
type ValidationError struct{ Errors FieldErrors }

func (e *ValidationError) Error() string { return "invalid configuration: " + e.Errors.Error() }

// Unwrap marks a ValidationError as invalid input.
func (e *ValidationError) Unwrap() error { return anime.ErrInvalid }

// Update applies fn to a copy of the configuration. When fn succeeds and
// the result validates, the current file is backed up (unless an update
// within BackupCoalesceWindow already did: a burst of writes keeps the
// state before the burst), the new one saved atomically, and subscribers
// are told. On any error nothing changes.
func (m *Manager) Update(fn func(*AppConfig) error) (AppConfig, error) {
	return m.update(fn, true)
}

// update is Update; coalesce=false always writes the backup (restores and
// resets, which a user may want to undo).
func (m *Manager) update(fn func(*AppConfig) error, coalesce bool) (AppConfig, error) {
	m.mu.Lock()
	old := m.cur.Clone()
	next := m.cur.Clone()
	if err := fn(&next); err != nil {
		m.mu.Unlock()
		return old, err
	}
	next.syncAdvanced()
	if errs := next.Validate(); len(errs) > 0 {
		m.mu.Unlock()
		return old, &ValidationError{Errors: errs}
	}
	backedUp, err := m.autoBackupLocked(coalesce)
	if err != nil {
		m.mu.Unlock()
		return old, fmt.Errorf("backup before update: %w", err)
	}
	toSave := next.Clone()
	m.over.unapply(&toSave, m.base)
	if err := m.saveErr(m.path, toSave); err != nil {
		m.mu.Unlock()
		return old, fmt.Errorf("save config: %w", err)
	}
	m.cur, m.base = next, toSave
	subs := append([]func(old, new AppConfig){}, m.subs...)
	m.mu.Unlock()
	for _, s := range subs {
		s(old, next.Clone())
	}
	if backedUp {
		// Best effort: a failed prune leaves extra files, never loses one
		// it should keep; the next backup tries again.
		_, _ = m.PruneBackups(m.now())
	}
	return next.Clone(), nil
}

// Backup writes a copy of the current configuration file into the backup
// directory and returns its name. A custom name is sanitised.
func (m *Manager) Backup(name string) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.backupLocked(name, true)
}

// BackupPrefix starts the name of every automatic backup.
const BackupPrefix = "config_backup_"

func (m *Manager) backupLocked(custom string, manual bool) (string, error) {
	dir := m.cur.BackupDir()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("create backup dir: %w", err)
	}
	data, err := os.ReadFile(m.path)
	if errors.Is(err, os.ErrNotExist) {
		if !manual {
			return "", nil // nothing on disk yet: nothing to back up
		}
		b, merr := m.cur.MarshalJSON()
		if merr != nil {
			return "", merr
		}
		data = b
	} else if err != nil {
		return "", fmt.Errorf("read config: %w", err)
	}
	if data, err = m.withParts(data, manual); err != nil {
		return "", err
	}
	base := BackupPrefix + m.now().UTC().Format("20060102_150405")
	if custom != "" {
		s, err := SanitizeBackupName(custom)
		if err != nil {
			return "", err
		}
		base = s
	}
	base = strings.TrimSuffix(base, ".json")
	for i := 0; ; i++ {
		name := base + ".json"
		if i > 0 {
			name = fmt.Sprintf("%s_%d.json", base, i)
		}
		f, err := os.OpenFile(filepath.Join(dir, name), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, os.ErrExist) {
			continue
		}
		if err != nil {
			return "", fmt.Errorf("create backup: %w", err)
		}
		_, werr := f.Write(data)
		serr := f.Sync()
		cerr := f.Close()
		if err := errors.Join(werr, serr, cerr); err != nil {
			os.Remove(f.Name())
			return "", fmt.Errorf("write backup: %w", err)
		}
		return name, nil
	}
}

// SanitizeBackupName turns a user-chosen backup name into a safe file name
// inside the backup directory, or answers ErrInvalid.
func SanitizeBackupName(name string) (string, error) {
	n := strings.TrimSpace(name)
	if n == "" || len(n) > 100 || strings.ContainsAny(n, "/\\\x00") || strings.Contains(n, "..") || strings.HasPrefix(n, ".") {
		return "", fmt.Errorf("%w: backup name %q is not allowed (letters, digits, '-', '_', '.'; no paths)", anime.ErrInvalid, name)
	}
	for _, r := range n {
		if !(r == '-' || r == '_' || r == '.' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return "", fmt.Errorf("%w: backup name %q is not allowed (letters, digits, '-', '_', '.'; no paths)", anime.ErrInvalid, name)
		}
	}
	if !strings.HasSuffix(n, ".json") {
		n += ".json"
	}
	return n, nil
}

package config

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/aniworld/aniworld/internal/anime"
)

// memPart is a backup part over a string held in memory.
type memPart struct {
	mu        sync.Mutex
	state     string
	exportErr error
}

func (p *memPart) part() BackupPart {
	return BackupPart{Name: "things",
		Export: func() (json.RawMessage, error) {
			p.mu.Lock()
			defer p.mu.Unlock()
			if p.exportErr != nil {
				return nil, p.exportErr
			}
			return json.Marshal(p.state)
		},
		Check: func(raw json.RawMessage) error {
			var s string
			if err := json.Unmarshal(raw, &s); err != nil || strings.Contains(s, "bad") {
				return errors.New("not a good thing")
			}
			return nil
		},
		Import: func(raw json.RawMessage) error {
			p.mu.Lock()
			defer p.mu.Unlock()
			return json.Unmarshal(raw, &p.state)
		},
	}
}

// TestBackupPartsRoundTrip: a backup carries the registered parts beside
// the configuration, a restore puts both back, and the part never leaks
// into the configuration document.
func TestBackupPartsRoundTrip(t *testing.T) {
	m, dir := newBackupManager(t)
	p := &memPart{state: "monitored: demo"}
	m.AddBackupPart(p.part())
	name, err := m.Backup("with-state")
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(filepath.Join(m.Get().BackupDir(), name))
	var top map[string]json.RawMessage
	if err := json.Unmarshal(raw, &top); err != nil || string(top[BackupStateKey]) != `{"things":"monitored: demo"}` || top["scheduler"] == nil {
		t.Fatalf("backup file %s (%v)", raw, err)
	}
	p.state = "changed"
	if _, err := m.Update(func(c *AppConfig) error { c.Name = "Changed"; return nil }); err != nil {
		t.Fatal(err)
	}
	got, err := m.RestoreBackup(name)
	if err != nil {
		t.Fatal(err)
	}
	if p.state != "monitored: demo" || got.Name == "Changed" {
		t.Fatalf("after restore: part %q, name %q", p.state, got.Name)
	}
	if _, ok := got.Other[BackupStateKey]; ok {
		t.Fatalf("the part leaked into the configuration: %v", got.Other)
	}
	file, _ := os.ReadFile(filepath.Join(dir, "config.json"))
	if strings.Contains(string(file), BackupStateKey) {
		t.Fatalf("config.json holds the part: %s", file)
	}
	// The restore backed up the state it replaced ("changed") first.
	list, _ := m.ListBackups()
	found := false
	for _, b := range list {
		if data, _ := os.ReadFile(filepath.Join(m.Get().BackupDir(), b.Name)); strings.Contains(string(data), `"things":"changed"`) {
			found = true
		}
	}
	if !found {
		t.Fatalf("no backup of the replaced state among %+v", list)
	}
}

// TestBackupPartsRefusedAndUnknown: an invalid part refuses the restore
// before anything changes (422-style ValidationError naming the part);
// parts the server does not know and backups without parts restore the
// configuration alone.
func TestBackupPartsRefusedAndUnknown(t *testing.T) {
	m, _ := newBackupManager(t)
	p := &memPart{state: "now"}
	m.AddBackupPart(p.part())
	bdir := m.Get().BackupDir()
	os.MkdirAll(bdir, 0o700)
	cases := []struct {
		name, doc string
		wantErr   bool
		wantState string
	}{
		{"bad.json", `{"name":"Restored","_state":{"things":"a bad thing"}`, true, "now"},
		{"notobject.json", `{"name":"Restored","_state":[1,2]`, true, "now"},
		{"unknown.json", `{"name":"Restored","_state":{"other-part":{"x":1}}`, false, "now"},
		{"plain.json", `{"name":"Restored"`, false, "now"},
		{"good.json", "\xef\xbb\xbf" + `{"_state":{"things":"from backup"},"name":"Restored"`, false, "from backup"},
	}
	dataDir, _ := json.Marshal(m.Get().DataDir) // the backup directory lives under it
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if _, err := m.Update(func(cfg *AppConfig) error { cfg.Name = "Before"; return nil }); err != nil {
				t.Fatal(err)
			}
			os.WriteFile(filepath.Join(bdir, c.name), []byte(c.doc+`,"data_dir":`+string(dataDir)+`}`), 0o600)
			got, err := m.RestoreBackup(c.name)
			if c.wantErr {
				var ve *ValidationError
				if !errors.As(err, &ve) || !errors.Is(err, anime.ErrInvalid) || m.Get().Name != "Before" {
					t.Fatalf("restore = %v (name %q), want a validation error and nothing changed", err, m.Get().Name)
				}
				if !strings.Contains(err.Error(), BackupStateKey) {
					t.Fatalf("error does not name the part: %v", err)
				}
			} else if err != nil || got.Name != "Restored" {
				t.Fatalf("restore = %q, %v", got.Name, err)
			}
			if p.state != c.wantState {
				t.Fatalf("part %q, want %q", p.state, c.wantState)
			}
			if _, ok := m.Get().Other[BackupStateKey]; ok {
				t.Fatal("the part leaked into the configuration")
			}
			p.state = "now"
		})
	}
}

// TestBackupPartExportFailure: a part that cannot be exported fails a
// manual backup (the user asked for everything) but never an update's
// automatic backup, which still holds the configuration.
func TestBackupPartExportFailure(t *testing.T) {
	m, _ := newBackupManager(t)
	p := &memPart{exportErr: errors.New("database locked")}
	m.AddBackupPart(p.part())
	if _, err := m.Backup("manual"); err == nil || !strings.Contains(err.Error(), "database locked") {
		t.Fatalf("manual backup = %v, want the part's error", err)
	}
	if _, err := m.Update(func(c *AppConfig) error { c.Name = "Next"; return nil }); err != nil {
		t.Fatalf("update with a failing part: %v", err)
	}
	list, _ := m.ListBackups()
	if len(list) != 1 || !list[0].Automatic {
		t.Fatalf("backups %+v, want the automatic one", list)
	}
}

// FuzzSplitParts: whatever a backup file holds, splitting its state off
// never panics, and a split document no longer carries the state.
func FuzzSplitParts(f *testing.F) {
	for _, s := range []string{`{}`, `{"name":"x","_state":{"series_monitoring":{"demo":{"mode":"all"}}}}`,
		"\xef\xbb\xbf{\"_state\":{}}", `{"_state":[1]}`, `{"_state":null}`, `[]`, `"x"`, `{"a":{"_state":1}}`, ``} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		rest, parts, err := splitParts(doc)
		if err != nil || parts == nil {
			return
		}
		var top map[string]json.RawMessage
		if json.Unmarshal(rest, &top) != nil {
			t.Fatalf("split document is not an object: %q", rest)
		}
		if _, ok := top[BackupStateKey]; ok {
			t.Fatalf("state left in %q", rest)
		}
	})
}

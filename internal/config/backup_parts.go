package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
)

// BackupStateKey is the top-level key of a backup file that holds the
// backup parts (state kept outside the configuration file). It is never
// part of the configuration itself.
const BackupStateKey = "_state"

// BackupPart is state kept outside the configuration file (for example
// per-series settings in SQLite) that every backup carries and a restore
// puts back, so settings survive backups and restore as a whole.
type BackupPart struct {
	// Name is the part's key inside the backup's "_state" object.
	Name string
	// Export answers the part's current state. It runs while the
	// configuration is locked: it must not call the Manager.
	Export func() (json.RawMessage, error)
	// Check validates a stored part before anything is restored.
	Check func(json.RawMessage) error
	// Import applies a stored part after the configuration was restored.
	Import func(json.RawMessage) error
}

// AddBackupPart registers a part; backups made from now on carry it.
func (m *Manager) AddBackupPart(p BackupPart) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.parts = append(m.parts, p)
}

// withParts adds the registered parts to a configuration document (the
// file's bytes are kept as they are; the "_state" object is appended).
// A part that cannot be exported fails a manual backup and is left out of
// an automatic one (the configuration is still backed up).
func (m *Manager) withParts(doc []byte, manual bool) ([]byte, error) {
	if len(m.parts) == 0 {
		return doc, nil
	}
	state := map[string]json.RawMessage{}
	for _, p := range m.parts {
		raw, err := p.Export()
		if err != nil {
			if manual {
				return nil, fmt.Errorf("back up %s: %w", p.Name, err)
			}
			continue
		}
		state[p.Name] = raw
	}
	if len(state) == 0 {
		return doc, nil
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(doc, &top); err != nil {
		return nil, fmt.Errorf("back up: the configuration file is not a JSON object: %w", err)
	}
	st, err := json.Marshal(state)
	if err != nil {
		return nil, err
	}
	body := bytes.TrimRight(doc, " \t\r\n")
	body = body[:len(body)-1] // the object's closing brace
	var out bytes.Buffer
	out.Write(body)
	if len(top) > 0 {
		out.WriteString(",\n")
	}
	fmt.Fprintf(&out, "  %q: %s\n}\n", BackupStateKey, st)
	return out.Bytes(), nil
}

// splitParts takes the "_state" object out of a backup document: the
// configuration without it, and the parts by name.
func splitParts(doc []byte) ([]byte, map[string]json.RawMessage, error) {
	doc = bytes.TrimPrefix(doc, []byte("\xef\xbb\xbf"))
	var top map[string]json.RawMessage
	if json.Unmarshal(doc, &top) != nil {
		return doc, nil, nil // Merge reports what is wrong with it
	}
	raw, ok := top[BackupStateKey]
	if !ok {
		return doc, nil, nil
	}
	delete(top, BackupStateKey)
	var parts map[string]json.RawMessage
	if err := json.Unmarshal(raw, &parts); err != nil {
		return nil, nil, &ValidationError{Errors: FieldErrors{{Field: BackupStateKey, Message: "must be an object of backup parts"}}}
	}
	rest, err := json.Marshal(top)
	if err != nil {
		return nil, nil, err
	}
	return rest, parts, nil
}

// checkParts validates the stored parts a backup carries (parts the
// server does not know are ignored).
func (m *Manager) checkParts(parts map[string]json.RawMessage) error {
	var errs FieldErrors
	for _, p := range m.registeredParts() {
		raw, ok := parts[p.Name]
		if !ok || p.Check == nil {
			continue
		}
		if err := p.Check(raw); err != nil {
			errs = append(errs, FieldError{Field: BackupStateKey + "." + p.Name, Message: err.Error()})
		}
	}
	if len(errs) > 0 {
		sort.Slice(errs, func(i, j int) bool { return errs[i].Field < errs[j].Field })
		return &ValidationError{Errors: errs}
	}
	return nil
}

// importParts applies the stored parts after a restore.
func (m *Manager) importParts(parts map[string]json.RawMessage) error {
	for _, p := range m.registeredParts() {
		raw, ok := parts[p.Name]
		if !ok || p.Import == nil {
			continue
		}
		if err := p.Import(raw); err != nil {
			return fmt.Errorf("the configuration was restored, but %s was not: %w", p.Name, err)
		}
	}
	return nil
}

func (m *Manager) registeredParts() []BackupPart {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]BackupPart(nil), m.parts...)
}

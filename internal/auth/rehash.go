package auth

import (
	"context"
	"encoding/json"
	"path/filepath"
	"time"
)

// upgradeHash re-hashes the master password with the current parameters
// after a successful login if the stored hash used different ones, so
// raising DefaultHashParams upgrades existing installations. It is best
// effort: a failure leaves the old, still valid hash in place.
func (s *Service) upgradeHash(ctx context.Context, password, phc string) {
	p, _, _, err := ParseHash(phc)
	if err != nil || p == s.opts.hashParams {
		return
	}
	if err := s.acquireHashSlot(ctx); err != nil {
		return
	}
	fresh, err := HashPassword(password, s.opts.hashParams)
	s.releaseHashSlot()
	if err != nil {
		return
	}
	s.setupMu.Lock()
	defer s.setupMu.Unlock()
	if s.passwordHash() != phc {
		return // someone else upgraded it meanwhile
	}
	path := filepath.Join(s.opts.DataDir, PasswordFile)
	rec := passwordRecord{CreatedAt: s.now().UTC()}
	if old, err := readSecretFile(path); err == nil {
		var prev passwordRecord
		if json.Unmarshal(old, &prev) == nil && !prev.CreatedAt.IsZero() {
			rec.CreatedAt = prev.CreatedAt
		}
	}
	rec.PasswordHash = fresh
	rec.UpdatedAt = s.now().UTC().Truncate(time.Second)
	data, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return
	}
	if err := replaceSecretFile(path, append(data, '\n')); err != nil {
		return
	}
	s.mu.Lock()
	s.phc = fresh
	s.mu.Unlock()
}

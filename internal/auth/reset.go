package auth

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Reset returns access control to its first-start state, for
// POST /api/config/reset with preserve_security:false: the JWT signing
// secret is rotated (every issued token stops verifying at once) and the
// master password is removed, so the next POST /api/auth/setup sets a new
// one. The secret is rotated first: a crash in between leaves the old
// password working and every old session dead, never the reverse.
func (s *Service) Reset(ctx context.Context) error {
	rotated, err := s.reset(ctx)
	if rotated {
		s.invalidated() // outside setupMu: a hook may call back into the service
	}
	return err
}

// reset does Reset's work under setupMu; rotated says whether the secret
// was replaced (also when removing the password failed afterwards).
func (s *Service) reset(ctx context.Context) (rotated bool, err error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	s.setupMu.Lock()
	defer s.setupMu.Unlock()

	key := make([]byte, len(s.signingKey()))
	if _, err := rand.Read(key); err != nil {
		return false, fmt.Errorf("reset: generate jwt secret: %w", err)
	}
	enc := base64.StdEncoding.EncodeToString(key) + "\n"
	if err := replaceSecretFile(filepath.Join(s.opts.DataDir, SecretFile), []byte(enc)); err != nil {
		return false, fmt.Errorf("reset: %w", err)
	}
	s.mu.Lock()
	s.secret = key
	s.mu.Unlock()
	rotated = true // every old token is dead now; Reset tells the hooks

	if err := os.Remove(filepath.Join(s.opts.DataDir, PasswordFile)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return rotated, fmt.Errorf("reset: remove password: %w", err)
	}
	syncDir(s.opts.DataDir)
	s.mu.Lock()
	s.phc = ""
	s.mu.Unlock()
	return rotated, nil
}

// Package auth is aniworld's access control: the master password (policy,
// argon2id hash on disk), JWT sessions (HS256, revocation persisted in
// SQLite), login lockout, keyed rate limiting, client-address resolution
// and CORS. HTTP handlers live in api; this package gives them the
// primitives and two plain net/http middlewares.
package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"
)

// File names inside the data directory.
const (
	PasswordFile = "auth.json"
	SecretFile   = "jwt_secret"
)

// Defaults for Options.
const (
	DefaultSessionTimeout = 24 * time.Hour
	DefaultRememberFor    = 30 * 24 * time.Hour
	DefaultMaxClients     = 10000
	pruneEvery            = time.Hour
)

// RevocationStore persists revoked token ids; *store.DB implements it.
type RevocationStore interface {
	RevokeToken(ctx context.Context, jti string, expiresAt time.Time) error
	RevokedTokens(ctx context.Context, now time.Time) (map[string]time.Time, error)
	PruneRevokedTokens(ctx context.Context, now time.Time) (int64, error)
}

// Options configure a Service. DataDir and Store are required.
type Options struct {
	// DataDir holds auth.json (the password hash) and jwt_secret.
	DataDir string
	// Store persists revocations.
	Store RevocationStore
	// SessionTimeout is a normal token's lifetime (DefaultSessionTimeout).
	SessionTimeout time.Duration
	// RememberFor is a "remember me" token's lifetime (DefaultRememberFor).
	RememberFor time.Duration
	// Lockout is the failed-login policy; zero fields take the defaults.
	Lockout LockoutPolicy
	// MaxClients bounds how many clients' failures are tracked
	// (DefaultMaxClients).
	MaxClients int
	// Now is the clock (time.Now).
	Now func() time.Time

	// hashParams overrides DefaultHashParams; tests only.
	hashParams HashParams
}

// Session is a freshly issued token.
type Session struct {
	Token     string
	ExpiresAt time.Time
	JTI       string
}

// Claims are a verified token's claims.
type Claims struct {
	Subject   string
	JTI       string
	IssuedAt  time.Time
	ExpiresAt time.Time
}

// Service owns the master password, token issuing/verification and the
// revocation set. Safe for concurrent use; it starts no goroutines.
type Service struct {
	opts   Options
	now    func() time.Time
	secret []byte
	lock   *lockout
	// hashSlots bounds concurrent argon2 runs, each of which allocates
	// Memory KiB, so a login flood cannot exhaust RAM.
	hashSlots chan struct{}

	mu  sync.RWMutex
	phc string // empty until configured

	setupMu sync.Mutex

	revMu     sync.RWMutex
	revoked   map[string]time.Time // jti -> token expiry
	lastPrune time.Time
	// unpersisted are revocations the store has not taken yet (jti ->
	// expiry); they are retried by the next Revoke or PruneRevoked.
	unpersisted map[string]time.Time

	hookMu sync.Mutex
	hooks  []func() // OnInvalidate
}

// passwordRecord is auth.json's content.
type passwordRecord struct {
	PasswordHash string    `json:"password_hash"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at,omitzero"`
}

// New opens the auth state in opts.DataDir: it loads (or on first start
// generates) the JWT signing secret, loads the password hash if one was
// set, and loads the unexpired revocations from the store.
func New(ctx context.Context, opts Options) (*Service, error) {
	if opts.DataDir == "" {
		return nil, errors.New("auth: data dir is required")
	}
	if opts.Store == nil {
		return nil, errors.New("auth: revocation store is required")
	}
	if opts.SessionTimeout <= 0 {
		opts.SessionTimeout = DefaultSessionTimeout
	}
	if opts.RememberFor <= 0 {
		opts.RememberFor = DefaultRememberFor
	}
	def := DefaultLockoutPolicy()
	if opts.Lockout.MaxFailures <= 0 {
		opts.Lockout.MaxFailures = def.MaxFailures
	}
	if opts.Lockout.Window <= 0 {
		opts.Lockout.Window = def.Window
	}
	if opts.Lockout.Duration <= 0 {
		opts.Lockout.Duration = def.Duration
	}
	if opts.MaxClients <= 0 {
		opts.MaxClients = DefaultMaxClients
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.hashParams == (HashParams{}) {
		opts.hashParams = DefaultHashParams()
	}
	if err := os.MkdirAll(opts.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("auth: create data dir: %w", err)
	}
	s := &Service{
		opts:      opts,
		now:       opts.Now,
		lock:      newLockout(opts.Lockout, opts.MaxClients),
		hashSlots: make(chan struct{}, max(1, runtime.GOMAXPROCS(0))),
	}
	var err error
	if s.secret, err = loadOrCreateSecret(filepath.Join(opts.DataDir, SecretFile)); err != nil {
		return nil, fmt.Errorf("auth: %w", err)
	}
	if s.phc, err = loadPasswordHash(filepath.Join(opts.DataDir, PasswordFile)); err != nil {
		return nil, fmt.Errorf("auth: %w", err)
	}
	now := s.now()
	if _, err := opts.Store.PruneRevokedTokens(ctx, now); err != nil {
		return nil, fmt.Errorf("auth: %w", err)
	}
	if s.revoked, err = opts.Store.RevokedTokens(ctx, now); err != nil {
		return nil, fmt.Errorf("auth: %w", err)
	}
	s.lastPrune = now
	return s, nil
}

// loadPasswordHash reads auth.json; "" when it does not exist yet.
func loadPasswordHash(path string) (string, error) {
	data, err := readSecretFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	var rec passwordRecord
	if err := json.Unmarshal(data, &rec); err != nil {
		return "", fmt.Errorf("%s: not valid JSON", PasswordFile)
	}
	if _, _, _, err := ParseHash(rec.PasswordHash); err != nil {
		return "", fmt.Errorf("%s: %w", PasswordFile, err)
	}
	return rec.PasswordHash, nil
}

// Configured reports whether a master password has been set.
func (s *Service) Configured() bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.phc != ""
}

func (s *Service) passwordHash() string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.phc
}

// SessionTimeout is a normal token's lifetime.
func (s *Service) SessionTimeout() time.Duration { return s.opts.SessionTimeout }

// Setup sets the master password, exactly once. It returns
// ErrAlreadyConfigured if one is set (also when a concurrent Setup won) and
// *PolicyError for a weak password; both wrap anime.ErrInvalid.
func (s *Service) Setup(ctx context.Context, password string) error {
	if s.Configured() {
		return ErrAlreadyConfigured
	}
	if failed := CheckPolicy(password); len(failed) > 0 {
		return &PolicyError{Failed: failed}
	}
	if err := s.acquireHashSlot(ctx); err != nil {
		return err
	}
	phc, err := HashPassword(password, s.opts.hashParams)
	s.releaseHashSlot()
	if err != nil {
		return fmt.Errorf("setup: %w", err)
	}
	data, err := json.MarshalIndent(passwordRecord{PasswordHash: phc, CreatedAt: s.now().UTC()}, "", "  ")
	if err != nil {
		return fmt.Errorf("setup: %w", err)
	}
	s.setupMu.Lock()
	defer s.setupMu.Unlock()
	if s.Configured() {
		return ErrAlreadyConfigured
	}
	err = createSecretFile(filepath.Join(s.opts.DataDir, PasswordFile), append(data, '\n'))
	if errors.Is(err, errFileExists) {
		return ErrAlreadyConfigured
	}
	if err != nil {
		return fmt.Errorf("setup: %w", err)
	}
	s.mu.Lock()
	s.phc = phc
	s.mu.Unlock()
	return nil
}

// Login checks password for the client (its address, as ClientIP gives it)
// and issues a token: for RememberFor when remember, else SessionTimeout.
// Errors: ErrNotConfigured; ErrInvalidCredentials; *LockedError once the
// client has failed MaxFailures times within the window, until the lockout
// ends, even for the right password. A success clears the client's failures.
func (s *Service) Login(ctx context.Context, password string, remember bool, client string) (Session, error) {
	phc := s.passwordHash()
	if phc == "" {
		return Session{}, ErrNotConfigured
	}
	if err := s.lock.begin(client, s.now()); err != nil {
		return Session{}, err
	}
	ok, err := s.checkPassword(ctx, password, phc)
	if err != nil {
		s.lock.abort(client)
		return Session{}, err
	}
	if !ok {
		s.lock.fail(client, s.now())
		return Session{}, ErrInvalidCredentials
	}
	s.lock.succeed(client)
	s.upgradeHash(ctx, password, phc)
	ttl := s.opts.SessionTimeout
	if remember {
		ttl = s.opts.RememberFor
	}
	return s.issue(ttl)
}

// checkPassword verifies password against phc within a hash slot.
func (s *Service) checkPassword(ctx context.Context, password, phc string) (bool, error) {
	if len(password) > MaxPasswordLength {
		return false, nil
	}
	if err := s.acquireHashSlot(ctx); err != nil {
		return false, err
	}
	defer s.releaseHashSlot()
	ok, err := VerifyPassword(password, phc)
	if err != nil {
		return false, fmt.Errorf("login: %w", err)
	}
	return ok, nil
}

func (s *Service) acquireHashSlot(ctx context.Context) error {
	select {
	case s.hashSlots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("wait for password check: %w", ctx.Err())
	}
}

func (s *Service) releaseHashSlot() { <-s.hashSlots }

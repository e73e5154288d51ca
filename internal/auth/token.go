package auth

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

const (
	secretLen      = 64 // bytes of HMAC key
	minSecretLen   = 32
	tokenIssuer    = "aniworld"
	tokenSubject   = "master"
	maxTokenLength = 4096
)

// loadOrCreateSecret reads the JWT signing key, creating it from
// crypto/rand on first start. If two processes race, both end up with the
// one file that won.
func loadOrCreateSecret(path string) ([]byte, error) {
	data, err := readSecretFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		key := make([]byte, secretLen)
		if _, err := rand.Read(key); err != nil {
			return nil, fmt.Errorf("generate jwt secret: %w", err)
		}
		enc := base64.StdEncoding.EncodeToString(key) + "\n"
		if err := createSecretFile(path, []byte(enc)); err != nil && !errors.Is(err, errFileExists) {
			return nil, err
		}
		data, err = readSecretFile(path)
	}
	if err != nil {
		return nil, err
	}
	key, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(data)))
	if err != nil || len(key) < minSecretLen {
		return nil, fmt.Errorf("%s: not a base64 key of at least %d bytes", SecretFile, minSecretLen)
	}
	return key, nil
}

// issue signs a new HS256 token valid for ttl.
func (s *Service) issue(ttl time.Duration) (Session, error) {
	now := s.now()
	iat := jwt.NewNumericDate(now)
	exp := jwt.NewNumericDate(now.Add(ttl))
	jti := rand.Text()
	tok := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.RegisteredClaims{
		Issuer:    tokenIssuer,
		Subject:   tokenSubject,
		IssuedAt:  iat,
		ExpiresAt: exp,
		ID:        jti,
	})
	signed, err := tok.SignedString(s.signingKey())
	if err != nil {
		return Session{}, fmt.Errorf("sign token: %w", err)
	}
	return Session{Token: signed, ExpiresAt: exp.UTC(), JTI: jti}, nil
}

// parse checks signature (HS256 only) and claims; errors are the Err*
// token sentinels.
func (s *Service) parse(token string) (Claims, error) {
	if token == "" || len(token) > maxTokenLength {
		return Claims{}, ErrTokenMalformed
	}
	p := jwt.NewParser(
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithIssuer(tokenIssuer),
		jwt.WithSubject(tokenSubject),
		jwt.WithTimeFunc(s.now),
		jwt.WithStrictDecoding(),
	)
	var rc jwt.RegisteredClaims
	_, err := p.ParseWithClaims(token, &rc, func(*jwt.Token) (any, error) { return s.signingKey(), nil })
	switch {
	case err == nil:
	case errors.Is(err, jwt.ErrTokenMalformed):
		return Claims{}, ErrTokenMalformed
	case errors.Is(err, jwt.ErrTokenSignatureInvalid), errors.Is(err, jwt.ErrTokenUnverifiable):
		return Claims{}, ErrTokenSignature
	case errors.Is(err, jwt.ErrTokenExpired):
		// Only reported when the signature checked out.
		return Claims{}, ErrTokenExpired
	default:
		return Claims{}, ErrTokenInvalid
	}
	if rc.ID == "" || rc.ExpiresAt == nil || rc.IssuedAt == nil {
		return Claims{}, ErrTokenInvalid
	}
	return Claims{
		Subject:   rc.Subject,
		JTI:       rc.ID,
		IssuedAt:  rc.IssuedAt.UTC(),
		ExpiresAt: rc.ExpiresAt.UTC(),
	}, nil
}

// Verify checks a bearer token: HS256 signature with this installation's
// secret (alg "none" and every other algorithm are refused), issuer,
// subject, iat, exp and jti, and that it was not revoked. Every failure
// wraps anime.ErrUnauthorized and is one of ErrTokenMalformed,
// ErrTokenSignature, ErrTokenExpired, ErrTokenRevoked, ErrTokenInvalid.
func (s *Service) Verify(ctx context.Context, token string) (Claims, error) {
	c, err := s.parse(token)
	if err != nil {
		return Claims{}, err
	}
	s.revMu.RLock()
	_, revoked := s.revoked[c.JTI]
	s.revMu.RUnlock()
	if revoked {
		return Claims{}, ErrTokenRevoked
	}
	return c, nil
}

// Revoke logs a token out: its jti is stored until the token's expiry and
// every later Verify refuses it, also after a restart. Revoking an expired
// or already revoked token is a no-op; a token that is not ours (bad
// signature, malformed) is refused with the Verify error.
//
// The revocation takes effect in memory first. If persisting it fails the
// token is still refused from now on (and the store write is retried by
// the next Revoke or PruneRevoked); Revoke then returns an error wrapping
// ErrRevocationNotPersisted. Either way the OnInvalidate hooks run.
func (s *Service) Revoke(ctx context.Context, token string) error {
	c, err := s.parse(token)
	if errors.Is(err, ErrTokenExpired) {
		return nil
	}
	if err != nil {
		return err
	}
	s.revMu.Lock()
	if _, done := s.revoked[c.JTI]; done {
		s.revMu.Unlock()
		return nil
	}
	s.revoked[c.JTI] = c.ExpiresAt
	if s.unpersisted == nil {
		s.unpersisted = map[string]time.Time{}
	}
	s.unpersisted[c.JTI] = c.ExpiresAt
	due := s.now().Sub(s.lastPrune) >= pruneEvery
	s.revMu.Unlock()
	s.invalidated()

	perr := s.persistRevocations(ctx)
	if due {
		// Opportunistic; a failure here does not undo the revocation.
		_ = s.PruneRevoked(ctx)
	}
	return perr
}

// persistRevocations writes the revocations not yet in the store.
func (s *Service) persistRevocations(ctx context.Context) error {
	s.revMu.Lock()
	todo := maps.Clone(s.unpersisted)
	s.revMu.Unlock()
	var errs []error
	for jti, exp := range todo {
		if err := s.opts.Store.RevokeToken(ctx, jti, exp); err != nil {
			errs = append(errs, err)
			continue
		}
		s.revMu.Lock()
		delete(s.unpersisted, jti)
		s.revMu.Unlock()
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("%w: %w", ErrRevocationNotPersisted, err)
	}
	return nil
}

// OnInvalidate registers fn to run whenever issued tokens stop being
// valid before their expiry: after a Revoke (logout) and after Reset. The
// WebSocket hub uses it to close the sockets of those tokens.
func (s *Service) OnInvalidate(fn func()) {
	s.hookMu.Lock()
	s.hooks = append(s.hooks, fn)
	s.hookMu.Unlock()
}

func (s *Service) invalidated() {
	s.hookMu.Lock()
	hooks := slices.Clone(s.hooks)
	s.hookMu.Unlock()
	for _, fn := range hooks {
		fn()
	}
}

// PruneRevoked forgets revocations of tokens that have expired anyway, in
// the store and in memory. Revoke calls it at most hourly; the scheduler
// may call it too.
func (s *Service) PruneRevoked(ctx context.Context) error {
	if err := s.persistRevocations(ctx); err != nil {
		return fmt.Errorf("prune revoked: %w", err)
	}
	now := s.now()
	if _, err := s.opts.Store.PruneRevokedTokens(ctx, now); err != nil {
		return fmt.Errorf("prune revoked: %w", err)
	}
	s.revMu.Lock()
	defer s.revMu.Unlock()
	for jti, exp := range s.revoked {
		if !exp.After(now) {
			delete(s.revoked, jti)
			delete(s.unpersisted, jti)
		}
	}
	s.lastPrune = now
	return nil
}

// RevokedCount is the number of revocations held in memory.
func (s *Service) RevokedCount() int {
	s.revMu.RLock()
	defer s.revMu.RUnlock()
	return len(s.revoked)
}

// signingKey is the current JWT secret; Reset replaces it under s.mu.
func (s *Service) signingKey() []byte {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.secret
}

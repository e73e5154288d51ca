package auth

import (
	"errors"

	"github.com/aniworld/aniworld/internal/anime"
)

// authError is a sentinel with its own short message that still matches
// the anime sentinel it belongs to under errors.Is.
type authError struct {
	msg  string
	kind error
}

func (e *authError) Error() string { return e.msg }
func (e *authError) Unwrap() error { return e.kind }

// Errors returned by Service. Each wraps an anime sentinel so the API's
// one error mapper can pick the status; errors.Is on these tells them
// apart. None of their messages contains a password, hash, token or secret.
var (
	// ErrAlreadyConfigured: Setup was called after a master password was set
	// (wraps anime.ErrInvalid: a 400).
	ErrAlreadyConfigured error = &authError{"master password already configured", anime.ErrInvalid}
	// ErrNotConfigured: Login before Setup (wraps anime.ErrUnauthorized).
	ErrNotConfigured error = &authError{"master password not configured", anime.ErrUnauthorized}
	// ErrInvalidCredentials: wrong password (wraps anime.ErrUnauthorized).
	ErrInvalidCredentials error = &authError{"invalid password", anime.ErrUnauthorized}

	// ErrTokenMalformed: not a parseable JWT.
	ErrTokenMalformed error = &authError{"malformed token", anime.ErrUnauthorized}
	// ErrTokenExpired: past its exp claim.
	ErrTokenExpired error = &authError{"token expired", anime.ErrUnauthorized}
	// ErrTokenRevoked: logged out.
	ErrTokenRevoked error = &authError{"token revoked", anime.ErrUnauthorized}
	// ErrTokenSignature: bad signature or a signing method other than HS256.
	ErrTokenSignature error = &authError{"invalid token signature", anime.ErrUnauthorized}
	// ErrTokenInvalid: well-formed and signed but with wrong or missing
	// claims (issuer, subject, jti, iat in the future).
	ErrTokenInvalid error = &authError{"invalid token claims", anime.ErrUnauthorized}

	// ErrRevocationNotPersisted: a logout took effect in memory but the
	// store could not record it (it is retried); the token is refused
	// until this process ends even so.
	ErrRevocationNotPersisted = errors.New("revocation not persisted")
)

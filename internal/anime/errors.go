package anime

import "errors"

// Sentinel errors shared by every layer. Wrap them with %w; the API maps
// them to HTTP statuses in one place.
var (
	ErrNotFound     = errors.New("not found")
	ErrConflict     = errors.New("conflict")
	ErrInvalid      = errors.New("invalid input")
	ErrUnauthorized = errors.New("unauthorized")
	ErrForbidden    = errors.New("forbidden")
	ErrRateLimited  = errors.New("rate limited")
	ErrUnavailable  = errors.New("unavailable")
	// ErrProvider marks a failure of the site or a hoster (unreachable,
	// unexpected markup, blocked).
	ErrProvider = errors.New("provider error")
	// ErrChallenge marks an anti-bot challenge page (Cloudflare, DDoS-Guard)
	// in place of the content; never parse it as an empty result.
	ErrChallenge = errors.New("anti-bot challenge")
)

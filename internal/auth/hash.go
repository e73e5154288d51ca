package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
)

// HashParams are argon2id cost parameters. Memory is in KiB.
type HashParams struct {
	Memory  uint32
	Time    uint32
	Threads uint8
	SaltLen uint32
	KeyLen  uint32
}

// DefaultHashParams returns parameters that meet the OWASP Password Storage
// Cheat Sheet minimum for argon2id (m=19 MiB, t=2, p=1); one hash takes a few
// tens of milliseconds on a small machine.
func DefaultHashParams() HashParams {
	return HashParams{Memory: 19456, Time: 2, Threads: 1, SaltLen: 16, KeyLen: 32}
}

// Bounds a stored PHC string must respect; they stop a tampered hash file
// from making each login allocate gigabytes or spin for minutes.
const (
	maxHashMemory  = 1 << 20 // KiB (1 GiB)
	maxHashTime    = 64
	minSaltLen     = 8
	maxSaltLen     = 64
	minKeyLen      = 16
	maxKeyLen      = 128
	argon2Version  = argon2.Version
	phcAlgorithmID = "argon2id"
)

// ErrMalformedHash is returned for a stored hash that is not a valid argon2id
// PHC string within sane parameter bounds.
var ErrMalformedHash = errors.New("malformed password hash")

// HashPassword derives an argon2id hash of pw with a fresh random salt and
// returns it as a PHC string: $argon2id$v=19$m=...,t=...,p=...$salt$hash.
func HashPassword(pw string, p HashParams) (string, error) {
	if p.Memory == 0 || p.Time == 0 || p.Threads == 0 || p.SaltLen < minSaltLen || p.KeyLen < minKeyLen {
		return "", fmt.Errorf("hash password: invalid parameters")
	}
	salt := make([]byte, p.SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("hash password: salt: %w", err)
	}
	key := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	return fmt.Sprintf("$%s$v=%d$m=%d,t=%d,p=%d$%s$%s", phcAlgorithmID, argon2Version,
		p.Memory, p.Time, p.Threads, base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

// VerifyPassword reports whether pw matches the PHC string phc, using the
// parameters stored in phc and a constant-time comparison. A malformed phc
// is an error (ErrMalformedHash), never a silent mismatch.
func VerifyPassword(pw, phc string) (bool, error) {
	p, salt, key, err := ParseHash(phc)
	if err != nil {
		return false, err
	}
	got := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	return subtle.ConstantTimeCompare(got, key) == 1, nil
}

// ParseHash splits a PHC argon2id string into its parameters, salt and key.
// Errors wrap ErrMalformedHash and never echo the input.
func ParseHash(phc string) (HashParams, []byte, []byte, error) {
	bad := func(why string) (HashParams, []byte, []byte, error) {
		return HashParams{}, nil, nil, fmt.Errorf("%w: %s", ErrMalformedHash, why)
	}
	parts := strings.Split(phc, "$")
	if len(parts) != 6 || parts[0] != "" {
		return bad("want 5 '$'-separated fields")
	}
	if parts[1] != phcAlgorithmID {
		return bad("algorithm is not argon2id")
	}
	if parts[2] != "v="+strconv.Itoa(argon2Version) {
		return bad("unsupported argon2 version")
	}
	var p HashParams
	seen := map[string]bool{}
	for _, kv := range strings.Split(parts[3], ",") {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || seen[k] {
			return bad("bad parameter list")
		}
		seen[k] = true
		n, err := strconv.ParseUint(v, 10, 32)
		if err != nil || v != strconv.FormatUint(n, 10) {
			return bad("bad parameter value")
		}
		switch k {
		case "m":
			p.Memory = uint32(n)
		case "t":
			p.Time = uint32(n)
		case "p":
			if n > 255 {
				return bad("parallelism out of range")
			}
			p.Threads = uint8(n)
		default:
			return bad("unknown parameter")
		}
	}
	if !seen["m"] || !seen["t"] || !seen["p"] {
		return bad("missing parameter")
	}
	if p.Threads == 0 || p.Time == 0 || p.Time > maxHashTime ||
		p.Memory < 8*uint32(p.Threads) || p.Memory > maxHashMemory {
		return bad("parameters out of range")
	}
	salt, err := base64.RawStdEncoding.Strict().DecodeString(parts[4])
	if err != nil || len(salt) < minSaltLen || len(salt) > maxSaltLen {
		return bad("bad salt")
	}
	key, err := base64.RawStdEncoding.Strict().DecodeString(parts[5])
	if err != nil || len(key) < minKeyLen || len(key) > maxKeyLen {
		return bad("bad hash")
	}
	p.SaltLen = uint32(len(salt))
	p.KeyLen = uint32(len(key))
	return p, salt, key, nil
}

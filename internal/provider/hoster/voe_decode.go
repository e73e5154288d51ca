package hoster

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// voeJunk are the filler tokens VOE sprinkles into its payload. None of
// them contains a letter, so they survive the ROT13 step unchanged.
var voeJunk = []string{"@$", "^^", "~@", "%?", "*~", "!!", "#&"}

// voeSources is the decoded VOE player configuration.
type voeSources struct {
	Source          string          `json:"source"`
	DirectAccessURL string          `json:"direct_access_url"`
	Fallback        json.RawMessage `json:"fallback"`
}

// decodeVOE reverses VOE's payload obfuscation: ROT13 the letters, delete
// the junk tokens, base64, shift every char code down by 3, reverse,
// base64 again, which yields JSON.
func decodeVOE(payload string) ([]byte, error) {
	s := rot13(strings.TrimSpace(payload))
	for _, j := range voeJunk {
		s = strings.ReplaceAll(s, j, "")
	}
	step, err := decodeB64(s)
	if err != nil {
		return nil, fmt.Errorf("first base64: %w", err)
	}
	shifted := make([]byte, len(step))
	for i, b := range step {
		if b < 3 {
			return nil, errors.New("char shift underflow")
		}
		shifted[len(step)-1-i] = b - 3 // shift and reverse in one pass
	}
	out, err := decodeB64(string(shifted))
	if err != nil {
		return nil, fmt.Errorf("second base64: %w", err)
	}
	if !json.Valid(out) {
		return nil, errors.New("decoded payload is not JSON")
	}
	return out, nil
}

// rot13 rotates ASCII letters by 13 and leaves everything else alone.
func rot13(s string) string {
	b := []byte(s)
	for i, c := range b {
		switch {
		case c >= 'a' && c <= 'z':
			b[i] = 'a' + (c-'a'+13)%26
		case c >= 'A' && c <= 'Z':
			b[i] = 'A' + (c-'A'+13)%26
		}
	}
	return string(b)
}

// decodeB64 accepts standard or URL-safe base64, padded or not.
func decodeB64(s string) ([]byte, error) {
	s = strings.TrimRight(strings.TrimSpace(s), "=")
	if strings.ContainsAny(s, "-_") {
		return base64.RawURLEncoding.DecodeString(s)
	}
	return base64.RawStdEncoding.DecodeString(s)
}

// fallbackURL extracts a media URL from VOE's "fallback" field, which is
// either a string or a list of strings or {file|url} objects.
func (v voeSources) fallbackURL() string {
	if len(v.Fallback) == 0 {
		return ""
	}
	var s string
	if json.Unmarshal(v.Fallback, &s) == nil {
		return s
	}
	var list []json.RawMessage
	if json.Unmarshal(v.Fallback, &list) != nil {
		return ""
	}
	for _, item := range list {
		if json.Unmarshal(item, &s) == nil && s != "" {
			return s
		}
		var obj struct {
			File string `json:"file"`
			URL  string `json:"url"`
		}
		if json.Unmarshal(item, &obj) == nil {
			if obj.File != "" {
				return obj.File
			}
			if obj.URL != "" {
				return obj.URL
			}
		}
	}
	return ""
}

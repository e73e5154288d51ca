package hoster

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
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

// decodeVOE reverses VOE's payload obfuscation with the built-in junk
// list.
func decodeVOE(payload string) ([]byte, error) { return decodeVOEWith(payload, voeJunk) }

// decodeVOEWith reverses VOE's payload obfuscation: ROT13 the letters,
// delete the junk tokens, base64, shift every char code down by 3,
// reverse, base64 again, which yields JSON.
func decodeVOEWith(payload string, junk []string) ([]byte, error) {
	s := rot13(strings.TrimSpace(payload))
	for _, j := range junk {
		if j != "" {
			s = strings.ReplaceAll(s, j, "")
		}
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

// decodeVOESimple reads the 2026 a168c form: base64, reverse, JSON.
func decodeVOESimple(payload string) ([]byte, error) {
	b, err := decodeB64(payload)
	if err != nil {
		return nil, fmt.Errorf("base64: %w", err)
	}
	out := make([]byte, len(b))
	for i, c := range b {
		out[len(b)-1-i] = c
	}
	if !json.Valid(out) {
		return nil, errors.New("decoded payload is not JSON")
	}
	return out, nil
}

// voeTokenArray finds an array literal of 5 to 8 quoted tokens, the shape
// of VOE's junk list in its page or loader script.
var (
	voeTokenArray = regexp.MustCompile(`\[(?:\s*(?:'[^'\n]{2,8}'|"[^"\n]{2,8}")\s*,?){5,8}\s*\]`)
	voeToken      = regexp.MustCompile(`'([^'\n]{2,8})'|"([^"\n]{2,8})"`)
)

// VOETokens returns the junk-token list in a VOE page or loader script:
// the first array literal of 5 to 8 quoted tokens whose every token holds
// a character outside base64 (so deleting it cannot eat payload). nil
// when there is none.
func VOETokens(js string) []string {
	for _, arr := range voeTokenArray.FindAllString(js, 16) {
		var toks []string
		for _, m := range voeToken.FindAllStringSubmatch(arr, -1) {
			t := m[1] + m[2]
			if !strings.ContainsFunc(t, notBase64) {
				toks = nil
				break
			}
			toks = append(toks, t)
		}
		if len(toks) >= 5 {
			return toks
		}
	}
	return nil
}

func notBase64(r rune) bool {
	return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '+' || r == '/' || r == '=' || r == '-' || r == '_')
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

// fallbackURLs extracts the media URLs of VOE's "fallback" field, which
// is either a string or a list of strings or {file|url} objects.
func (v voeSources) fallbackURLs() []string {
	if len(v.Fallback) == 0 {
		return nil
	}
	var s string
	if json.Unmarshal(v.Fallback, &s) == nil {
		if s == "" {
			return nil
		}
		return []string{s}
	}
	var list []json.RawMessage
	if json.Unmarshal(v.Fallback, &list) != nil {
		return nil
	}
	var out []string
	for _, item := range list {
		if json.Unmarshal(item, &s) == nil && s != "" {
			out = append(out, s)
			continue
		}
		var obj struct {
			File string `json:"file"`
			URL  string `json:"url"`
		}
		if json.Unmarshal(item, &obj) == nil {
			if obj.File != "" {
				out = append(out, obj.File)
			} else if obj.URL != "" {
				out = append(out, obj.URL)
			}
		}
	}
	return out
}

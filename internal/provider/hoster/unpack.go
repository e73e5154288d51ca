package hoster

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// packedWord matches the identifiers a Dean-Edwards packer replaced.
var packedWord = regexp.MustCompile(`\b\w+\b`)

// packerDigits is the packer's digit alphabet for radix up to 62.
const packerDigits = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"

// packedStart marks the packer's call; the argument list follows "}(".
const packedStart = "eval(function(p,a,c,k,e,"

// unpackJS finds a Dean-Edwards "eval(function(p,a,c,k,e,d)…" block in
// src and returns the unpacked script.
func unpackJS(src string) (string, error) {
	i := strings.Index(src, packedStart)
	if i < 0 {
		return "", errors.New("no packed script")
	}
	rest := src[i+len(packedStart):]
	j := strings.Index(rest, "}(")
	if j < 0 {
		return "", errors.New("packed script has no argument list")
	}
	rest = strings.TrimLeft(rest[j+2:], " \t\r\n")
	payload, rest, err := jsString(rest)
	if err != nil {
		return "", fmt.Errorf("payload: %w", err)
	}
	radix, rest, err := jsInt(rest)
	if err != nil {
		return "", fmt.Errorf("radix: %w", err)
	}
	count, rest, err := jsInt(rest)
	if err != nil {
		return "", fmt.Errorf("count: %w", err)
	}
	rest = strings.TrimLeft(rest, " \t\r\n,")
	words, rest, err := jsString(rest)
	if err != nil {
		return "", fmt.Errorf("keywords: %w", err)
	}
	if !strings.HasPrefix(strings.TrimLeft(rest, " \t\r\n"), ".split('|')") {
		return "", errors.New("keywords are not split on '|'")
	}
	if radix < 2 || radix > len(packerDigits) {
		return "", fmt.Errorf("unsupported radix %d", radix)
	}
	keys := strings.Split(words, "|")
	if count < len(keys) {
		keys = keys[:count] // the packer only looks up indices below count
	}
	out := packedWord.ReplaceAllStringFunc(payload, func(w string) string {
		n, ok := parseRadix(w, radix)
		if !ok || n >= len(keys) || keys[n] == "" {
			return w
		}
		return keys[n]
	})
	return out, nil
}

// parseRadix parses w in the packer's alphabet; false if w is not a number
// of that radix (or overflows).
func parseRadix(w string, radix int) (int, bool) {
	if len(w) == 0 || len(w) > 6 {
		return 0, false
	}
	n := 0
	for k := 0; k < len(w); k++ {
		d := strings.IndexByte(packerDigits, w[k])
		if d < 0 || d >= radix {
			return 0, false
		}
		n = n*radix + d
	}
	return n, true
}

// jsString reads one single- or double-quoted JS string literal at the
// start of s (after optional spaces and a comma) and returns its value and
// the remainder.
func jsString(s string) (string, string, error) {
	s = strings.TrimLeft(s, " \t\r\n,")
	if s == "" || (s[0] != '\'' && s[0] != '"') {
		return "", "", errors.New("expected string literal")
	}
	q := s[0]
	var b strings.Builder
	for k := 1; k < len(s); k++ {
		c := s[k]
		switch {
		case c == '\\':
			if k+1 >= len(s) {
				return "", "", errors.New("unterminated escape")
			}
			k++
			switch s[k] {
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case 'r':
				b.WriteByte('\r')
			default:
				b.WriteByte(s[k])
			}
		case c == q:
			return b.String(), s[k+1:], nil
		default:
			b.WriteByte(c)
		}
	}
	return "", "", errors.New("unterminated string literal")
}

// jsInt reads one decimal integer at the start of s (after optional spaces
// and a comma).
func jsInt(s string) (int, string, error) {
	s = strings.TrimLeft(s, " \t\r\n,")
	k := 0
	for k < len(s) && k < 9 && s[k] >= '0' && s[k] <= '9' {
		k++
	}
	if k == 0 {
		return 0, "", errors.New("expected integer")
	}
	n, err := strconv.Atoi(s[:k])
	if err != nil {
		return 0, "", err
	}
	return n, s[k:], nil
}

package hoster

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/aniworld/aniworld/internal/anime"
)

var speedfilesVar = regexp.MustCompile(`var\s+_0x5opu234\s*=\s*"([^"]*)"`)

// SpeedFiles extracts the MP4 of a SpeedFiles page.
type SpeedFiles struct {
	// UserAgent is sent and returned; empty means the Doer's (see
	// UserAgenter), else DefaultUserAgent.
	UserAgent string
}

// Name implements Extractor.
func (*SpeedFiles) Name() string { return "SpeedFiles" }

// Hosts implements HostMatcher.
func (*SpeedFiles) Hosts() []string { return []string{"speedfiles.net"} }

// Recognizes implements PageRecognizer: the obfuscated _0x5opu234 variable.
func (*SpeedFiles) Recognizes(page string) bool { return strings.Contains(page, "_0x5opu234") }

// Resolve implements Extractor.
func (x *SpeedFiles) Resolve(ctx context.Context, c Doer, embedURL string) (anime.Stream, error) {
	u, err := parseEmbed("speedfiles", embedURL)
	if err != nil {
		return anime.Stream{}, err
	}
	ua := pickUA(x.UserAgent, c, u)
	p, err := do(ctx, c, "speedfiles", "embed page", request{url: u.String(), headers: uaHeaders(ua), embed: true})
	if err != nil {
		return anime.Stream{}, err
	}
	m := speedfilesVar.FindStringSubmatch(p.body)
	if m == nil {
		return anime.Stream{}, fail("speedfiles", "no payload in embed page")
	}
	link, err := decodeSpeedFiles(m[1])
	if err != nil {
		return anime.Stream{}, fail("speedfiles", "decode payload: %v", err)
	}
	abs, err := resolveRef(p.final, link)
	if err != nil {
		return anime.Stream{}, fail("speedfiles", "bad media url: %v", err)
	}
	return anime.Stream{URL: abs, Kind: kindOf(abs), Headers: uaHeaders(ua), Hoster: "SpeedFiles"}, nil
}

// decodeSpeedFiles undoes SpeedFiles' obfuscation, in the order AW-old's
// extractor applies it: base64 → swap case → reverse → base64 → reverse →
// hex pairs to chars → each char −3 → swap case → reverse → base64.
// (Short descriptions of the scheme often omit the first reverse; the
// older aniworld downloader's code has it.)
func decodeSpeedFiles(s string) (string, error) {
	b, err := decodeB64(s)
	if err != nil {
		return "", fmt.Errorf("first base64: %w", err)
	}
	b, err = decodeB64(string(reverseBytes(swapCase(b))))
	if err != nil {
		return "", fmt.Errorf("second base64: %w", err)
	}
	raw, err := hex.DecodeString(string(reverseBytes(b)))
	if err != nil {
		return "", fmt.Errorf("hex: %w", err)
	}
	for i, c := range raw {
		if c < 3 {
			return "", errors.New("char shift underflow")
		}
		raw[i] = c - 3
	}
	out, err := decodeB64(string(reverseBytes(swapCase(raw))))
	if err != nil {
		return "", fmt.Errorf("third base64: %w", err)
	}
	return string(out), nil
}

// swapCase swaps the case of ASCII letters in place and returns b.
func swapCase(b []byte) []byte {
	for i, c := range b {
		switch {
		case c >= 'a' && c <= 'z':
			b[i] = c - 'a' + 'A'
		case c >= 'A' && c <= 'Z':
			b[i] = c - 'A' + 'a'
		}
	}
	return b
}

// reverseBytes reverses b in place and returns it.
func reverseBytes(b []byte) []byte {
	for i, j := 0, len(b)-1; i < j; i, j = i+1, j-1 {
		b[i], b[j] = b[j], b[i]
	}
	return b
}

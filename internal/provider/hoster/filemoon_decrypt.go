package hoster

import (
	"crypto/aes"
	"crypto/cipher"
	"encoding/json"
	"errors"
	"fmt"
)

// filemoonPlayback is the "playback" object of Filemoon's /api/videos.
type filemoonPlayback struct {
	KeyParts []string `json:"key_parts"`
	IV       string   `json:"iv"`
	Payload  string   `json:"payload"`
	IV2      string   `json:"iv2"`
	Payload2 string   `json:"payload2"`
}

// filemoonSource is one rendition in the decrypted payload.
type filemoonSource struct {
	URL    string `json:"url"`
	File   string `json:"file"`
	Height int    `json:"height"`
}

// decryptFilemoon decrypts the playback payload (AES-256-GCM, key = the
// base64url-decoded key parts joined, tag = last 16 bytes of the payload)
// and returns the URL of the tallest source. It tries payload2/iv2 when
// the first payload does not decrypt.
func decryptFilemoon(pb filemoonPlayback) (string, error) {
	if len(pb.KeyParts) == 0 {
		return "", errors.New("no key parts")
	}
	var key []byte
	for _, kp := range pb.KeyParts {
		b, err := decodeB64(kp)
		if err != nil {
			return "", fmt.Errorf("key part: %w", err)
		}
		key = append(key, b...)
	}
	if len(key) != 32 {
		return "", fmt.Errorf("key is %d bytes, want 32", len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return "", err
	}
	var lastErr error
	for _, try := range [][2]string{{pb.IV, pb.Payload}, {pb.IV2, pb.Payload2}} {
		if try[0] == "" || try[1] == "" {
			continue
		}
		plain, err := gcmOpen(block, try[0], try[1])
		if err != nil {
			lastErr = err
			continue
		}
		return bestFilemoonSource(plain)
	}
	if lastErr == nil {
		lastErr = errors.New("no payload")
	}
	return "", lastErr
}

// gcmOpen decrypts one base64url iv/payload pair.
func gcmOpen(block cipher.Block, ivB64, payloadB64 string) ([]byte, error) {
	iv, err := decodeB64(ivB64)
	if err != nil {
		return nil, fmt.Errorf("iv: %w", err)
	}
	ct, err := decodeB64(payloadB64)
	if err != nil {
		return nil, fmt.Errorf("payload: %w", err)
	}
	if len(iv) == 0 || len(iv) > 64 {
		return nil, fmt.Errorf("iv is %d bytes", len(iv))
	}
	if len(ct) < 16 {
		return nil, errors.New("payload shorter than the tag")
	}
	aead, err := cipher.NewGCMWithNonceSize(block, len(iv))
	if err != nil {
		return nil, err
	}
	plain, err := aead.Open(nil, iv, ct, nil)
	if err != nil {
		return nil, fmt.Errorf("decrypt: %w", err)
	}
	return plain, nil
}

// bestFilemoonSource picks the tallest source from the decrypted JSON.
func bestFilemoonSource(plain []byte) (string, error) {
	var doc struct {
		Sources []filemoonSource `json:"sources"`
	}
	if err := json.Unmarshal(plain, &doc); err != nil {
		return "", fmt.Errorf("decrypted json: %w", err)
	}
	best, bestH := "", -1
	for _, s := range doc.Sources {
		u := s.URL
		if u == "" {
			u = s.File
		}
		if u != "" && s.Height > bestH {
			best, bestH = u, s.Height
		}
	}
	if best == "" {
		return "", errors.New("no sources")
	}
	return best, nil
}

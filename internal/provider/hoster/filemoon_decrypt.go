package hoster

import (
	"crypto/aes"
	"crypto/cipher"
	"encoding/json"
	"errors"
	"fmt"
)

// filemoonPlayback is the "playback" object of Filemoon's /api/videos
// and Byse's /embed/playback.
type filemoonPlayback struct {
	KeyParts    []string            `json:"key_parts"`
	IV          string              `json:"iv"`
	Payload     string              `json:"payload"`
	IV2         string              `json:"iv2"`
	Payload2    string              `json:"payload2"`
	DecryptKeys *filemoonDecryptKey `json:"decrypt_keys"`
}

// filemoonDecryptKey is Byse's decrypt_keys{edge_1, edge_2}, the key
// halves for payload2.
type filemoonDecryptKey struct {
	Edge1 string `json:"edge_1"`
	Edge2 string `json:"edge_2"`
}

// filemoonSource is one rendition in the decrypted payload.
type filemoonSource struct {
	URL    string `json:"url"`
	File   string `json:"file"`
	Height int    `json:"height"`
}

// filemoonKeys lists the candidate AES-256 keys of a playback, most
// likely first: with decoys (parts of other sizes), the two 16-byte parts
// joined in reverse document order (then in order); without, every part
// joined. AES-GCM authenticates, so a wrong candidate fails cleanly.
func filemoonKeys(parts []string) ([][]byte, error) {
	var all, halves [][]byte
	for _, kp := range parts {
		b, err := decodeB64(kp)
		if err != nil {
			return nil, fmt.Errorf("key part: %w", err)
		}
		all = append(all, b)
		if len(b) == 16 {
			halves = append(halves, b)
		}
	}
	var keys [][]byte
	if len(halves) == 2 {
		keys = append(keys, join(halves[1], halves[0]), join(halves[0], halves[1]))
	}
	if joined := join(all...); len(joined) == 32 {
		keys = append(keys, joined)
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("no 32-byte key in %d key parts", len(parts))
	}
	return keys, nil
}

// edgeKeys are the candidate keys of decrypt_keys{edge_1, edge_2}.
func edgeKeys(dk *filemoonDecryptKey) [][]byte {
	if dk == nil {
		return nil
	}
	a, err1 := decodeB64(dk.Edge1)
	b, err2 := decodeB64(dk.Edge2)
	if err1 != nil || err2 != nil || len(a)+len(b) != 32 {
		return nil
	}
	return [][]byte{join(a, b), join(b, a)}
}

func join(parts ...[]byte) []byte {
	var out []byte
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// decryptFilemoon decrypts the playback (AES-256-GCM, tag = last 16
// bytes of the payload) and returns the URL of the tallest source. It
// tries payload/iv with the key_parts keys, then payload2/iv2 with the
// decrypt_keys and the key_parts keys.
func decryptFilemoon(pb filemoonPlayback) (string, error) {
	var partKeys [][]byte
	var keyErr error
	if len(pb.KeyParts) > 0 {
		partKeys, keyErr = filemoonKeys(pb.KeyParts)
	} else {
		keyErr = errors.New("no key parts")
	}
	tries := []struct {
		iv, payload string
		keys        [][]byte
	}{
		{pb.IV, pb.Payload, partKeys},
		{pb.IV2, pb.Payload2, append(edgeKeys(pb.DecryptKeys), partKeys...)},
	}
	lastErr := keyErr
	for _, t := range tries {
		if t.iv == "" || t.payload == "" || len(t.keys) == 0 {
			continue
		}
		for _, key := range t.keys {
			plain, err := gcmOpen(key, t.iv, t.payload)
			if err != nil {
				lastErr = err
				continue
			}
			return bestFilemoonSource(plain)
		}
	}
	if lastErr == nil {
		lastErr = errors.New("no payload")
	}
	return "", lastErr
}

// gcmOpen decrypts one base64url iv/payload pair under key.
func gcmOpen(key []byte, ivB64, payloadB64 string) ([]byte, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
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

// bestFilemoonSource picks the tallest non-bait source from the
// decrypted JSON.
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
		if u != "" && !IsBait(u) && s.Height > bestH {
			best, bestH = u, s.Height
		}
	}
	if best == "" {
		return "", errors.New("no sources")
	}
	return best, nil
}

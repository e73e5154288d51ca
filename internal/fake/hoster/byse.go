package hoster

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"math/big"
	"net/http"
	"strings"
)

// byseState is what the fake Byse API remembers: open challenges, issued
// tokens and the public keys that attested.
type byseState struct {
	challenges map[string]string // challenge_id -> nonce
	tokens     map[string]bool
	keys       []string // x coordinates of attested keys, in order
}

// ByseKeys returns the x coordinates (base64url) of the public keys that
// passed attest, in order, so tests can check a client keeps its key.
func (h *Hoster) ByseKeys() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.byse.keys...)
}

// byseAPI serves the 2026 Byse endpoints; it reports false for other
// paths. Variants by id prefix: "direct-" (the details carry the sources,
// an older Byse version), "captcha-" (playback asks for the
// proof-of-work captcha), "edge-" (payload undecryptable, payload2 under
// decrypt_keys); "api-", "packed-", "iframe-" are pre-Byse videos whose
// details answer 404.
func (h *Hoster) byseAPI(w http.ResponseWriter, r *http.Request, f Failure) bool {
	p := r.URL.Path
	switch {
	case p == "/api/videos/access/challenge" && r.Method == http.MethodPost:
		id, nonce := randB64(12), randB64(32)
		h.mu.Lock()
		if h.byse.challenges == nil {
			h.byse.challenges, h.byse.tokens = map[string]string{}, map[string]bool{}
		}
		h.byse.challenges[id] = nonce
		h.mu.Unlock()
		writeJSON(w, http.StatusOK, map[string]any{"challenge_id": id, "nonce": nonce, "viewer_hint": randB64(8)})
	case p == "/api/videos/access/attest" && r.Method == http.MethodPost:
		h.attest(w, r, f)
	case strings.HasPrefix(p, "/api/videos/") && strings.HasSuffix(p, "/embed/details"):
		id := strings.TrimSuffix(strings.TrimPrefix(p, "/api/videos/"), "/embed/details")
		if preByse(id) {
			writeJSON(w, http.StatusNotFound, map[string]string{"error": "not found"})
			return true
		}
		if f == NoPayload {
			writeJSON(w, http.StatusOK, map[string]any{"id": id})
			return true
		}
		if strings.HasPrefix(id, "direct-") {
			// an older Byse version: the sources come with the details
			writeJSON(w, http.StatusOK, map[string]any{"id": id, "sources": []map[string]any{
				{"file": hlsURL(r, id), "mimeType": "application/vnd.apple.mpegurl", "height": 720}}})
			return true
		}
		writeJSON(w, http.StatusOK, map[string]any{"id": id, "title": "video", "embed_frame_url": originOf(r) + "/frame/" + id})
	case strings.HasPrefix(p, "/api/videos/") && strings.HasSuffix(p, "/embed/playback") && r.Method == http.MethodPost:
		h.playback(w, r, f, strings.TrimSuffix(strings.TrimPrefix(p, "/api/videos/"), "/embed/playback"))
	case strings.HasPrefix(p, "/frame/"):
		html(w, "Byse Frontend", `<div id="root"></div><script type="module" src="/assets/index-3f9a.js"></script>`)
	default:
		return false
	}
	return true
}

func preByse(id string) bool {
	return strings.HasPrefix(id, "api-") || strings.HasPrefix(id, "packed-") || strings.HasPrefix(id, "iframe-")
}

// attest checks the signature of the challenge nonce with the posted JWK
// (raw r‖s over SHA-256 of the base64url-decoded nonce) and issues a token.
func (h *Hoster) attest(w http.ResponseWriter, r *http.Request, f Failure) {
	var req struct {
		ChallengeID string `json:"challenge_id"`
		Nonce       string `json:"nonce"`
		Signature   string `json:"signature"`
		ViewerID    string `json:"viewer_id"`
		DeviceID    string `json:"device_id"`
		PublicKey   struct {
			Kty, Crv, X, Y string
		} `json:"public_key"`
	}
	var buf bytes.Buffer
	_, _ = buf.ReadFrom(http.MaxBytesReader(w, r.Body, 1<<16))
	if f == AttestRefused || json.Unmarshal(buf.Bytes(), &req) != nil {
		writeJSON(w, http.StatusForbidden, map[string]string{"error": "attestation refused"})
		return
	}
	h.mu.Lock()
	nonce, ok := h.byse.challenges[req.ChallengeID]
	delete(h.byse.challenges, req.ChallengeID)
	h.mu.Unlock()
	if !ok || nonce != req.Nonce || req.PublicKey.Kty != "EC" || req.PublicKey.Crv != "P-256" || !verifyRaw(req.PublicKey.X, req.PublicKey.Y, nonce, req.Signature) {
		writeJSON(w, http.StatusForbidden, map[string]string{"error": "attestation refused"})
		return
	}
	token := randB64(24)
	h.mu.Lock()
	h.byse.tokens[token] = true
	h.byse.keys = append(h.byse.keys, req.PublicKey.X)
	h.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"token": token, "viewer_id": req.ViewerID, "device_id": req.DeviceID, "confidence": 0.91})
}

func verifyRaw(x, y, nonce, sig string) bool {
	xb, err1 := base64.RawURLEncoding.DecodeString(x)
	yb, err2 := base64.RawURLEncoding.DecodeString(y)
	sb, err3 := base64.RawURLEncoding.DecodeString(sig)
	msg, err4 := base64.RawURLEncoding.DecodeString(nonce)
	if err1 != nil || err2 != nil || err3 != nil || err4 != nil || len(sb) != 64 {
		return false
	}
	pub := &ecdsa.PublicKey{Curve: elliptic.P256(), X: new(big.Int).SetBytes(xb), Y: new(big.Int).SetBytes(yb)}
	if !pub.Curve.IsOnCurve(pub.X, pub.Y) {
		return false
	}
	sum := sha256.Sum256(msg)
	return ecdsa.Verify(pub, sum[:], new(big.Int).SetBytes(sb[:32]), new(big.Int).SetBytes(sb[32:]))
}

// playback answers the encrypted sources to a valid token and an
// X-Embed-Parent header.
func (h *Hoster) playback(w http.ResponseWriter, r *http.Request, f Failure, id string) {
	var req struct {
		Fingerprint struct {
			Token string `json:"token"`
		} `json:"fingerprint"`
	}
	var buf bytes.Buffer
	_, _ = buf.ReadFrom(http.MaxBytesReader(w, r.Body, 1<<16))
	h.mu.Lock()
	valid := json.Unmarshal(buf.Bytes(), &req) == nil && h.byse.tokens[req.Fingerprint.Token]
	h.mu.Unlock()
	if !valid || r.Header.Get("X-Embed-Parent") == "" {
		writeJSON(w, http.StatusForbidden, map[string]string{"error": "no access"})
		return
	}
	if strings.HasPrefix(id, "captcha-") {
		writeJSON(w, http.StatusOK, map[string]any{"captcha": map[string]any{"path": "/api/videos/" + id + "/embed/captcha", "difficulty": 18}})
		return
	}
	src, _ := json.Marshal(map[string]any{"sources": []map[string]any{
		{"url": "https://commondatastorage.googleapis.com/gtv-videos-bucket/sample/BigBuckBunny.mp4", "height": 2160},
		{"url": originOf(r) + "/hls/" + id + "-480/missing.m3u8", "height": 480},
		{"url": hlsURL(r, id), "height": 1080},
	}})
	pb, err := EncryptByse(src, strings.HasPrefix(id, "edge-"))
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	if f == BrokenPayload {
		pb.Payload, pb.Payload2 = corrupt(pb.Payload), corrupt(pb.Payload2)
	}
	writeJSON(w, http.StatusOK, map[string]any{"playback": pb})
}

func corrupt(s string) string {
	if s == "" {
		return s
	}
	if s[0] == 'A' {
		return "B" + s[1:]
	}
	return "A" + s[1:]
}

// ByseDecryptKeys is Byse's decrypt_keys{edge_1, edge_2}.
type ByseDecryptKeys struct {
	Edge1 string `json:"edge_1"`
	Edge2 string `json:"edge_2"`
}

// BysePlayback is the playback object of Byse's /embed/playback.
type BysePlayback struct {
	KeyParts    []string         `json:"key_parts"`
	IV          string           `json:"iv"`
	Payload     string           `json:"payload"`
	IV2         string           `json:"iv2,omitempty"`
	Payload2    string           `json:"payload2,omitempty"`
	DecryptKeys *ByseDecryptKeys `json:"decrypt_keys,omitempty"`
}

// EncryptByse encrypts plain as Byse does in 2026: 26 decoy key parts of
// 24 bytes among which the two 16-byte halves of the real key sit in
// reverse order (key = second half-part ‖ first). With edge, the payload
// is undecryptable noise and payload2 is encrypted under
// decrypt_keys{edge_1, edge_2} (key = edge_1 ‖ edge_2).
func EncryptByse(plain []byte, edge bool) (BysePlayback, error) {
	key := randBytes(32)
	var pb BysePlayback
	pos1, pos2 := 3+int(randBytes(1)[0])%10, 15+int(randBytes(1)[0])%10
	for i := 0; i < 28; i++ {
		switch i {
		case pos1:
			pb.KeyParts = append(pb.KeyParts, b64u(key[16:]))
		case pos2:
			pb.KeyParts = append(pb.KeyParts, b64u(key[:16]))
		default:
			pb.KeyParts = append(pb.KeyParts, b64u(randBytes(24)))
		}
	}
	iv, ct, err := seal(key, plain)
	if err != nil {
		return pb, err
	}
	if !edge {
		pb.IV, pb.Payload = iv, ct
		return pb, nil
	}
	pb.IV, pb.Payload = b64u(randBytes(12)), b64u(randBytes(len(plain)+16))
	ekey := randBytes(32)
	pb.IV2, pb.Payload2, err = seal(ekey, plain)
	pb.DecryptKeys = &ByseDecryptKeys{Edge1: b64u(ekey[:16]), Edge2: b64u(ekey[16:])}
	return pb, err
}

func seal(key, plain []byte) (iv, ct string, err error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return "", "", err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return "", "", err
	}
	n := randBytes(12)
	return b64u(n), b64u(aead.Seal(nil, n, plain, nil)), nil
}

func b64u(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

func randBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return b
}

func randB64(n int) string { return b64u(randBytes(n)) }

func randHex(n int) string { return hex.EncodeToString(randBytes(n)) }

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

package hoster

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
)

// byseSession is the viewer identity of one Filemoon extractor: a P-256
// key made once and kept for the extractor's lifetime, and the viewer and
// device ids the attest step hands out.
type byseSession struct {
	mu       sync.Mutex
	key      *ecdsa.PrivateKey
	viewerID string
	deviceID string
}

// identity returns the session key and ids, making them on first use.
func (s *byseSession) identity() (*ecdsa.PrivateKey, string, string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.key == nil {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			return nil, "", "", err
		}
		s.key, s.viewerID, s.deviceID = k, randomHex(16), randomHex(16)
	}
	return s.key, s.viewerID, s.deviceID, nil
}

// remember keeps the ids the attest answer assigned.
func (s *byseSession) remember(viewer, device string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if viewer != "" {
		s.viewerID = viewer
	}
	if device != "" {
		s.deviceID = device
	}
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// signNonce signs the challenge nonce (its base64url bytes, else its
// text) with ECDSA P-256 / SHA-256 and answers the raw r‖s signature in
// base64url, as WebCrypto produces it.
func signNonce(key *ecdsa.PrivateKey, nonce string) (string, error) {
	msg, err := decodeB64(nonce)
	if err != nil {
		msg = []byte(nonce)
	}
	sum := sha256.Sum256(msg)
	r, s, err := ecdsa.Sign(rand.Reader, key, sum[:])
	if err != nil {
		return "", err
	}
	sig := make([]byte, 64)
	r.FillBytes(sig[:32])
	s.FillBytes(sig[32:])
	return base64.RawURLEncoding.EncodeToString(sig), nil
}

// publicJWK is the session key's public half as a JWK.
func publicJWK(key *ecdsa.PrivateKey) map[string]any {
	x, y := make([]byte, 32), make([]byte, 32)
	key.PublicKey.X.FillBytes(x)
	key.PublicKey.Y.FillBytes(y)
	return map[string]any{"kty": "EC", "crv": "P-256", "ext": true, "key_ops": []string{"verify"},
		"x": base64.RawURLEncoding.EncodeToString(x), "y": base64.RawURLEncoding.EncodeToString(y)}
}

// byseResult is a stream found by the Byse flow.
type byseResult struct {
	media, frame, playbackOrigin string
}

// fromByse runs details → challenge → attest → playback.
func (x *Filemoon) fromByse(ctx context.Context, c Doer, u *url.URL, code, ua string) (byseResult, error) {
	h := uaHeaders(ua)
	h.Set("Referer", u.String())
	h.Set("Accept", "application/json")
	det, err := do(ctx, c, "filemoon", "byse details", request{url: origin(u) + "/api/videos/" + url.PathEscape(code) + "/embed/details", headers: h})
	if err != nil {
		return byseResult{}, err
	}
	var details struct {
		EmbedFrameURL string           `json:"embed_frame_url"`
		Sources       []filemoonSource `json:"sources"`
	}
	if err := json.Unmarshal([]byte(det.body), &details); err != nil {
		return byseResult{}, fail("filemoon", "byse details: bad json: %v", err)
	}
	if len(details.Sources) > 0 {
		// Some Byse versions answer the sources in the details already.
		if raw, err := json.Marshal(map[string]any{"sources": details.Sources}); err == nil {
			if media, err := bestFilemoonSource(raw); err == nil {
				return byseResult{media: media, frame: u.String(), playbackOrigin: origin(u)}, nil
			}
		}
	}
	if details.EmbedFrameURL == "" {
		return byseResult{}, fail("filemoon", "byse details: no embed_frame_url and no sources")
	}
	frame, err := resolveRef(det.final, details.EmbedFrameURL)
	if err != nil {
		return byseResult{}, fail("filemoon", "byse details: bad embed_frame_url: %v", err)
	}
	fu, _ := url.Parse(frame)
	fo := origin(fu)
	post := func(step, path string, body any, extra http.Header) (page, error) {
		raw, _ := json.Marshal(body)
		ph := uaHeaders(ua)
		ph.Set("Content-Type", "application/json")
		ph.Set("Accept", "application/json")
		ph.Set("Referer", frame)
		ph.Set("Origin", fo)
		for k, v := range extra {
			ph[k] = v
		}
		return do(ctx, c, "filemoon", step, request{method: http.MethodPost, url: fo + path, headers: ph, body: strings.NewReader(string(raw))})
	}
	token, viewer, device, err := x.attest(post, ua)
	if err != nil {
		return byseResult{}, err
	}
	fp := map[string]any{"fingerprint": map[string]any{"token": token, "viewer_id": viewer, "device_id": device, "confidence": 0.93}}
	pb, err := post("byse playback", "/api/videos/"+url.PathEscape(code)+"/embed/playback", fp, http.Header{"X-Embed-Parent": {u.String()}})
	if err != nil {
		return byseResult{}, err
	}
	var doc struct {
		Playback *filemoonPlayback `json:"playback"`
		Captcha  json.RawMessage   `json:"captcha"`
	}
	if err := json.Unmarshal([]byte(pb.body), &doc); err != nil {
		return byseResult{}, fail("filemoon", "byse playback: bad json: %v", err)
	}
	if doc.Playback == nil {
		if len(doc.Captcha) > 0 || strings.Contains(pb.body, "/embed/captcha") {
			return byseResult{}, fmt.Errorf("filemoon: byse playback: %w", &ChallengeError{Host: fu.Host, Kind: "proof-of-work captcha", Status: http.StatusOK})
		}
		return byseResult{}, fail("filemoon", "byse playback: no playback")
	}
	media, err := decryptFilemoon(*doc.Playback)
	if err != nil {
		return byseResult{}, fail("filemoon", "decrypt playback: %v", err)
	}
	return byseResult{media: media, frame: frame, playbackOrigin: fo}, nil
}

// attest answers the access token: POST /api/videos/access/challenge,
// sign its nonce with the session key, POST /api/videos/access/attest.
func (x *Filemoon) attest(post func(string, string, any, http.Header) (page, error), ua string) (token, viewer, device string, err error) {
	key, viewer, device, err := x.session.identity()
	if err != nil {
		return "", "", "", fail("filemoon", "session key: %v", err)
	}
	ch, err := post("byse challenge", "/api/videos/access/challenge", map[string]any{"viewer_id": viewer, "device_id": device}, nil)
	if err != nil {
		return "", "", "", err
	}
	var chal struct {
		ChallengeID string `json:"challenge_id"`
		Nonce       string `json:"nonce"`
	}
	if json.Unmarshal([]byte(ch.body), &chal) != nil || chal.ChallengeID == "" || chal.Nonce == "" {
		return "", "", "", fail("filemoon", "byse challenge: no challenge_id/nonce")
	}
	sig, err := signNonce(key, chal.Nonce)
	if err != nil {
		return "", "", "", fail("filemoon", "sign nonce: %v", err)
	}
	body := map[string]any{
		"viewer_id": viewer, "device_id": device, "challenge_id": chal.ChallengeID, "nonce": chal.Nonce,
		"signature": sig, "public_key": publicJWK(key),
		"client": map[string]any{"user_agent": ua, "platform": "Windows", "languages": []string{"de-DE", "de"},
			"timezone": "Europe/Berlin", "screen_width": 1920, "screen_height": 1080, "pixel_ratio": 1, "hardware_concurrency": 8},
		"storage":    map[string]any{"cookie": viewer, "local_storage": viewer, "indexed_db": viewer + ":" + device},
		"attributes": map[string]any{"entropy": "high"},
	}
	at, err := post("byse attest", "/api/videos/access/attest", body, nil)
	if err != nil {
		return "", "", "", err
	}
	var ans struct {
		Token    string `json:"token"`
		ViewerID string `json:"viewer_id"`
		DeviceID string `json:"device_id"`
	}
	if json.Unmarshal([]byte(at.body), &ans) != nil || ans.Token == "" {
		return "", "", "", fail("filemoon", "byse attest: refused (no token)")
	}
	x.session.remember(ans.ViewerID, ans.DeviceID)
	_, viewer, device, _ = x.session.identity()
	return ans.Token, viewer, device, nil
}

// SessionKeyX is the x coordinate (base64url) of the extractor's session
// key, "" before the first attest; tests check it stays the same.
func (x *Filemoon) SessionKeyX() string {
	x.session.mu.Lock()
	defer x.session.mu.Unlock()
	if x.session.key == nil {
		return ""
	}
	return publicJWK(x.session.key)["x"].(string)
}

package hoster

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// voeJunk are VOE's filler tokens (no letters, no base64 characters).
var voeJunk = []string{"@$", "^^", "~@", "%?", "*~", "!!", "#&"}

// EncodeVOE obfuscates a VOE player JSON the way VOE does, by running the
// decoder backwards: base64, reverse, every char code +3, base64, junk
// tokens inserted between characters, ROT13.
func EncodeVOE(js []byte) string { return EncodeVOEWith(js, voeJunk) }

// LoaderTokens are the junk tokens the fake VOE's 2026 loader script
// declares; the built-in list cannot decode a payload made with them.
var LoaderTokens = []string{"<>", "|]", "}{", "&;", "`~", ")("}

// EncodeVOEWith is EncodeVOE with another junk-token list.
func EncodeVOEWith(js []byte, junk []string) string {
	s := []byte(base64.StdEncoding.EncodeToString(js))
	for i, j := 0, len(s)-1; i < j; i, j = i+1, j-1 {
		s[i], s[j] = s[j], s[i]
	}
	for i := range s {
		s[i] += 3
	}
	enc := base64.StdEncoding.EncodeToString(s)
	var b strings.Builder
	for i := 0; i < len(enc); i++ {
		b.WriteByte(enc[i])
		if i%5 == 4 && i+1 < len(enc) && enc[i+1] != '=' {
			b.WriteString(junk[(i/5)%len(junk)])
		}
	}
	return rot13(b.String())
}

// EncodeVOESimple is the 2026 a168c form: base64 of the reversed JSON.
func EncodeVOESimple(js []byte) string {
	return base64.StdEncoding.EncodeToString(reverse(append([]byte(nil), js...)))
}

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

// EncodeSpeedFiles obfuscates a media URL as SpeedFiles' _0x5opu234
// variable, the exact inverse of the decoding: base64, reverse, swap case,
// +3, hex, reverse, base64, reverse, swap case, base64.
func EncodeSpeedFiles(mediaURL string) string {
	x := []byte(base64.StdEncoding.EncodeToString([]byte(mediaURL)))
	x = swapCase(reverse(x))
	for i := range x {
		x[i] += 3
	}
	h := reverse([]byte(hex.EncodeToString(x)))
	y := []byte(base64.StdEncoding.EncodeToString(h))
	y = swapCase(reverse(y))
	return base64.StdEncoding.EncodeToString(y)
}

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

func reverse(b []byte) []byte {
	for i, j := 0, len(b)-1; i < j; i, j = i+1, j-1 {
		b[i], b[j] = b[j], b[i]
	}
	return b
}

// FilemoonPlayback is the "playback" object of Filemoon's /api/videos.
type FilemoonPlayback struct {
	KeyParts []string `json:"key_parts"`
	IV       string   `json:"iv"`
	Payload  string   `json:"payload"`
	IV2      string   `json:"iv2,omitempty"`
	Payload2 string   `json:"payload2,omitempty"`
}

// EncryptFilemoon encrypts plain with AES-256-GCM under a fresh random key
// split into parts keyParts (1..32), as Filemoon does: base64url key parts,
// base64url iv, payload = ciphertext followed by the 16-byte tag.
func EncryptFilemoon(plain []byte, keyParts int) (FilemoonPlayback, error) {
	if keyParts < 1 || keyParts > 32 {
		return FilemoonPlayback{}, fmt.Errorf("key parts %d out of range", keyParts)
	}
	key := make([]byte, 32)
	iv := make([]byte, 12)
	if _, err := rand.Read(key); err != nil {
		return FilemoonPlayback{}, err
	}
	if _, err := rand.Read(iv); err != nil {
		return FilemoonPlayback{}, err
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return FilemoonPlayback{}, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return FilemoonPlayback{}, err
	}
	ct := aead.Seal(nil, iv, plain, nil)
	pb := FilemoonPlayback{
		IV:      base64.RawURLEncoding.EncodeToString(iv),
		Payload: base64.RawURLEncoding.EncodeToString(ct),
	}
	step := (len(key) + keyParts - 1) / keyParts
	for i := 0; i < len(key); i += step {
		pb.KeyParts = append(pb.KeyParts, base64.RawURLEncoding.EncodeToString(key[i:min(i+step, len(key))]))
	}
	return pb, nil
}

// packWord is the identifier pattern the packer replaces.
var packWord = regexp.MustCompile(`\b\w+\b`)

const packDigits = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"

// PackJS packs src as Dean Edwards' packer does (radix 2..62): every
// identifier becomes its dictionary index in base radix, and the result is
// wrapped in eval(function(p,a,c,k,e,d){…}('payload',radix,count,'k|…'.split('|'),0,{})).
func PackJS(src string, radix int) (string, error) {
	if radix < 2 || radix > len(packDigits) {
		return "", fmt.Errorf("radix %d out of range", radix)
	}
	index := map[string]int{}
	var keys []string
	payload := packWord.ReplaceAllStringFunc(src, func(w string) string {
		n, ok := index[w]
		if !ok {
			n = len(keys)
			index[w] = n
			keys = append(keys, w)
		}
		return encodeRadix(n, radix)
	})
	esc := strings.NewReplacer(`\`, `\\`, `'`, `\'`, "\n", `\n`, "\r", `\r`)
	return "eval(function(p,a,c,k,e,d){e=function(c){return(c<a?'':e(parseInt(c/a)))+((c=c%a)>35?String.fromCharCode(c+29):c.toString(36))};" +
		"if(!''.replace(/^/,String)){while(c--){d[e(c)]=k[c]||e(c)}k=[function(e){return d[e]}];e=function(){return'\\\\w+'};c=1};" +
		"while(c--){if(k[c]){p=p.replace(new RegExp('\\\\b'+e(c)+'\\\\b','g'),k[c])}}return p}('" +
		esc.Replace(payload) + "'," + strconv.Itoa(radix) + "," + strconv.Itoa(len(keys)) + ",'" +
		strings.Join(keys, "|") + "'.split('|'),0,{}))", nil
}

func encodeRadix(n, radix int) string {
	if n < radix {
		return string(packDigits[n])
	}
	return encodeRadix(n/radix, radix) + string(packDigits[n%radix])
}

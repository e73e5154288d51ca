package app

import (
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

const testPassword = "Sup3r-Secret!pw"

func TestSetupPolicyAndOnce(t *testing.T) {
	ta := startApp(t, t.TempDir(), nil)
	tests := []struct {
		name   string
		body   map[string]any
		status int
		rules  []string
	}{
		{"too weak", map[string]any{"master_password": "abc"}, 400, []string{"min_length", "upper", "digit", "special"}},
		{"no special", map[string]any{"master_password": "Abcdefgh1"}, 400, []string{"special"}},
		{"dir is a file", map[string]any{"master_password": testPassword, "anime_directory": "/etc/hostname"}, 400, nil},
		{"ok", map[string]any{"master_password": testPassword, "anime_directory": filepath.Join(t.TempDir(), "new", "anime")}, 201, nil},
		{"second setup", map[string]any{"master_password": testPassword}, 400, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, b := ta.do("POST", "/api/auth/setup", "", tc.body)
			if code != tc.status {
				t.Fatalf("status %d, want %d: %v", code, tc.status, b)
			}
			if code == 400 {
				if b["error"] != "VALIDATION_ERROR" || b["request_id"] == "" {
					t.Fatalf("body %v", b)
				}
				for _, r := range tc.rules {
					failed, _ := b["details"].(map[string]any)["failed_rules"].(map[string]any)
					found := false
					for k := range failed {
						if strings.Contains(k, r) {
							found = true
						}
					}
					if !found {
						t.Fatalf("rule %q not listed in %v", r, b["details"])
					}
				}
			}
			if code == 201 && b["status"] != "ok" {
				t.Fatalf("body %v", b)
			}
		})
	}
	// The anime directory was created and saved into the config.
	cfgData, _ := os.ReadFile(filepath.Join(ta.DataDir, "config.json"))
	if !strings.Contains(string(cfgData), filepath.Join("new", "anime")) {
		t.Fatalf("anime_directory not saved: %s", cfgData)
	}
}

func TestConcurrentFirstSetupsOneWins(t *testing.T) {
	ta := startApp(t, t.TempDir(), nil)
	var wg sync.WaitGroup
	codes := make([]int, 8)
	for i := range codes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes[i], _, _ = ta.do("POST", "/api/auth/setup", "", map[string]any{"master_password": testPassword + string(rune('a'+i))})
		}()
	}
	wg.Wait()
	wins := 0
	for _, c := range codes {
		if c == 201 {
			wins++
		} else if c != 400 && c != 429 {
			t.Fatalf("unexpected status %d", c)
		}
	}
	if wins != 1 {
		t.Fatalf("%d setups won: %v", wins, codes)
	}
}

func TestLoginShapesAndStatus(t *testing.T) {
	ta := startApp(t, t.TempDir(), nil)
	code, _, b := ta.do("GET", "/api/anime/status", "", nil)
	if code != 401 || !strings.Contains(b["message"].(string), "etup") {
		t.Fatalf("before setup: %d %v", code, b)
	}
	code, _, b = ta.do("GET", "/api/auth/status", "", nil)
	if code != 200 || b["configured"] != false || b["authenticated"] != false || b["token_valid"] != false {
		t.Fatalf("status before setup: %v", b)
	}
	ta.do("POST", "/api/auth/setup", "", map[string]any{"master_password": testPassword})
	for _, remember := range []bool{false, true} {
		code, _, b = ta.do("POST", "/api/auth/login", "", map[string]any{"password": testPassword, "remember": remember})
		if code != 200 || b["access_token"] == "" || b["token"] != b["access_token"] || b["token_type"] != "bearer" {
			t.Fatalf("login: %d %v", code, b)
		}
		exp, err := time.Parse(time.RFC3339, b["expires_at"].(string))
		if err != nil {
			t.Fatal(err)
		}
		want := 24 * time.Hour
		if remember {
			want = 30 * 24 * time.Hour
		}
		if d := time.Until(exp); d < want-time.Minute || d > want+time.Minute {
			t.Fatalf("remember=%v expires in %v, want %v", remember, d, want)
		}
		tok := b["access_token"].(string)
		code, _, b = ta.do("GET", "/api/auth/status", tok, nil)
		if b["configured"] != true || b["authenticated"] != true || b["token_valid"] != true {
			t.Fatalf("status: %v", b)
		}
		if code, _, b := ta.do("GET", "/api/anime/status", tok, nil); code != 200 {
			t.Fatalf("protected route with token: %d %v", code, b)
		}
	}
	code, _, b = ta.do("GET", "/api/auth/status", "garbage", nil)
	if code != 200 || b["authenticated"] != false {
		t.Fatalf("status with bad token: %d %v", code, b)
	}
}

// forge builds a JWT with the given header and claims, signed with junk.
func forge(header, claims map[string]any, sig string) string {
	enc := func(v any) string {
		b, _ := json.Marshal(v)
		return base64.RawURLEncoding.EncodeToString(b)
	}
	return enc(header) + "." + enc(claims) + "." + sig
}

func TestTokenDefectsAnswer401(t *testing.T) {
	dir := t.TempDir()
	ta := startApp(t, dir, nil)
	tok := ta.setupAndLogin(testPassword)
	revoked := ta.login(testPassword)
	if code, _, _ := ta.do("POST", "/api/auth/logout", revoked, nil); code != 200 {
		t.Fatal("logout failed")
	}
	parts := strings.Split(tok, ".")
	var claims map[string]any
	raw, _ := base64.RawURLEncoding.DecodeString(parts[1])
	json.Unmarshal(raw, &claims)
	expired := map[string]any{}
	for k, v := range claims {
		expired[k] = v
	}
	expired["exp"] = time.Now().Add(-time.Hour).Unix()
	tamperedClaims := map[string]any{}
	for k, v := range claims {
		tamperedClaims[k] = v
	}
	tamperedClaims["sub"] = "admin2"
	tests := []struct {
		name, auth string
	}{
		{"missing", ""},
		{"not bearer", "Basic dXNlcjpwYXNz"},
		{"empty bearer", "Bearer "},
		{"malformed", "Bearer not.a.jwt"},
		{"garbage", "Bearer " + strings.Repeat("x", 40)},
		{"tampered signature", "Bearer " + parts[0] + "." + parts[1] + "." + strings.Repeat("A", len(parts[2]))},
		{"tampered payload", "Bearer " + parts[0] + "." + forge(map[string]any{}, tamperedClaims, "")[4:len(forge(map[string]any{}, tamperedClaims, ""))-1] + "." + parts[2]},
		{"alg none", "Bearer " + forge(map[string]any{"alg": "none", "typ": "JWT"}, claims, "")},
		{"hs512", "Bearer " + forge(map[string]any{"alg": "HS512", "typ": "JWT"}, claims, "c2lnbmF0dXJl")},
		{"rs256", "Bearer " + forge(map[string]any{"alg": "RS256", "typ": "JWT"}, claims, "c2lnbmF0dXJl")},
		{"expired", "Bearer " + parts[0] + "." + forge(map[string]any{}, expired, "")[4:len(forge(map[string]any{}, expired, ""))-1] + "." + parts[2]},
		{"revoked", "Bearer " + revoked},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var hdr []string
			if tc.auth != "" {
				hdr = []string{"Authorization", tc.auth}
			}
			code, h, b := ta.do("GET", "/api/anime/status", "", nil, hdr...)
			if code != 401 || b["error"] != "AUTHENTICATION_ERROR" || b["success"] != false || b["request_id"] != h.Get("X-Request-ID") {
				t.Fatalf("%d %v", code, b)
			}
			if !strings.HasPrefix(h.Get("WWW-Authenticate"), "Bearer") {
				t.Fatalf("WWW-Authenticate = %q", h.Get("WWW-Authenticate"))
			}
		})
	}
	// The good token survives a restart; the revoked one stays revoked.
	ta.Stop()
	ta2 := startApp(t, dir, nil)
	if code, _, b := ta2.do("GET", "/api/anime/status", tok, nil); code != 200 {
		t.Fatalf("token after restart: %d %v", code, b)
	}
	if code, _, _ := ta2.do("GET", "/api/anime/status", revoked, nil); code != 401 {
		t.Fatalf("revoked token after restart: %d", code)
	}
	if code, _, b := ta2.do("POST", "/api/auth/logout", tok, nil); code != 200 || b["status"] != "ok" || b["success"] != true {
		t.Fatalf("logout: %d %v", code, b)
	}
	ta2.Stop()
	ta3 := startApp(t, dir, nil)
	if code, _, _ := ta3.do("GET", "/api/anime/status", tok, nil); code != 401 {
		t.Fatalf("logged-out token after restart: %d", code)
	}
}

func TestBruteForceLockout(t *testing.T) {
	ta := startApp(t, t.TempDir(), nil)
	ta.do("POST", "/api/auth/setup", "", map[string]any{"master_password": testPassword})
	for i := 0; i < 5; i++ {
		if code, _, _ := ta.do("POST", "/api/auth/login", "", map[string]any{"password": "Wrong-pass1!"}); code != 401 && code != 429 {
			t.Fatalf("attempt %d: %d", i, code)
		}
	}
	code, h, b := ta.do("POST", "/api/auth/login", "", map[string]any{"password": testPassword})
	if code != 429 || h.Get("Retry-After") == "" || b["error"] != "RATE_LIMIT_ERROR" {
		t.Fatalf("right password while locked: %d %v %v", code, h, b)
	}
}

func TestSecretsNeverLeak(t *testing.T) {
	dir := t.TempDir()
	ta := startApp(t, dir, nil)
	tok := ta.setupAndLogin(testPassword)
	ta.do("GET", "/api/auth/status", tok, nil)
	ta.do("POST", "/api/auth/login", "", map[string]any{"password": "Wrong-" + testPassword})
	ta.do("GET", "/health/detailed", "", nil)
	ta.do("POST", "/api/auth/logout", tok, nil)
	ta.Stop()

	var rec struct {
		Hash string `json:"hash"`
	}
	authJSON, err := os.ReadFile(filepath.Join(dir, "auth.json"))
	if err != nil {
		t.Fatal(err)
	}
	json.Unmarshal(authJSON, &rec)
	secret, err := os.ReadFile(filepath.Join(dir, "jwt_secret"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"auth.json", "jwt_secret"} {
		if st, _ := os.Stat(filepath.Join(dir, f)); st.Mode().Perm() != 0o600 {
			t.Fatalf("%s mode %v", f, st.Mode().Perm())
		}
	}
	needles := map[string]string{"password": testPassword, "secret": strings.TrimSpace(string(secret))}
	if rec.Hash != "" {
		needles["hash"] = rec.Hash
	} else {
		needles["hash"] = "$argon2id$"
	}
	haystacks := map[string]string{"logs": ta.stderr.String(), "responses": strings.Join(ta.bodies, "\n")}
	filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return nil
		}
		if b := filepath.Base(p); b == "auth.json" || b == "jwt_secret" {
			return nil // the two files that exist to hold them
		}
		data, _ := os.ReadFile(p)
		haystacks[p] = string(data)
		return nil
	})
	for hn, h := range haystacks {
		for nn, n := range needles {
			if n != "" && strings.Contains(h, n) {
				t.Errorf("%s found in %s", nn, hn)
			}
		}
	}
}

package jsgate

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aniworld/aniworld/internal/challenge"
)

func TestGate(t *testing.T) {
	g := New(Options{})
	srv := httptest.NewServer(g)
	defer srv.Close()
	const ua = "Mozilla/5.0 test"
	good := "n1." + Token(g.key("n1"), "n1", ua)
	cases := []struct {
		name   string
		cookie string
		ua     string
		status int
	}{
		{"no cookie", "", ua, 403},
		{"valid cookie", good, ua, 200},
		{"valid cookie other UA", good, "Mozilla/5.0 other", 403},
		{"forged token", "n1." + strings.Repeat("0", 64), ua, 403},
		{"no nonce", "." + Token(g.key(""), "", ua), ua, 403},
		{"garbage", "garbage", ua, 403},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodGet, srv.URL+"/x", nil)
			req.Header.Set("User-Agent", tc.ua)
			if tc.cookie != "" {
				req.AddCookie(&http.Cookie{Name: ClearanceCookie, Value: tc.cookie})
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != tc.status {
				t.Fatalf("status %d, want %d", res.StatusCode, tc.status)
			}
			kind := challenge.Detect(res.StatusCode, res.Header, body)
			if (tc.status == 403) != (kind != challenge.None) {
				t.Fatalf("challenge kind %q for status %d", kind, res.StatusCode)
			}
			if tc.status == 200 && !strings.Contains(string(body), Content) {
				t.Fatalf("content missing: %s", body)
			}
		})
	}
	if g.Passed() != 1 || g.PassedUA(ua) != 1 || g.Refused() != len(cases)-1 {
		t.Fatalf("counts: passed %d (ua %d), refused %d", g.Passed(), g.PassedUA(ua), g.Refused())
	}
}

func TestChallengePageKeepsKeyScrambled(t *testing.T) {
	g := New(Options{})
	rec := httptest.NewRecorder()
	g.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	body := rec.Body.String()
	i := strings.Index(body, `const nonce = "`)
	if i < 0 {
		t.Fatal("no nonce in page")
	}
	nonce := body[i+len(`const nonce = "`) : i+len(`const nonce = "`)+24]
	if key := Token(g.key(nonce), "", ""); strings.Contains(body, key) {
		t.Fatal("token visible")
	}
	if strings.Contains(body, string(hexKey(g, nonce))) {
		t.Fatal("key visible in one piece")
	}
}

func hexKey(g *Gate, nonce string) string {
	const digits = "0123456789abcdef"
	k := g.key(nonce)
	out := make([]byte, 0, 64)
	for _, b := range k {
		out = append(out, digits[b>>4], digits[b&15])
	}
	return string(out)
}

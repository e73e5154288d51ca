package httpclient

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/net/dns/dnsmessage"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/challenge"
)

const cfPage = `<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>
<script>window._cf_chl_opt={cvId:'3'};</script><script src="/cdn-cgi/challenge-platform/h/b/orchestrate/chl_page/v1"></script></body></html>`

// jsdPage is an ordinary 200 page of a Cloudflare zone: Cloudflare injects
// its JavaScript Detections loader into every such page.
const jsdPage = `<!DOCTYPE html><html><head><title>Watch demo.mp4</title></head><body><video id="player"></video>
<script>(function(){function c(){var b=a.contentDocument||a.contentWindow.document;if(b){var d=b.createElement('script');d.innerHTML="window.__CF$cv$params={r:'8f1e2d3c4b5a6978',t:'MTczMzIyNDAwMC4wMDAwMDA='};var a=document.createElement('script');a.nonce='';a.src='/cdn-cgi/challenge-platform/scripts/jsd/main.js';document.getElementsByTagName('head')[0].appendChild(a);";b.getElementsByTagName('head')[0].appendChild(d)}}if(document.body){var a=document.createElement('iframe');a.height=1;a.width=1;a.style.position='absolute';a.style.top=0;a.style.left=0;a.style.border='none';a.style.visibility='hidden';document.body.appendChild(a);c()}})();</script></body></html>`

func TestChallengeDetection(t *testing.T) {
	tests := []struct {
		name     string
		status   int
		header   map[string]string
		body     string
		wantKind string
	}{
		{name: "cloudflare 403", status: 403, body: cfPage, wantKind: "cloudflare"},
		{name: "cloudflare 503 platform only", status: 503, body: `<script src="/cdn-cgi/challenge-platform/x.js"></script>`, wantKind: "cloudflare"},
		{name: "just a moment with 200", status: 200, body: "<html><head><title>Just a moment...</title>", wantKind: "cloudflare"},
		{name: "cf_chl_ with 200", status: 200, body: `<form id="challenge-form" action="/?__cf_chl_f_tk=x">`, wantKind: "cloudflare"},
		{name: "ddos-guard server header", status: 403, header: map[string]string{"Server": "ddos-guard"}, body: "<html>blocked</html>", wantKind: "ddos-guard"},
		{name: "ddos-guard cookie", status: 403, header: map[string]string{"Set-Cookie": "__ddg1_=abc; Path=/"}, body: "", wantKind: "ddos-guard"},
		{name: "ordinary 403", status: 403, body: "<html>forbidden</html>", wantKind: ""},
		{name: "ordinary page mentioning platform script", status: 200, body: `<html><title>Demo</title><script src="/cdn-cgi/challenge-platform/scripts/jsd/main.js"></script>`, wantKind: ""},
		{name: "hoster page with Cloudflare's injected JS Detections", status: 200, body: jsdPage, wantKind: ""},
		{name: "json", status: 200, header: map[string]string{"Content-Type": "application/json"}, body: `[{"title":"x"}]`, wantKind: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				for k, v := range tt.header {
					w.Header().Set(k, v)
				}
				if w.Header().Get("Content-Type") == "" {
					w.Header().Set("Content-Type", "text/html; charset=utf-8")
				}
				w.WriteHeader(tt.status)
				io.WriteString(w, tt.body)
			}))
			defer srv.Close()
			c := New(Options{Retries: -1, RateLimit: RateLimit{PerSecond: -1}})
			resp, err := get(t, c, srv.URL+"/anime/stream/demo?token=secret")
			if tt.wantKind == "" {
				if err != nil {
					t.Fatalf("unexpected error %v", err)
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if string(body) != tt.body {
					t.Errorf("peeked body not restored: %q", body)
				}
				return
			}
			if !errors.Is(err, anime.ErrChallenge) {
				t.Fatalf("err %v, want ErrChallenge", err)
			}
			var ce *ChallengeError
			if !errors.As(err, &ce) || string(ce.Kind) != tt.wantKind || ce.Status != tt.status {
				t.Errorf("challenge %+v, want kind %s", ce, tt.wantKind)
			}
			if strings.Contains(err.Error(), "secret") {
				t.Errorf("error leaks query: %v", err)
			}
		})
	}
}

func TestLargeBodyPeekRestored(t *testing.T) {
	big := strings.Repeat("<p>abcdefghij</p>", 20000) // > peekSize
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		io.WriteString(w, big)
	}))
	defer srv.Close()
	resp, err := get(t, New(Options{RateLimit: RateLimit{PerSecond: -1}}), srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != big {
		t.Errorf("body length %d, want %d", len(body), len(big))
	}
}

func TestFlareSolverr(t *testing.T) {
	tests := []struct {
		name        string
		solution    string // FlareSolverr's solution.response
		fsStatus    string
		siteAccepts bool // the site lets the clearance cookie + UA through
		wantBody    string
		wantErr     string
	}{
		{name: "clearance accepted", solution: "<html>solver copy</html>", fsStatus: "ok", siteAccepts: true, wantBody: "<html>after clearance</html>"},
		{name: "clearance refused, solver page used", solution: "<html><title>Demo</title>real content</html>", fsStatus: "ok", wantBody: "<html><title>Demo</title>real content</html>"},
		{name: "still challenged", solution: cfPage, fsStatus: "ok", wantErr: "flaresolverr: still challenged"},
		{name: "solver error", fsStatus: "error", wantErr: "flaresolverr: status \"error\": boom"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var cookieSeen atomic.Value
			site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if ck, err := r.Cookie("cf_clearance"); err == nil && tt.siteAccepts && r.UserAgent() == "SolverBrowser/1.0" {
					cookieSeen.Store(ck.Value + "|" + r.UserAgent())
					io.WriteString(w, "<html>after clearance</html>")
					return
				}
				w.Header().Set("Content-Type", "text/html")
				w.WriteHeader(403)
				io.WriteString(w, cfPage)
			}))
			defer site.Close()
			var gotReq map[string]any
			fs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Method != http.MethodPost || r.URL.Path != "/v1" {
					t.Errorf("flaresolverr got %s %s", r.Method, r.URL.Path)
				}
				json.NewDecoder(r.Body).Decode(&gotReq)
				json.NewEncoder(w).Encode(map[string]any{
					"status": tt.fsStatus, "message": "boom",
					"solution": map[string]any{
						"url": gotReq["url"], "status": 200, "response": tt.solution,
						"cookies":   []map[string]any{{"name": "cf_clearance", "value": "tok", "domain": "127.0.0.1"}},
						"userAgent": "SolverBrowser/1.0",
					},
				})
			}))
			defer fs.Close()
			var events []SolveEvent
			c := New(Options{FlareSolverrURL: fs.URL + "/v1", Retries: -1, RateLimit: RateLimit{PerSecond: -1},
				OnSolve: func(e SolveEvent) { events = append(events, e) }})
			resp, err := get(t, c, site.URL+"/anime/stream/demo")
			if gotReq["cmd"] != "request.get" || gotReq["url"] != site.URL+"/anime/stream/demo" || gotReq["maxTimeout"] == nil {
				t.Errorf("flaresolverr request %v", gotReq)
			}
			if len(events) != 1 || events[0].Solver != "flaresolverr" || events[0].Host != "127.0.0.1" || events[0].OK != (tt.fsStatus == "ok") {
				t.Errorf("solve events %+v", events)
			}
			if c.Solves()["127.0.0.1"].Solver != "flaresolverr" {
				t.Errorf("Solves() %+v", c.Solves())
			}
			if tt.wantErr != "" {
				var ce *ChallengeError
				if !errors.Is(err, anime.ErrChallenge) || !errors.As(err, &ce) || !strings.Contains(err.Error(), tt.wantErr) || ce.Host != "127.0.0.1" {
					t.Fatalf("err %v, want ErrChallenge with %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if string(body) != tt.wantBody {
				t.Errorf("body %q, want %q", body, tt.wantBody)
			}
			if c.UserAgent("127.0.0.1") != "SolverBrowser/1.0" {
				t.Errorf("host not bound to the solver's UA: %q", c.UserAgent("127.0.0.1"))
			}
			if !tt.siteAccepts {
				return
			}
			// Follow-up requests carry the clearance cookie and the solver's UA.
			cookieSeen.Store("")
			resp, err = get(t, c, site.URL+"/anime/stream/demo/staffel-1")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if cookieSeen.Load() != "tok|SolverBrowser/1.0" {
				t.Errorf("follow-up sent %v", cookieSeen.Load())
			}
		})
	}
}

func TestNoSolverError(t *testing.T) {
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(403)
		io.WriteString(w, `<html><div class="cf-turnstile" data-sitekey="x"></div></html>`)
	}))
	defer site.Close()
	c := New(Options{Retries: -1, RateLimit: RateLimit{PerSecond: -1}})
	_, err := get(t, c, site.URL+"/")
	var ce *ChallengeError
	if !errors.As(err, &ce) || ce.Kind != challenge.Turnstile || ce.Host != "127.0.0.1" {
		t.Fatalf("err %v", err)
	}
	want := "challenge (turnstile) at 127.0.0.1 (status 403): no solver available — install Debian's chromium or set download.flaresolverr_url"
	if err.Error() != want {
		t.Errorf("error %q\nwant  %q", err, want)
	}
}

func TestDoH(t *testing.T) {
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "hello from "+r.Host)
	}))
	defer target.Close()
	tu, _ := url.Parse(target.URL)
	for _, format := range []string{"wire", "json"} {
		t.Run(format, func(t *testing.T) {
			var queries atomic.Int32
			doh := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				queries.Add(1)
				if format == "json" {
					if r.URL.Query().Get("name") != "aniworld.test" || r.URL.Query().Get("type") != "A" {
						t.Errorf("json query %v", r.URL.Query())
					}
					w.Header().Set("Content-Type", "application/dns-json")
					io.WriteString(w, `{"Status":0,"Answer":[{"name":"aniworld.test","type":5,"TTL":60,"data":"alias.test."},{"name":"alias.test","type":1,"TTL":300,"data":"127.0.0.1"}]}`)
					return
				}
				raw, err := base64.RawURLEncoding.DecodeString(r.URL.Query().Get("dns"))
				if err != nil || r.Header.Get("Accept") != "application/dns-message" {
					t.Errorf("wire query: %v accept %q", err, r.Header.Get("Accept"))
				}
				var q dnsmessage.Message
				if err := q.Unpack(raw); err != nil || len(q.Questions) != 1 || q.Questions[0].Name.String() != "aniworld.test." {
					t.Errorf("bad question %v %v", err, q.Questions)
				}
				ans := dnsmessage.Message{
					Header:    dnsmessage.Header{ID: q.ID, Response: true},
					Questions: q.Questions,
					Answers: []dnsmessage.Resource{{
						Header: dnsmessage.ResourceHeader{Name: q.Questions[0].Name, Type: dnsmessage.TypeA, Class: dnsmessage.ClassINET, TTL: 300},
						Body:   &dnsmessage.AResource{A: [4]byte{127, 0, 0, 1}},
					}},
				}
				packed, _ := ans.Pack()
				w.Header().Set("Content-Type", "application/dns-message")
				w.Write(packed)
			}))
			defer doh.Close()
			c := New(Options{DoHURL: doh.URL + "/dns-query", DoHFormat: format, RateLimit: RateLimit{PerSecond: -1}})
			for range 2 {
				// Each request closes its connection so the second dial
				// must resolve again (and hit the cache).
				req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, "http://aniworld.test:"+tu.Port()+"/", nil)
				req.Close = true
				resp, err := c.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if want := "hello from aniworld.test:" + tu.Port(); string(body) != want {
					t.Errorf("body %q, want %q", body, want)
				}
			}
			if queries.Load() != 1 {
				t.Errorf("doh queries %d, want 1 (cached)", queries.Load())
			}
		})
	}
	t.Run("nxdomain", func(t *testing.T) {
		doh := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, `{"Status":3}`)
		}))
		defer doh.Close()
		c := New(Options{DoHURL: doh.URL, DoHFormat: "json", Retries: -1, RateLimit: RateLimit{PerSecond: -1}})
		_, err := get(t, c, "http://missing.test:"+tu.Port()+"/")
		if err == nil || !strings.Contains(err.Error(), "doh lookup missing.test") {
			t.Errorf("err %v, want doh lookup error", err)
		}
	})
}

// failingSolver never passes and counts its calls.
type failingSolver struct{ calls atomic.Int32 }

func (f *failingSolver) Name() string { return "stub" }

func (f *failingSolver) Solve(context.Context, SolveRequest) (Clearance, error) {
	f.calls.Add(1)
	return Clearance{}, errors.New("widget never passed")
}

// TestSolveCooldown: a solver that failed for a host is not asked again for
// it within the cooldown, and the error says why; other hosts still are.
func TestSolveCooldown(t *testing.T) {
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(403)
		io.WriteString(w, cfPage)
	}))
	defer site.Close()
	port := site.URL[strings.LastIndex(site.URL, ":"):]
	tests := []struct {
		name      string
		cooldown  time.Duration
		wantCalls int32
	}{
		{"default cooldown", 0, 2}, // 127.0.0.1 once, localhost once
		{"disabled", -1, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &failingSolver{}
			c := New(Options{Solvers: []Solver{s}, SolveCooldown: tt.cooldown, Retries: -1, RateLimit: RateLimit{PerSecond: -1}})
			_, err1 := get(t, c, site.URL+"/a")
			_, err2 := get(t, c, site.URL+"/b")
			_, err3 := get(t, c, "http://localhost"+port+"/c")
			for _, err := range []error{err1, err2, err3} {
				if !errors.Is(err, anime.ErrChallenge) {
					t.Fatalf("err %v", err)
				}
			}
			if s.calls.Load() != tt.wantCalls {
				t.Errorf("solver asked %d times, want %d", s.calls.Load(), tt.wantCalls)
			}
			if tt.cooldown == 0 && !strings.Contains(err2.Error(), "stub: not retried: failed 0s ago (widget never passed)") {
				t.Errorf("second error %v", err2)
			}
		})
	}
}

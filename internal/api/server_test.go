package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/config"
	"github.com/aniworld/aniworld/internal/store"
)

type echoInput struct {
	Body struct {
		Name  string `json:"name" minLength:"2" maxLength:"10"`
		Count int    `json:"count" minimum:"1"`
	}
}

type echoOutput struct {
	Body struct {
		Name string `json:"name"`
	}
}

// testRoutes adds operations that exercise the error paths.
func testRoutes(api huma.API) {
	huma.Register(api, Protected(huma.Operation{OperationID: "echo", Method: http.MethodPost, Path: "/api/test/echo"}),
		func(ctx context.Context, in *echoInput) (*echoOutput, error) {
			out := &echoOutput{}
			out.Body.Name = in.Body.Name
			return out, nil
		})
	huma.Register(api, Protected(huma.Operation{OperationID: "panic", Method: http.MethodGet, Path: "/api/test/panic"}),
		func(ctx context.Context, _ *struct{}) (*echoOutput, error) {
			panic("secret stack detail /etc/passwd")
		})
	huma.Register(api, Protected(huma.Operation{OperationID: "fail", Method: http.MethodGet, Path: "/api/test/fail"}),
		func(ctx context.Context, _ *struct{}) (*echoOutput, error) {
			return nil, errors.New("open /var/lib/secret.db: SQL logic error near SELECT")
		})
	huma.Register(api, Protected(huma.Operation{OperationID: "missing", Method: http.MethodGet, Path: "/api/test/missing"}),
		func(ctx context.Context, _ *struct{}) (*echoOutput, error) {
			return nil, fmt.Errorf("series %q: %w", "x", anime.ErrNotFound)
		})
}

func newTestServer(t *testing.T) (*httptest.Server, *bytes.Buffer) {
	t.Helper()
	dir := t.TempDir()
	db, err := store.Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	c := config.Default()
	c.DataDir = dir
	c.Server.MaxBodyBytes = 2048
	var logBuf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&syncWriter{w: &logBuf}, nil))
	s := New(Deps{
		Config: config.NewManager(filepath.Join(dir, "config.json"), c, config.Overrides{}),
		DB:     db, Logger: log, Version: "test", StartedAt: time.Now(),
		testRoutes: []func(huma.API){testRoutes},
	})
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	return ts, &logBuf
}

type syncWriter struct {
	w io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) { return s.w.Write(p) }

func TestErrorsHaveContractShape(t *testing.T) {
	ts, logs := newTestServer(t)
	tests := []struct {
		name, method, path, body string
		reqID                    string
		status                   int
		code                     string
		wantInMessage            string
	}{
		{"unknown api route", "GET", "/api/nope", "", "", 404, CodeNotFound, "No route"},
		{"unknown root route", "GET", "/nope", "", "", 404, CodeNotFound, ""},
		{"wrong method", "DELETE", "/health", "", "", 405, CodeMethod, "not allowed"},
		{"wrong method api", "PUT", "/api/test/echo", "", "", 405, CodeMethod, "not allowed"},
		{"malformed json", "POST", "/api/test/echo", `{"name":`, "", 400, CodeBadRequest, ""},
		{"validation", "POST", "/api/test/echo", `{"name":"x","count":1}`, "", 422, CodeValidation, "name"},
		{"too large", "POST", "/api/test/echo", `{"name":"` + strings.Repeat("a", 4096) + `"}`, "", 413, CodeTooLarge, "too large"},
		{"panic", "GET", "/api/test/panic", "", "", 500, CodeInternal, "internal error"},
		{"internal error", "GET", "/api/test/fail", "", "", 500, CodeInternal, "internal error"},
		{"domain not found", "GET", "/api/test/missing", "", "", 404, CodeNotFound, "not found"},
		{"client request id echoed", "GET", "/api/nope", "", "my-trace.123", 404, CodeNotFound, ""},
		{"insane request id replaced", "GET", "/api/nope", "", "bad id with spaces;<script>", 404, CodeNotFound, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(tc.method, ts.URL+tc.path, strings.NewReader(tc.body))
			if tc.body != "" {
				req.Header.Set("Content-Type", "application/json")
			}
			if tc.reqID != "" {
				req.Header.Set("X-Request-ID", tc.reqID)
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			raw, _ := io.ReadAll(res.Body)
			if res.StatusCode != tc.status {
				t.Fatalf("status %d, want %d: %s", res.StatusCode, tc.status, raw)
			}
			var body map[string]any
			if err := json.Unmarshal(raw, &body); err != nil {
				t.Fatalf("not JSON: %s", raw)
			}
			for _, k := range []string{"success", "error", "message", "details", "request_id"} {
				if _, ok := body[k]; !ok {
					t.Fatalf("missing %q in %s", k, raw)
				}
			}
			if body["success"] != false || body["error"] != tc.code {
				t.Fatalf("body %s", raw)
			}
			hdr := res.Header.Get("X-Request-ID")
			if hdr == "" || body["request_id"] != hdr {
				t.Fatalf("request_id %v != header %q", body["request_id"], hdr)
			}
			if tc.reqID != "" && saneRequestID.MatchString(tc.reqID) && hdr != tc.reqID {
				t.Fatalf("sane request id not echoed: %q", hdr)
			}
			if tc.reqID != "" && !saneRequestID.MatchString(tc.reqID) && hdr == tc.reqID {
				t.Fatal("insane request id echoed")
			}
			if !strings.Contains(strings.ToLower(body["message"].(string)), strings.ToLower(tc.wantInMessage)) {
				t.Fatalf("message %q should mention %q", body["message"], tc.wantInMessage)
			}
			for _, leak := range []string{"/etc/passwd", "/var/lib", "SQL", "goroutine", ".go:"} {
				if strings.Contains(string(raw), leak) {
					t.Fatalf("response leaks %q: %s", leak, raw)
				}
			}
		})
	}
	if !strings.Contains(logs.String(), "secret stack detail") || !strings.Contains(logs.String(), "goroutine") {
		t.Fatal("panic stack should be logged")
	}
}

func TestHealth(t *testing.T) {
	ts, _ := newTestServer(t)
	for _, path := range []string{"/health", "/api/health", "/health/detailed", "/api/health/detailed"} {
		t.Run(path, func(t *testing.T) {
			res, err := http.Get(ts.URL + path)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			var b map[string]any
			json.NewDecoder(res.Body).Decode(&b)
			if res.StatusCode != 200 || (b["status"] != Healthy && b["status"] != Degraded) || b["version"] != "test" {
				t.Fatalf("%d %v", res.StatusCode, b)
			}
			if strings.HasSuffix(path, "detailed") {
				deps := b["dependencies"].(map[string]any)
				for _, k := range []string{"database", "filesystem", "system", "ffmpeg"} {
					if deps[k] == nil {
						t.Fatalf("missing %s", k)
					}
				}
				if deps["database"].(map[string]any)["status"] != Healthy {
					t.Fatalf("db %v", deps["database"])
				}
			}
		})
	}
}

func TestHealthReadOnlyDataDirIsUnhealthy(t *testing.T) {
	dir := t.TempDir()
	db, err := store.Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	c := config.Default()
	c.DataDir = filepath.Join(dir, "not-a-dir")
	os.WriteFile(c.DataDir, []byte("x"), 0o600) // a file: nothing can be created "inside" it
	s := New(Deps{Config: config.NewManager(filepath.Join(dir, "c.json"), c, config.Overrides{}), DB: db, Version: "t"})
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest("GET", "/health/detailed", nil))
	var b DetailedHealthBody
	json.Unmarshal(rec.Body.Bytes(), &b)
	if rec.Code != 503 || b.Status != Unhealthy || b.Dependencies.Filesystem.DataDirWritable {
		t.Fatalf("%d %+v", rec.Code, b)
	}
}

func TestOpenAPIDocument(t *testing.T) {
	ts, _ := newTestServer(t)
	res, err := http.Get(ts.URL + "/api/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var doc map[string]any
	if err := json.NewDecoder(res.Body).Decode(&doc); err != nil {
		t.Fatal(err)
	}
	if doc["openapi"] != "3.1.0" {
		t.Fatalf("openapi = %v", doc["openapi"])
	}
	paths := doc["paths"].(map[string]any)
	for _, p := range []string{"/health", "/health/detailed", "/api/health", "/api/test/echo"} {
		if paths[p] == nil {
			t.Fatalf("path %s missing", p)
		}
	}
}

func TestDocsPagesAreSelfContained(t *testing.T) {
	ts, _ := newTestServer(t)
	for _, p := range []string{"/api/docs", "/api/redoc", "/api/docs/assets/swagger-ui-bundle.js", "/api/docs/assets/redoc.standalone.js"} {
		res, err := http.Get(ts.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 || len(body) == 0 {
			t.Fatalf("%s: %d", p, res.StatusCode)
		}
		if strings.HasSuffix(p, "docs") || strings.HasSuffix(p, "redoc") {
			if strings.Contains(string(body), "http://") || strings.Contains(string(body), "https://") {
				t.Fatalf("%s references an outside URL", p)
			}
			if res.Header.Get("Content-Security-Policy") == "" {
				t.Fatalf("%s has no CSP", p)
			}
		}
	}
}

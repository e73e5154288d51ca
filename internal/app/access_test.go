package app

import (
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
)

// TestEveryOperationDeclaresItsAccess walks the OpenAPI document of the
// fully wired product: the operations without a security requirement are
// exactly the documented public list, and every other one answers 401
// without a token — the gate reads the declarations, no path list.
func TestEveryOperationDeclaresItsAccess(t *testing.T) {
	ta := startApp(t, t.TempDir(), nil)
	ta.setupAndLogin(testPassword) // so the gate checks tokens rather than asking for setup
	var doc struct {
		Paths map[string]map[string]struct {
			OperationID string                `json:"operationId"`
			Security    []map[string][]string `json:"security"`
		} `json:"paths"`
	}
	if err := json.Unmarshal([]byte(ta.getRaw("/api/openapi.json", "")), &doc); err != nil {
		t.Fatal(err)
	}
	param := regexp.MustCompile(`\{[^}]+\}`)
	var public []string
	n := 0
	for path, ops := range doc.Paths {
		for method, op := range ops {
			method = strings.ToUpper(method)
			n++
			if len(op.Security) == 0 {
				public = append(public, method+" "+path)
				continue
			}
			req, _ := http.NewRequest(method, ta.URL+param.ReplaceAllString(path, "x"), strings.NewReader("{}"))
			req.Header.Set("Content-Type", "application/json")
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != http.StatusUnauthorized {
				t.Errorf("%s %s (%s) declares a token but answered %d without one", method, path, op.OperationID, res.StatusCode)
			}
		}
	}
	sort.Strings(public)
	want := []string{"GET /api/auth/status", "GET /api/health", "GET /api/health/detailed", "GET /health", "GET /health/detailed",
		"POST /api/auth/login", "POST /api/auth/logout", "POST /api/auth/setup"}
	if !slices.Equal(public, want) {
		t.Fatalf("public operations %v, want the documented %v", public, want)
	}
	if n < 50 {
		t.Fatalf("only %d operations in the document", n)
	}
	// The public documents themselves need no token.
	for _, p := range []string{"/api/docs", "/api/redoc", "/api/openapi.yaml", "/health"} {
		if code, _, _ := ta.do("GET", p, "", nil); code != 200 {
			t.Errorf("GET %s without a token: %d", p, code)
		}
	}
}

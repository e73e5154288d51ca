package app

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"
)

var updateRoutes = flag.Bool("update", false, "rewrite docs/ROUTES.md from the wired product")

// routesDoc is the route table generated from the operations' own
// declarations; TestRouteTableIsCurrent keeps it true.
const routesDoc = "../../docs/ROUTES.md"

// TestRouteTableIsCurrent renders every HTTP operation of the fully wired
// product (method, path, who may call it, its rate limit, its summary)
// from the OpenAPI document and compares it with docs/ROUTES.md; run
// `go test ./internal/app -run TestRouteTableIsCurrent -update` after
// adding or changing a route.
func TestRouteTableIsCurrent(t *testing.T) {
	ta := startApp(t, t.TempDir(), nil)
	var doc struct {
		Paths map[string]map[string]struct {
			OperationID string                `json:"operationId"`
			Summary     string                `json:"summary"`
			Tags        []string              `json:"tags"`
			Security    []map[string][]string `json:"security"`
			RateLimit   string                `json:"x-rate-limit"`
		} `json:"paths"`
	}
	if err := json.Unmarshal([]byte(ta.getRaw("/api/openapi.json", "")), &doc); err != nil {
		t.Fatal(err)
	}
	type row struct{ group, line string }
	var rows []row
	for path, ops := range doc.Paths {
		for method, op := range ops {
			access := "token"
			if len(op.Security) == 0 {
				access = "**public**"
			}
			for scheme := range firstScheme(op.Security) {
				if scheme != "bearer" {
					access = "own: `" + scheme + "`" // the operation checks this credential itself
				}
			}
			group := "other"
			if len(op.Tags) > 0 {
				group = op.Tags[0]
			}
			rows = append(rows, row{group, fmt.Sprintf("| %s | `%s %s` | %s | %s | `%s` | %s |",
				group, strings.ToUpper(method), path, access, op.RateLimit, op.OperationID, op.Summary)})
		}
	}
	sort.Slice(rows, func(i, j int) bool {
		if rows[i].group != rows[j].group {
			return rows[i].group < rows[j].group
		}
		return rows[i].line < rows[j].line
	})
	var b strings.Builder
	b.WriteString(`# Route table

Every HTTP operation of the product, generated from the operations' own declarations (their rows
in ` + "`internal/api/routes.go`: `api.Public`, `api.Protected`, `api.OwnAuth`, `api.RateLimited`" + `) by ` + "`TestRouteTableIsCurrent`" + `
(internal/app/routes_doc_test.go), which fails when this file is stale. The gate
(internal/api/gate.go) and the rate limiter (internal/auth/ratelimit.go) read the same
declarations. Not listed (plain handlers, not API operations, though rows of the same table): ` + "`GET /ws/connect`, `GET /ws/status`" + `
(WebSocket, token per room), ` + "`GET /metrics`" + ` (session or metrics token), the web UI pages and
` + "`/static/`" + ` (public), ` + "`/api/docs`, `/api/redoc`, `/api/openapi.{json,yaml}`" + ` (public).

| group | operation | access | rate limit | id | summary |
|---|---|---|---|---|---|
`)
	for _, r := range rows {
		b.WriteString(r.line + "\n")
	}
	got := b.String()
	if *updateRoutes {
		if err := os.WriteFile(routesDoc, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(routesDoc)
	if err != nil || string(want) != got {
		t.Fatalf("docs/ROUTES.md is stale (%v): run go test ./internal/app -run TestRouteTableIsCurrent -update", err)
	}
}

// firstScheme is the first security requirement of an operation (its
// scheme names), empty for a public one.
func firstScheme(sec []map[string][]string) map[string][]string {
	if len(sec) == 0 {
		return nil
	}
	return sec[0]
}

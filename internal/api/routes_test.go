package api

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/danielgtaylor/huma/v2"
)

// TestUndeclaredOperationIsRefused: an operation registered without
// Public, Protected or OwnAuth stops New, so it cannot ship by accident.
func TestUndeclaredOperationIsRefused(t *testing.T) {
	undeclared := func(api huma.API) {
		huma.Register(api, huma.Operation{OperationID: "undeclared", Method: http.MethodGet, Path: "/api/test/undeclared"},
			func(ctx context.Context, _ *struct{}) (*struct{}, error) { return nil, nil })
	}
	defer func() {
		r := recover()
		if r == nil || !strings.Contains(fmt.Sprint(r), "undeclared") {
			t.Fatalf("New accepted an operation without an access declaration (recovered %v)", r)
		}
	}()
	New(Deps{testRoutes: []func(huma.API){undeclared}})
}

// TestRouteTableDeclaresEveryRoute builds the table with every service
// set and checks that every route the mux serves (operations, docs
// pages, WebSocket, metrics, web UI) carries the access it was declared
// with: nothing falls back to the default.
func TestRouteTableDeclaresEveryRoute(t *testing.T) {
	plain := http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})
	s := New(Deps{Services: Services{
		Auth: stubAuth{}, Library: stubLibrary{}, Search: stubSearcher{}, Monitor: stubMonitor{},
		NFO: func() NFO { return nil }, Queue: stubQueue{}, Config: &ConfigDeps{}, Naming: stubNamer{},
		Scheduler: &SchedulerDeps{}, Logging: &LoggingDeps{}, Diagnostics: &DiagnosticsDeps{},
		Doctor: &ProviderDiagnosticsDeps{}, Automation: &AutomationDeps{}, Series: stubSeries{}, Covers: stubCovers{},
		WebSocket: plain, WSStatus: plain, Metrics: plain, Web: plain,
	}})
	ops := 0
	for _, item := range s.api.OpenAPI().Paths {
		for _, op := range []*huma.Operation{item.Get, item.Put, item.Post, item.Delete, item.Patch} {
			if op == nil {
				continue
			}
			ops++
			if _, ok := op.Metadata[metaAccess].(Access); !ok {
				t.Errorf("%s %s (%s) declares no access", op.Method, op.Path, op.OperationID)
			}
		}
	}
	if ops < 77 { // every row of routes.go when this test was written
		t.Errorf("only %d operations registered with every service set", ops)
	}
	want := map[string]Access{
		"GET /ws/connect": AccessOwn, "GET /ws/status": AccessOwn, "GET /metrics": AccessOwn,
		"/": AccessOwn, "/static/": AccessOwn, "/favicon.ico": AccessOwn,
		"GET /api/docs": AccessPublic, "GET /api/redoc": AccessPublic, "GET /api/openapi.json": AccessPublic,
		"GET /feed/calendar.ics": AccessOwn, "POST /api/auth/login": AccessPublic, "GET /api/queue/status": AccessProtected,
	}
	for pattern, access := range want {
		if d, ok := s.decl[pattern]; !ok || d.access != access {
			t.Errorf("%s: declared %+v (found %v), want %s", pattern, d, ok, access)
		}
	}
}

// Stubs that satisfy the services' interfaces; the table only needs them
// to be set (no handler runs here).
type (
	stubAuth     struct{ AuthService }
	stubLibrary  struct{ Library }
	stubSearcher struct{ Searcher }
	stubMonitor  struct{ Monitor }
	stubQueue    struct{ Queue }
	stubNamer    struct{ NamingPreviewer }
	stubSeries   struct{ SeriesPage }
	stubCovers   struct{ Covers }
)

package api

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

const chromium = "/usr/bin/chromium"

// browser starts headless Chromium and records every request it makes.
func browser(t *testing.T) (context.Context, func() []string) {
	t.Helper()
	if _, err := os.Stat(chromium); err != nil {
		t.Skip("chromium not installed (bash scripts/test.sh installs it)")
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-features", "Translate,OptimizationHints,MediaRouter"),
	}
	var mu sync.Mutex
	var urls []string
	listen := func(ev any) {
		switch e := ev.(type) {
		case *network.EventRequestWillBeSent:
			mu.Lock()
			urls = append(urls, e.Request.URL)
			mu.Unlock()
		case *runtime.EventExceptionThrown:
			t.Errorf("page exception: %s", e.ExceptionDetails.Text)
		}
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx, chromedp.WithListener(listen))
	t.Cleanup(func() { cancelCtx(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx, func() []string { mu.Lock(); defer mu.Unlock(); return append([]string(nil), urls...) }
}

// textOf polls until the element matching sel has text, and returns it.
func textOf(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(document.querySelector(`+strconvQuote(sel)+`) || {}).innerText || ""`))
		if err != nil {
			t.Fatal(err)
		}
		if s != "" {
			return s
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s never appeared", sel)
	return ""
}

func strconvQuote(s string) string { b, _ := json.Marshal(s); return string(b) }

func TestDocsRenderInBrowserWithoutLeavingHost(t *testing.T) {
	ts, _ := newTestServer(t)
	ctx, requests := browser(t)
	tests := []struct {
		name, path, waitFor, text string
	}{
		{"swagger ui", "/api/docs", ".swagger-ui .information-container .title", "aniworld API"},
		{"redoc", "/api/redoc", "#redoc-container h1", "aniworld API"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tctx, cancel := context.WithTimeout(ctx, 90*time.Second)
			defer cancel()
			if err := chromedp.Do(tctx, chromedp.Navigate(ts.URL+tc.path)); err != nil {
				t.Fatal(err)
			}
			if title := textOf(t, tctx, tc.waitFor); !strings.Contains(title, tc.text) {
				t.Fatalf("title %q", title)
			}
		})
	}
	if len(requests()) < 4 {
		t.Fatalf("too few requests recorded: %v", requests())
	}
	for _, u := range requests() {
		pu, err := url.Parse(u)
		if err != nil || (pu.Scheme != "data" && pu.Scheme != "blob" && pu.Hostname() != "127.0.0.1") {
			t.Errorf("request left the host: %s", u)
		}
	}
}

// TestOpenAPIIsWellFormed checks the document's structure: version, every
// operation with responses, every $ref resolving to a component.
func TestOpenAPIIsWellFormed(t *testing.T) {
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
	if doc["openapi"] != "3.1.0" || doc["info"].(map[string]any)["title"] == "" {
		t.Fatalf("header: %v %v", doc["openapi"], doc["info"])
	}
	schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if ref, ok := x["$ref"].(string); ok {
				name := strings.TrimPrefix(ref, "#/components/schemas/")
				if _, ok := schemas[name]; !ok {
					t.Errorf("dangling $ref %s", ref)
				}
			}
			for _, c := range x {
				walk(c)
			}
		case []any:
			for _, c := range x {
				walk(c)
			}
		}
	}
	walk(doc)
	ids := map[string]bool{}
	for path, item := range doc["paths"].(map[string]any) {
		for method, op := range item.(map[string]any) {
			o := op.(map[string]any)
			id, _ := o["operationId"].(string)
			if id == "" || ids[id] {
				t.Errorf("%s %s: missing or duplicate operationId %q", method, path, id)
			}
			ids[id] = true
			if r, _ := o["responses"].(map[string]any); len(r) == 0 {
				t.Errorf("%s %s: no responses", method, path)
			}
		}
	}
}

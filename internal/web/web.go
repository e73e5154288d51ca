// Package web is the browser UI: server-rendered page shells
// (html/template) plus small vendored-free JavaScript modules that talk to
// the product's own HTTP API and WebSocket. Everything is embedded in the
// binary; nothing is loaded from another origin.
//
// Pages are public: they only render a shell. The scripts
// keep the bearer token in localStorage, ask GET /api/auth/status and send
// the user to /setup or /login when needed.
package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Options configures the UI handler.
type Options struct {
	// Logger receives template errors; slog.Default() when nil.
	Logger *slog.Logger
	// Version is shown in the footer.
	Version string
}

// page describes one UI page: its template, title, nav entry and script.
type page struct {
	name   string // template file without .html, also the script name
	title  string
	nav    string // nav item marked current; "" for public pages
	public bool   // setup/login: no nav, no auth guard
}

var pages = map[string]page{
	"/":           {name: "library", title: "Library", nav: "library"},
	"/search":     {name: "search", title: "Add series", nav: "search"},
	"/queue":      {name: "queue", title: "Download queue", nav: "queue"},
	"/wanted":     {name: "wanted", title: "Wanted", nav: "wanted"},
	"/history":    {name: "history", title: "History", nav: "history"},
	"/settings":   {name: "settings", title: "Settings", nav: "settings"},
	"/system":     {name: "system", title: "System", nav: "system"},
	"/automation": {name: "automation", title: "Automation", nav: "automation"},
	"/login":      {name: "login", title: "Log in", public: true},
	"/setup":      {name: "setup", title: "First-run setup", public: true},
}

// seriesPage is /series/{key}.
var seriesPage = page{name: "series", title: "Series", nav: "library"}

// notFoundPage is the friendly 404.
var notFoundPage = page{name: "notfound", title: "Page not found", public: true}

// Handler serves the UI pages and /static/*.
type Handler struct {
	opts      Options
	tmpl      map[string]*template.Template
	static    *staticFiles
	assetHash string
}

// pageData is what every template receives.
type pageData struct {
	Title   string
	Page    string
	Nav     string
	Public  bool
	Version string
	Asset   func(string) string
	Key     string // series key on /series/{key}
	Path    string // request path, for the 404 page
}

// New builds the UI handler. Mount it at "/" (pages, 404) and "/static/".
// The templates and files are embedded, so a parse failure is a
// programming error (caught by the package tests) and panics.
func New(o Options) http.Handler {
	h, err := build(o)
	if err != nil {
		panic("web: " + err.Error())
	}
	return h
}

func build(o Options) (*Handler, error) {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	sub, err := fs.Sub(staticFS, "static")
	if err != nil {
		return nil, fmt.Errorf("static files: %w", err)
	}
	st, err := loadStatic(sub)
	if err != nil {
		return nil, err
	}
	h := &Handler{opts: o, static: st, tmpl: map[string]*template.Template{}, assetHash: st.hash}
	layout, err := template.New("layout.html").ParseFS(templateFS, "templates/layout.html")
	if err != nil {
		return nil, fmt.Errorf("parse layout: %w", err)
	}
	all := []page{seriesPage, notFoundPage}
	for _, p := range pages {
		all = append(all, p)
	}
	for _, p := range all {
		t, err := template.Must(layout.Clone()).ParseFS(templateFS, "templates/"+p.name+".html")
		if err != nil {
			return nil, fmt.Errorf("parse page %s: %w", p.name, err)
		}
		h.tmpl[p.name] = t
	}
	return h, nil
}

// csp allows only this origin: scripts, styles, images (plus data: for
// inline SVG icons and blob: for log downloads), fetch and WebSocket.
const csp = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; " +
	"connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; " +
	"form-action 'self'; frame-ancestors 'none'"

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/static/") {
		h.static.serve(w, r, strings.TrimPrefix(r.URL.Path, "/static/"))
		return
	}
	if r.URL.Path == "/favicon.ico" {
		h.static.serve(w, r, "favicon.svg")
		return
	}
	p, key, ok := route(r.URL.Path)
	if !ok {
		h.render(w, r, http.StatusNotFound, notFoundPage, "")
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		h.render(w, r, http.StatusMethodNotAllowed, page{name: "notfound", title: "Method not allowed", public: true}, "")
		return
	}
	h.render(w, r, http.StatusOK, p, key)
}

// route maps a path to its page; /series/{key} carries the key.
func route(path string) (page, string, bool) {
	if p, ok := pages[path]; ok {
		return p, "", true
	}
	if rest, ok := strings.CutPrefix(path, "/series/"); ok {
		key, err := url.PathUnescape(rest)
		if err == nil && key != "" && !strings.Contains(key, "/") && len(key) <= 200 {
			return seriesPage, key, true
		}
	}
	return page{}, "", false
}

func (h *Handler) render(w http.ResponseWriter, r *http.Request, status int, p page, key string) {
	data := pageData{
		Title: p.title, Page: p.name, Nav: p.nav, Public: p.public, Version: h.opts.Version,
		Asset: h.asset, Key: key, Path: r.URL.Path,
	}
	var buf bytes.Buffer
	if err := h.tmpl[p.name].ExecuteTemplate(&buf, "layout.html", data); err != nil {
		h.opts.Logger.ErrorContext(r.Context(), "render page", "page", p.name, "error", err)
		http.Error(w, "internal error rendering the page", http.StatusInternalServerError)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", "text/html; charset=utf-8")
	hd.Set("Content-Security-Policy", csp)
	hd.Set("Cache-Control", "no-cache")
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(buf.Bytes())
	}
}

// asset is the URL of a static file with a content-hash query, so a new
// binary's files are never taken from a stale cache.
func (h *Handler) asset(name string) string {
	if e, ok := h.static.files[name]; ok {
		return "/static/" + name + "?v=" + e.etag[1:9]
	}
	return "/static/" + name
}

package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"regexp"
	"sort"
	"strings"
	"time"
)

// staticFile is one embedded asset with its strong ETag.
type staticFile struct {
	body  []byte
	etag  string // quoted hex sha256 prefix
	ctype string
}

// staticFiles holds every embedded asset in memory (they are small).
type staticFiles struct {
	files map[string]staticFile
	hash  string // hash over every file, for diagnostics
}

var contentTypes = map[string]string{
	".js":   "text/javascript; charset=utf-8",
	".css":  "text/css; charset=utf-8",
	".svg":  "image/svg+xml",
	".png":  "image/png",
	".json": "application/json",
	".txt":  "text/plain; charset=utf-8",
}

func loadStatic(fsys fs.FS) (*staticFiles, error) {
	st := &staticFiles{files: map[string]staticFile{}}
	var names []string
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return fmt.Errorf("read %s: %w", p, err)
		}
		sum := sha256.Sum256(b)
		ct := contentTypes[path.Ext(p)]
		if ct == "" {
			ct = mime.TypeByExtension(path.Ext(p))
		}
		if ct == "" {
			ct = "application/octet-stream"
		}
		st.files[p] = staticFile{body: b, etag: `"` + hex.EncodeToString(sum[:12]) + `"`, ctype: ct}
		names = append(names, p)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load static files: %w", err)
	}
	sort.Strings(names)
	st.versionImports()
	all := sha256.New()
	for _, n := range names {
		all.Write([]byte(n + st.files[n].etag))
	}
	st.hash = hex.EncodeToString(all.Sum(nil))[:12]
	return st, nil
}

// importRe matches a relative ES module import: from "./x.js".
var importRe = regexp.MustCompile(`(from\s+"\./)([A-Za-z0-9_\-]+\.js)(")`)

// versionImports rewrites the relative imports of the JS modules to
// versioned URLs ("./api.js?v=<hash>"), so that every module URL the
// browser sees is content-addressed and cached as immutable, and a page
// load needs no revalidation round trips. A module's hash covers its
// rewritten text, so a change in a dependency changes its importers'
// URLs too; the rewrite is repeated until the hashes settle.
func (st *staticFiles) versionImports() {
	orig := map[string][]byte{}
	for name, f := range st.files {
		if strings.HasPrefix(name, "js/") && strings.HasSuffix(name, ".js") {
			orig[name] = f.body
		}
	}
	for range 8 {
		changed := false
		for name, body := range orig {
			out := importRe.ReplaceAllFunc(body, func(m []byte) []byte {
				sub := importRe.FindSubmatch(m)
				dep, ok := st.files["js/"+string(sub[2])]
				if !ok {
					return m
				}
				return []byte(string(sub[1]) + string(sub[2]) + "?v=" + dep.etag[1:9] + string(sub[3]))
			})
			sum := sha256.Sum256(out)
			etag := `"` + hex.EncodeToString(sum[:12]) + `"`
			if f := st.files[name]; f.etag != etag {
				f.body, f.etag = out, etag
				st.files[name] = f
				changed = true
			}
		}
		if !changed {
			return
		}
	}
}

// serve answers GET/HEAD for one asset. Versioned URLs (?v=) are cached
// for a year; others are revalidated with the ETag.
func (st *staticFiles) serve(w http.ResponseWriter, r *http.Request, name string) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	f, ok := st.files[name]
	if !ok || strings.Contains(name, "..") {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte("static file not found\n"))
		return
	}
	h := w.Header()
	h.Set("Content-Type", f.ctype)
	h.Set("ETag", f.etag)
	if r.URL.Query().Get("v") != "" {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "no-cache")
	}
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(f.body))
}

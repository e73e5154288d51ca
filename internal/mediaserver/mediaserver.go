// Package mediaserver tells Jellyfin, Emby, Plex and Kodi about new and
// changed files, so they show up without a manual library scan:
//
//   - Jellyfin/Emby: POST /Library/Media/Updated {"Updates":[{"Path","UpdateType"}]}
//     with X-MediaBrowser-Token.
//   - Plex: GET /library/sections to find the section whose location holds
//     the folder, then GET /library/sections/<key>/refresh?path=<folder>,
//     both with X-Plex-Token.
//   - Kodi: JSON-RPC VideoLibrary.Scan {"directory": "<folder>/"} at
//     /jsonrpc, with HTTP basic auth when a user is set.
//
// Paths are rewritten with the server's path mapping first (the library as
// a container or NAS share sees it). Updates are queued and sent in the
// background; a server that is down never holds up a download.
package mediaserver

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
)

// Kinds.
const (
	Jellyfin = "jellyfin"
	Emby     = "emby"
	Plex     = "plex"
	Kodi     = "kodi"
)

// Mapping rewrites a library path prefix to the server's view.
type Mapping struct {
	From string
	To   string
}

// Config is one server.
type Config struct {
	Name     string
	Kind     string
	URL      string
	Token    string
	Username string
	Password string
	PathMap  []Mapping
}

// Server is one media server.
type Server interface {
	// Name is the configured name.
	Name() string
	// Updated tells the server that the file or folder at p (a library
	// path, mapped by the server) was added or changed.
	Updated(ctx context.Context, p string) error
	// Test checks URL and credentials.
	Test(ctx context.Context) error
}

// New builds the client for one server.
func New(c Config, client *http.Client) (Server, error) {
	if client == nil {
		client = &http.Client{Timeout: 15 * time.Second}
	}
	c.URL = strings.TrimRight(c.URL, "/")
	if !strings.HasPrefix(c.URL, "http://") && !strings.HasPrefix(c.URL, "https://") {
		return nil, fmt.Errorf("%w: media server %q: url must be http(s)", anime.ErrInvalid, c.Name)
	}
	b := base{cfg: c, http: client}
	switch strings.ToLower(c.Kind) {
	case Jellyfin, Emby:
		return &jellyfin{b}, nil
	case Plex:
		return &plex{b}, nil
	case Kodi:
		return &kodi{b}, nil
	}
	return nil, fmt.Errorf("%w: media server %q: unknown kind %q", anime.ErrInvalid, c.Name, c.Kind)
}

type base struct {
	cfg  Config
	http *http.Client
}

func (b base) Name() string { return b.cfg.Name }

// mapPath applies the server's path mapping.
func (b base) mapPath(p string) string { return MapPath(p, b.cfg.PathMap) }

// MapPath rewrites p with the mapping whose From is the longest prefix of p
// on a path-component boundary; To's separator style (a Windows share's
// backslashes) is used for the rest. Unmapped paths are returned as is.
func MapPath(p string, maps []Mapping) string {
	best := -1
	for i, m := range maps {
		from := strings.TrimRight(m.From, "/\\")
		if from == "" {
			continue
		}
		if p == from || strings.HasPrefix(p, from+"/") || strings.HasPrefix(p, from+"\\") {
			if best < 0 || len(from) > len(strings.TrimRight(maps[best].From, "/\\")) {
				best = i
			}
		}
	}
	if best < 0 {
		return p
	}
	from := strings.TrimRight(maps[best].From, "/\\")
	to := strings.TrimRight(maps[best].To, "/\\")
	rest := p[len(from):]
	if strings.Contains(to, "\\") && !strings.Contains(to, "/") {
		rest = strings.ReplaceAll(rest, "/", "\\")
	}
	if to == "" {
		to = "/"
		rest = strings.TrimLeft(rest, "/")
	}
	return to + rest
}

// dirOf is the folder of a mapped path in its own separator style.
func dirOf(p string) string {
	if strings.Contains(p, "\\") && !strings.Contains(p, "/") {
		if i := strings.LastIndex(p, "\\"); i > 0 {
			return p[:i]
		}
		return p
	}
	return path.Dir(p)
}

// statusError turns a non-2xx answer into an error; 401/403 say so.
func statusError(what string, res *http.Response) error {
	if res.StatusCode >= 200 && res.StatusCode < 300 {
		return nil
	}
	if res.StatusCode == http.StatusUnauthorized || res.StatusCode == http.StatusForbidden {
		return fmt.Errorf("%s: %w: the server refused the token (%d)", what, ErrAuth, res.StatusCode)
	}
	return fmt.Errorf("%s: the server answered %d", what, res.StatusCode)
}

// ErrAuth is a refused token or password.
var ErrAuth = errors.New("not authorised")

package mediaserver

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

type jellyfin struct{ base }

func (j *jellyfin) do(ctx context.Context, method, p string, body any) (*http.Response, error) {
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, j.cfg.URL+p, rd)
	if err != nil {
		return nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("X-MediaBrowser-Token", j.cfg.Token)
	return j.http.Do(req)
}

func (j *jellyfin) Updated(ctx context.Context, p string) error {
	res, err := j.do(ctx, http.MethodPost, "/Library/Media/Updated", map[string]any{
		"Updates": []map[string]string{{"Path": j.mapPath(p), "UpdateType": "Created"}},
	})
	if err != nil {
		return fmt.Errorf("%s: %w", j.cfg.Name, err)
	}
	defer res.Body.Close()
	return statusError(j.cfg.Name, res)
}

func (j *jellyfin) Test(ctx context.Context) error {
	res, err := j.do(ctx, http.MethodGet, "/System/Info", nil)
	if err != nil {
		return fmt.Errorf("%s: %w", j.cfg.Name, err)
	}
	defer res.Body.Close()
	return statusError(j.cfg.Name, res)
}

type plex struct{ base }

func (p *plex) get(ctx context.Context, pth string, q url.Values) (*http.Response, error) {
	u := p.cfg.URL + pth
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("X-Plex-Token", p.cfg.Token)
	req.Header.Set("Accept", "application/xml")
	return p.http.Do(req)
}

// plexSections is GET /library/sections (XML).
type plexSections struct {
	Directories []struct {
		Key       string `xml:"key,attr"`
		Title     string `xml:"title,attr"`
		Locations []struct {
			Path string `xml:"path,attr"`
		} `xml:"Location"`
	} `xml:"Directory"`
}

func (p *plex) sections(ctx context.Context) (plexSections, error) {
	var out plexSections
	res, err := p.get(ctx, "/library/sections", nil)
	if err != nil {
		return out, fmt.Errorf("%s: %w", p.cfg.Name, err)
	}
	defer res.Body.Close()
	if err := statusError(p.cfg.Name, res); err != nil {
		return out, err
	}
	out, err = parseSections(io.LimitReader(res.Body, 4<<20))
	if err != nil {
		return out, fmt.Errorf("%s: library sections: %w", p.cfg.Name, err)
	}
	return out, nil
}

// parseSections reads GET /library/sections: the Directory elements of the
// MediaContainer with their key and Location paths.
func parseSections(r io.Reader) (plexSections, error) {
	var out plexSections
	if err := xml.NewDecoder(r).Decode(&out); err != nil {
		return plexSections{}, err
	}
	return out, nil
}

// Updated refreshes the folder of p (p itself when it is a folder is fine
// too: Plex scans the given path) in the section whose location holds it.
func (p *plex) Updated(ctx context.Context, file string) error {
	mapped := p.mapPath(file)
	folder := mapped
	if strings.Contains(lastElem(mapped), ".") {
		folder = dirOf(mapped)
	}
	secs, err := p.sections(ctx)
	if err != nil {
		return err
	}
	key, best := "", -1
	for _, d := range secs.Directories {
		for _, l := range d.Locations {
			loc := strings.TrimRight(l.Path, "/\\")
			if (folder == loc || strings.HasPrefix(folder, loc+"/") || strings.HasPrefix(folder, loc+"\\")) && len(loc) > best {
				key, best = d.Key, len(loc)
			}
		}
	}
	if key == "" {
		return fmt.Errorf("%s: no library section holds %s (check the path mapping)", p.cfg.Name, folder)
	}
	res, err := p.get(ctx, "/library/sections/"+url.PathEscape(key)+"/refresh", url.Values{"path": {folder}})
	if err != nil {
		return fmt.Errorf("%s: %w", p.cfg.Name, err)
	}
	defer res.Body.Close()
	return statusError(p.cfg.Name, res)
}

func (p *plex) Test(ctx context.Context) error {
	_, err := p.sections(ctx)
	return err
}

// lastElem is the last element of a path in either separator style.
func lastElem(p string) string {
	if i := strings.LastIndexAny(p, "/\\"); i >= 0 {
		return p[i+1:]
	}
	return p
}

type kodi struct{ base }

type rpcResponse struct {
	Result json.RawMessage `json:"result"`
	Error  *struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

func (k *kodi) call(ctx context.Context, method string, params any) (json.RawMessage, error) {
	body := map[string]any{"jsonrpc": "2.0", "method": method, "id": 1}
	if params != nil {
		body["params"] = params
	}
	b, _ := json.Marshal(body)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, k.cfg.URL+"/jsonrpc", bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	if k.cfg.Username != "" || k.cfg.Password != "" {
		req.SetBasicAuth(k.cfg.Username, k.cfg.Password)
	}
	res, err := k.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", k.cfg.Name, err)
	}
	defer res.Body.Close()
	if err := statusError(k.cfg.Name, res); err != nil {
		return nil, err
	}
	var r rpcResponse
	if err := json.NewDecoder(io.LimitReader(res.Body, 1<<20)).Decode(&r); err != nil {
		return nil, fmt.Errorf("%s: bad JSON-RPC answer: %w", k.cfg.Name, err)
	}
	if r.Error != nil {
		return nil, fmt.Errorf("%s: %s: %s (%d)", k.cfg.Name, method, r.Error.Message, r.Error.Code)
	}
	return r.Result, nil
}

// Updated scans the folder of the file; Kodi wants a trailing separator.
func (k *kodi) Updated(ctx context.Context, file string) error {
	mapped := k.mapPath(file)
	dir := mapped
	if strings.Contains(lastElem(mapped), ".") {
		dir = dirOf(mapped)
	}
	sep := "/"
	if strings.Contains(dir, "\\") && !strings.Contains(dir, "/") {
		sep = "\\"
	}
	if !strings.HasSuffix(dir, sep) {
		dir += sep
	}
	_, err := k.call(ctx, "VideoLibrary.Scan", map[string]any{"directory": dir, "showdialogs": false})
	return err
}

func (k *kodi) Test(ctx context.Context) error {
	res, err := k.call(ctx, "JSONRPC.Ping", nil)
	if err != nil {
		return err
	}
	if string(res) != `"pong"` {
		return fmt.Errorf("%s: JSONRPC.Ping answered %s", k.cfg.Name, res)
	}
	return nil
}

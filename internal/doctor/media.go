package doctor

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/provider/hoster"
)

// maxPlaylist caps how much of a playlist is read.
const maxPlaylist = 1 << 20

// firstBytes fetches the first n bytes of a stream with the stream's
// headers: a ranged GET of the file, or for HLS the playlist (the first
// variant of a master) and a ranged GET of its first segment.
func firstBytes(ctx context.Context, c hoster.Doer, st anime.Stream, n int) (string, error) {
	if st.Kind != anime.StreamHLS {
		b, err := get(ctx, c, st, st.URL, n)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("%d bytes of %s", len(b), host(st.URL)), nil
	}
	u := st.URL
	for depth := 0; depth < 3; depth++ {
		pl, err := get(ctx, c, st, u, 0)
		if err != nil {
			return "", fmt.Errorf("playlist: %w", err)
		}
		if !bytes.HasPrefix(bytes.TrimSpace(pl), []byte("#EXTM3U")) {
			return "", fmt.Errorf("playlist %s does not start with #EXTM3U (starts %q)", host(u), head(pl))
		}
		ref, master := firstURI(pl)
		if ref == "" {
			return "", fmt.Errorf("playlist %s lists no segment", host(u))
		}
		next, err := resolve(u, ref)
		if err != nil {
			return "", fmt.Errorf("playlist %s: bad uri %q", host(u), ref)
		}
		if master {
			u = next
			continue
		}
		seg, err := get(ctx, c, st, next, n)
		if err != nil {
			return "", fmt.Errorf("first segment: %w", err)
		}
		return fmt.Sprintf("playlist and %d bytes of the first segment from %s", len(seg), host(next)), nil
	}
	return "", fmt.Errorf("playlists nested deeper than 3 at %s", host(u))
}

// get GETs u with the stream's headers (and a Range of n bytes when n > 0)
// and answers the body; an HTML answer is an error, not media.
func get(ctx context.Context, c hoster.Doer, st anime.Stream, u string, n int) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	for k, v := range st.Headers {
		req.Header[k] = append([]string(nil), v...)
	}
	limit := int64(maxPlaylist)
	if n > 0 {
		req.Header.Set("Range", fmt.Sprintf("bytes=0-%d", n-1))
		limit = int64(n)
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusPartialContent {
		return nil, fmt.Errorf("GET %s: HTTP %d", host(u), resp.StatusCode)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, limit))
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", host(u), err)
	}
	if len(b) == 0 {
		return nil, fmt.Errorf("GET %s: empty body", host(u))
	}
	if strings.Contains(strings.ToLower(resp.Header.Get("Content-Type")), "html") || bytes.HasPrefix(bytes.TrimSpace(bytes.ToLower(b)), []byte("<!doctype html")) {
		return nil, fmt.Errorf("GET %s: an HTML page, not media (starts %q)", host(u), head(b))
	}
	return b, nil
}

// firstURI returns the first URI line of a playlist and whether it is a
// master playlist (the URI follows #EXT-X-STREAM-INF).
func firstURI(pl []byte) (string, bool) {
	sc := bufio.NewScanner(bytes.NewReader(pl))
	master := false
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case strings.HasPrefix(line, "#EXT-X-STREAM-INF"):
			master = true
		case line == "" || strings.HasPrefix(line, "#"):
		default:
			return line, master
		}
	}
	return "", master
}

func resolve(base, ref string) (string, error) {
	b, err := url.Parse(base)
	if err != nil {
		return "", err
	}
	r, err := url.Parse(ref)
	if err != nil {
		return "", err
	}
	return b.ResolveReference(r).String(), nil
}

func host(u string) string {
	if p, err := url.Parse(u); err == nil && p.Host != "" {
		return p.Host
	}
	return u
}

func head(b []byte) string {
	if len(b) > 40 {
		b = b[:40]
	}
	return string(b)
}

package hoster

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Media is the content every fake hoster serves: one progressive MP4 and
// the .ts segments of one HLS rendition.
type Media struct {
	MP4      []byte
	Segments [][]byte
}

// TestMedia returns deterministic media: an MP4 of mp4Size bytes and
// segments HLS segments of segSize bytes each, every byte depending on its
// position so that a misplaced range or segment changes the hash.
func TestMedia(mp4Size, segments, segSize int) Media {
	m := Media{MP4: pattern(mp4Size, 7)}
	for i := 0; i < segments; i++ {
		m.Segments = append(m.Segments, pattern(segSize, 31+i))
	}
	return m
}

func pattern(n, seed int) []byte {
	b := make([]byte, n)
	x := uint32(seed)*2654435761 + 1
	for i := range b {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		b[i] = byte(x)
	}
	return b
}

// HLSBytes is the concatenation of the segments, what a complete HLS
// download contains before any remux.
func (m Media) HLSBytes() []byte { return bytes.Join(m.Segments, nil) }

// mediaRules says which headers a hoster's media requests must carry.
type mediaRules struct {
	refererPrefix  string // Referer starting with this fixed value
	cookie         string // this cookie name with the value the page set
	referer        bool   // Referer starting with the server's origin
	origin         bool   // Origin equal to the server's origin
	acceptLanguage bool   // Accept-Language starting with "de"
}

// authorize checks a media request against the rules and the UA recorded
// when the embed page was served. It writes 403 and returns false when a
// header is wrong.
func (h *Hoster) authorize(w http.ResponseWriter, r *http.Request) bool {
	h.mu.Lock()
	ua, fail := h.embedUA, h.failure
	h.mu.Unlock()
	h.mediaHits.Add(1)
	org := originOf(r)
	reason := ""
	switch {
	case fail == MediaForbidden:
		reason = "media failure injected"
	case ua == "" || r.UserAgent() != ua:
		reason = "user-agent differs from the one that fetched the embed page"
	case h.rules.referer && !strings.HasPrefix(r.Referer(), org):
		reason = "referer missing or foreign"
	case h.rules.refererPrefix != "" && !strings.HasPrefix(r.Referer(), h.rules.refererPrefix):
		reason = "referer is not " + h.rules.refererPrefix
	case h.rules.cookie != "" && !h.hasCookie(r):
		reason = "player cookie missing"
	case h.rules.origin && r.Header.Get("Origin") != org:
		reason = "origin missing or foreign"
	case h.rules.acceptLanguage && !strings.HasPrefix(r.Header.Get("Accept-Language"), "de"):
		reason = "accept-language is not german"
	}
	if reason != "" {
		http.Error(w, "forbidden: "+reason, http.StatusForbidden)
		return false
	}
	return true
}

// serveMedia serves /hls/<id>/{master.m3u8,index.m3u8,seg-N.ts} and
// /mp4/<id>/video.mp4, with Range support for every file.
func (h *Hoster) serveMedia(w http.ResponseWriter, r *http.Request, rest string) {
	if !h.authorize(w, r) {
		return
	}
	kind, file, ok := strings.Cut(rest, "/")
	if !ok {
		http.NotFound(w, r)
		return
	}
	_, file, _ = strings.Cut(file, "/") // drop the id
	switch {
	case kind == "mp4" && file == "video.mp4":
		w.Header().Set("Content-Type", "video/mp4")
		http.ServeContent(w, r, "video.mp4", time.Time{}, bytes.NewReader(h.media.MP4))
	case kind == "hls" && file == "master.m3u8":
		w.Header().Set("Content-Type", "application/vnd.apple.mpegurl")
		fmt.Fprint(w, "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=800000,RESOLUTION=1280x720\nindex.m3u8\n")
	case kind == "hls" && file == "index.m3u8":
		w.Header().Set("Content-Type", "application/vnd.apple.mpegurl")
		var b strings.Builder
		b.WriteString("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:4\n#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-PLAYLIST-TYPE:VOD\n")
		for i := range h.media.Segments {
			fmt.Fprintf(&b, "#EXTINF:4.000,\nseg-%d.ts\n", i)
		}
		b.WriteString("#EXT-X-ENDLIST\n")
		fmt.Fprint(w, b.String())
	case kind == "hls" && strings.HasPrefix(file, "seg-") && strings.HasSuffix(file, ".ts"):
		n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(file, "seg-"), ".ts"))
		if err != nil || n < 0 || n >= len(h.media.Segments) {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "video/mp2t")
		http.ServeContent(w, r, file, time.Time{}, bytes.NewReader(h.media.Segments[n]))
	default:
		http.NotFound(w, r)
	}
}

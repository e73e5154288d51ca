package download

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"fmt"
	"math"
	"net/url"
	"strconv"
	"strings"

	"github.com/aniworld/aniworld/internal/anime"
)

// Playlist is a parsed m3u8 file: exactly one of Master and Media is set.
type Playlist struct {
	Master *MasterPlaylist
	Media  *MediaPlaylist
}

// MasterPlaylist lists the variants (renditions) of one stream.
type MasterPlaylist struct {
	Variants []Variant
}

// Variant is one EXT-X-STREAM-INF entry.
type Variant struct {
	URI       string
	Bandwidth int64
	Width     int
	Height    int
	Codecs    string
}

// MediaPlaylist is a list of media segments.
type MediaPlaylist struct {
	TargetDuration float64
	MediaSequence  int64
	Segments       []Segment
	EndList        bool
}

// ByteRange is an EXT-X-BYTERANGE (or MAP BYTERANGE) sub-range of a resource.
type ByteRange struct {
	Length int64
	Offset int64
}

// Header is the HTTP Range header value for the byte range.
func (b ByteRange) Header() string {
	return fmt.Sprintf("bytes=%d-%d", b.Offset, b.Offset+b.Length-1)
}

// Key is an EXT-X-KEY: the encryption in effect for the segments that follow.
type Key struct {
	Method string // "AES-128", "SAMPLE-AES", ...; never "NONE" (that is a nil *Key)
	URI    string
	IV     []byte // 16 bytes, or nil: the IV is the segment's media sequence number
}

// Map is an EXT-X-MAP initialisation section (fMP4 streams).
type Map struct {
	URI   string
	Range *ByteRange
	Key   *Key // the key in effect where the MAP tag appeared
	// Sequence is the media sequence number of the first segment using this
	// map; it is the IV when Key has none.
	Sequence int64
}

// Segment is one media segment.
type Segment struct {
	URI      string
	Duration float64
	Sequence int64
	Key      *Key
	Map      *Map
	Range    *ByteRange
}

// maxPlaylistLines bounds the work done on hostile input.
const maxPlaylistLines = 1 << 20

// ParsePlaylist parses an m3u8 playlist. Relative URIs are resolved against
// base (the URL the playlist was fetched from, after redirects); base may be
// nil, then URIs are kept as written.
func ParsePlaylist(data []byte, base *url.URL) (*Playlist, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	p := &playlistParser{base: base, segDur: -1, lastRange: map[string]int64{}}
	first, lines := true, 0
	for sc.Scan() {
		lines++
		if lines > maxPlaylistLines {
			return nil, fmt.Errorf("%w: playlist has too many lines", anime.ErrProvider)
		}
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		if first {
			if line != "#EXTM3U" {
				return nil, fmt.Errorf("%w: not an m3u8 playlist", anime.ErrProvider)
			}
			first = false
			continue
		}
		var err error
		if strings.HasPrefix(line, "#") {
			err = p.tag(line)
		} else {
			err = p.uri(line)
		}
		if err != nil {
			return nil, err
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%w: read playlist: %v", anime.ErrProvider, err)
	}
	if first {
		return nil, fmt.Errorf("%w: empty playlist", anime.ErrProvider)
	}
	return p.playlist()
}

// playlistParser is ParsePlaylist's state between lines.
type playlistParser struct {
	base       *url.URL
	master     MasterPlaylist
	media      MediaPlaylist
	isMaster   bool
	isMedia    bool
	pendingInf *Variant   // an EXT-X-STREAM-INF waiting for its URI
	segDur     float64    // the pending EXTINF duration, -1 when none
	segRange   *ByteRange // the pending EXT-X-BYTERANGE
	curKey     *Key
	curMap     *Map
	mapFresh   bool             // curMap has no segment yet
	lastRange  map[string]int64 // URI -> end offset of its previous byte range
}

// uri takes a URI line: a variant's (after EXT-X-STREAM-INF) or a
// segment's (after EXTINF).
func (p *playlistParser) uri(line string) error {
	uri, err := resolveURI(p.base, line)
	if err != nil {
		return err
	}
	switch {
	case p.pendingInf != nil:
		p.pendingInf.URI = uri
		p.master.Variants = append(p.master.Variants, *p.pendingInf)
		p.pendingInf = nil
	case p.segDur >= 0:
		p.segment(uri)
	default:
		return fmt.Errorf("%w: uri line without EXTINF or EXT-X-STREAM-INF", anime.ErrProvider)
	}
	return nil
}

// segment appends the segment at uri with the pending duration, byte
// range, key and map.
func (p *playlistParser) segment(uri string) {
	seg := Segment{
		URI:      uri,
		Duration: p.segDur,
		Sequence: p.media.MediaSequence + int64(len(p.media.Segments)),
		Key:      p.curKey,
		Map:      p.curMap,
	}
	if p.segRange != nil {
		r := *p.segRange
		if r.Offset < 0 {
			r.Offset = p.lastRange[uri]
		}
		p.lastRange[uri] = r.Offset + r.Length
		seg.Range = &r
	}
	if p.curMap != nil && p.mapFresh {
		p.curMap.Sequence = seg.Sequence
		p.mapFresh = false
	}
	p.media.Segments = append(p.media.Segments, seg)
	p.segDur, p.segRange = -1, nil
}

// tag takes a tag line; unknown tags are ignored.
func (p *playlistParser) tag(line string) error {
	tag, value, _ := strings.Cut(line, ":")
	if tag == "#EXT-X-STREAM-INF" {
		p.isMaster = true
		v, err := parseVariant(value)
		p.pendingInf = &v
		return err
	}
	switch tag {
	case "#EXTINF", "#EXT-X-TARGETDURATION", "#EXT-X-MEDIA-SEQUENCE", "#EXT-X-BYTERANGE", "#EXT-X-KEY", "#EXT-X-MAP", "#EXT-X-ENDLIST":
		p.isMedia = true
		return p.mediaTag(tag, value)
	}
	return nil
}

// mediaTag takes a tag of a media playlist.
func (p *playlistParser) mediaTag(tag, value string) error {
	var err error
	switch tag {
	case "#EXTINF":
		p.segDur, err = parseDuration(strings.SplitN(value, ",", 2)[0])
	case "#EXT-X-TARGETDURATION":
		p.media.TargetDuration, err = parseDuration(value)
	case "#EXT-X-MEDIA-SEQUENCE":
		n, perr := strconv.ParseInt(strings.TrimSpace(value), 10, 64)
		if perr != nil || n < 0 || n > math.MaxInt64/2 {
			return fmt.Errorf("%w: bad EXT-X-MEDIA-SEQUENCE %q", anime.ErrProvider, value)
		}
		if len(p.media.Segments) == 0 {
			p.media.MediaSequence = n
		}
	case "#EXT-X-BYTERANGE":
		var r ByteRange
		r, err = parseByteRange(value)
		p.segRange = &r
	case "#EXT-X-KEY":
		p.curKey, err = parseKey(value, p.base)
	case "#EXT-X-MAP":
		var m *Map
		if m, err = parseMap(value, p.base); err == nil {
			m.Key = p.curKey
			p.curMap, p.mapFresh = m, true
		}
	case "#EXT-X-ENDLIST":
		p.media.EndList = true
	}
	return err
}

// playlist is the parsed result: a master or a media playlist.
func (p *playlistParser) playlist() (*Playlist, error) {
	switch {
	case p.isMaster && p.isMedia:
		return nil, fmt.Errorf("%w: playlist mixes master and media tags", anime.ErrProvider)
	case p.isMaster:
		if len(p.master.Variants) == 0 {
			return nil, fmt.Errorf("%w: master playlist without variants", anime.ErrProvider)
		}
		return &Playlist{Master: &p.master}, nil
	default:
		return &Playlist{Media: &p.media}, nil
	}
}

// BestVariant picks the variant with the largest resolution, then the
// highest bandwidth; ties keep the first listed.
func (m *MasterPlaylist) BestVariant() Variant {
	best := m.Variants[0]
	for _, v := range m.Variants[1:] {
		a, b := v.Width*v.Height, best.Width*best.Height
		if a > b || (a == b && v.Bandwidth > best.Bandwidth) {
			best = v
		}
	}
	return best
}

// TotalDuration is the sum of the segment durations in seconds.
func (m *MediaPlaylist) TotalDuration() float64 {
	var d float64
	for _, s := range m.Segments {
		d += s.Duration
	}
	return d
}

func resolveURI(base *url.URL, ref string) (string, error) {
	u, err := url.Parse(ref)
	if err != nil {
		return "", fmt.Errorf("%w: bad uri in playlist: %v", anime.ErrProvider, err)
	}
	if base == nil {
		return u.String(), nil
	}
	return base.ResolveReference(u).String(), nil
}

func parseDuration(s string) (float64, error) {
	d, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || d < 0 || math.IsNaN(d) || math.IsInf(d, 0) || d > 1e7 {
		return 0, fmt.Errorf("%w: bad duration %q", anime.ErrProvider, s)
	}
	return d, nil
}

func parseByteRange(s string) (ByteRange, error) {
	n, o, hasOff := strings.Cut(strings.TrimSpace(s), "@")
	length, err := strconv.ParseInt(n, 10, 64)
	if err != nil || length <= 0 || length > 1<<40 {
		return ByteRange{}, fmt.Errorf("%w: bad byte range %q", anime.ErrProvider, s)
	}
	r := ByteRange{Length: length, Offset: -1}
	if hasOff {
		off, err := strconv.ParseInt(o, 10, 64)
		if err != nil || off < 0 || off > 1<<50 {
			return ByteRange{}, fmt.Errorf("%w: bad byte range %q", anime.ErrProvider, s)
		}
		r.Offset = off
	}
	return r, nil
}

func parseVariant(value string) (Variant, error) {
	attrs := parseAttributes(value)
	v := Variant{Codecs: attrs["CODECS"]}
	if b, ok := attrs["BANDWIDTH"]; ok {
		n, err := strconv.ParseInt(b, 10, 64)
		if err != nil || n < 0 {
			return Variant{}, fmt.Errorf("%w: bad BANDWIDTH %q", anime.ErrProvider, b)
		}
		v.Bandwidth = n
	}
	if r, ok := attrs["RESOLUTION"]; ok {
		w, h, found := strings.Cut(strings.ToLower(r), "x")
		wi, err1 := strconv.Atoi(w)
		hi, err2 := strconv.Atoi(h)
		if !found || err1 != nil || err2 != nil || wi < 0 || hi < 0 || wi > 1<<15 || hi > 1<<15 {
			return Variant{}, fmt.Errorf("%w: bad RESOLUTION %q", anime.ErrProvider, r)
		}
		v.Width, v.Height = wi, hi
	}
	return v, nil
}

func parseKey(value string, base *url.URL) (*Key, error) {
	attrs := parseAttributes(value)
	method := attrs["METHOD"]
	switch method {
	case "NONE":
		return nil, nil
	case "":
		return nil, fmt.Errorf("%w: EXT-X-KEY without METHOD", anime.ErrProvider)
	}
	k := &Key{Method: method}
	if u, ok := attrs["URI"]; ok {
		r, err := resolveURI(base, u)
		if err != nil {
			return nil, err
		}
		k.URI = r
	}
	if iv, ok := attrs["IV"]; ok {
		b, err := parseIV(iv)
		if err != nil {
			return nil, err
		}
		k.IV = b
	}
	return k, nil
}

func parseIV(s string) ([]byte, error) {
	h := strings.TrimPrefix(strings.TrimPrefix(s, "0x"), "0X")
	if len(h) == 0 || len(h) > 32 {
		return nil, fmt.Errorf("%w: bad IV %q", anime.ErrProvider, s)
	}
	if len(h)%2 == 1 {
		h = "0" + h
	}
	raw, err := hex.DecodeString(h)
	if err != nil {
		return nil, fmt.Errorf("%w: bad IV %q", anime.ErrProvider, s)
	}
	iv := make([]byte, 16)
	copy(iv[16-len(raw):], raw)
	return iv, nil
}

func parseMap(value string, base *url.URL) (*Map, error) {
	attrs := parseAttributes(value)
	u, ok := attrs["URI"]
	if !ok {
		return nil, fmt.Errorf("%w: EXT-X-MAP without URI", anime.ErrProvider)
	}
	r, err := resolveURI(base, u)
	if err != nil {
		return nil, err
	}
	m := &Map{URI: r}
	if br, ok := attrs["BYTERANGE"]; ok {
		rng, err := parseByteRange(br)
		if err != nil {
			return nil, err
		}
		if rng.Offset < 0 {
			rng.Offset = 0
		}
		m.Range = &rng
	}
	return m, nil
}

// parseAttributes splits an attribute list (KEY=VALUE,KEY="quoted, value").
func parseAttributes(s string) map[string]string {
	attrs := map[string]string{}
	for len(s) > 0 {
		s = strings.TrimLeft(s, " ,")
		eq := strings.IndexByte(s, '=')
		if eq < 0 {
			break
		}
		key := strings.TrimSpace(s[:eq])
		s = s[eq+1:]
		var val string
		if strings.HasPrefix(s, `"`) {
			end := strings.IndexByte(s[1:], '"')
			if end < 0 {
				val, s = s[1:], ""
			} else {
				val, s = s[1:1+end], s[2+end:]
			}
		} else {
			end := strings.IndexByte(s, ',')
			if end < 0 {
				val, s = s, ""
			} else {
				val, s = s[:end], s[end:]
			}
		}
		attrs[key] = strings.TrimSpace(val)
	}
	return attrs
}

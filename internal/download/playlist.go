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
	first := true
	var (
		master     MasterPlaylist
		media      MediaPlaylist
		isMaster   bool
		isMedia    bool
		pendingInf *Variant
		segDur     = -1.0
		segRange   *ByteRange
		curKey     *Key
		curMap     *Map
		mapFresh   bool
		lastRange  = map[string]int64{} // URI -> end offset of its previous byte range
		lines      int
	)
	for sc.Scan() {
		lines++
		if lines > maxPlaylistLines {
			return nil, fmt.Errorf("%w: playlist has too many lines", anime.ErrProvider)
		}
		line := strings.TrimSpace(sc.Text())
		if first {
			if line == "" {
				continue
			}
			if line != "#EXTM3U" {
				return nil, fmt.Errorf("%w: not an m3u8 playlist", anime.ErrProvider)
			}
			first = false
			continue
		}
		if line == "" {
			continue
		}
		if !strings.HasPrefix(line, "#") {
			uri, err := resolveURI(base, line)
			if err != nil {
				return nil, err
			}
			switch {
			case pendingInf != nil:
				pendingInf.URI = uri
				master.Variants = append(master.Variants, *pendingInf)
				pendingInf = nil
			case segDur >= 0:
				seg := Segment{
					URI:      uri,
					Duration: segDur,
					Sequence: media.MediaSequence + int64(len(media.Segments)),
					Key:      curKey,
					Map:      curMap,
				}
				if segRange != nil {
					r := *segRange
					if r.Offset < 0 {
						r.Offset = lastRange[uri]
					}
					lastRange[uri] = r.Offset + r.Length
					seg.Range = &r
				}
				if curMap != nil && mapFresh {
					curMap.Sequence = seg.Sequence
					mapFresh = false
				}
				media.Segments = append(media.Segments, seg)
				segDur, segRange = -1, nil
			default:
				return nil, fmt.Errorf("%w: uri line without EXTINF or EXT-X-STREAM-INF", anime.ErrProvider)
			}
			continue
		}
		tag, value, _ := strings.Cut(line, ":")
		switch tag {
		case "#EXT-X-STREAM-INF":
			isMaster = true
			v, err := parseVariant(value)
			if err != nil {
				return nil, err
			}
			pendingInf = &v
		case "#EXTINF":
			isMedia = true
			d, err := parseDuration(strings.SplitN(value, ",", 2)[0])
			if err != nil {
				return nil, err
			}
			segDur = d
		case "#EXT-X-TARGETDURATION":
			isMedia = true
			d, err := parseDuration(value)
			if err != nil {
				return nil, err
			}
			media.TargetDuration = d
		case "#EXT-X-MEDIA-SEQUENCE":
			isMedia = true
			n, err := strconv.ParseInt(strings.TrimSpace(value), 10, 64)
			if err != nil || n < 0 || n > math.MaxInt64/2 {
				return nil, fmt.Errorf("%w: bad EXT-X-MEDIA-SEQUENCE %q", anime.ErrProvider, value)
			}
			if len(media.Segments) == 0 {
				media.MediaSequence = n
			}
		case "#EXT-X-BYTERANGE":
			isMedia = true
			r, err := parseByteRange(value)
			if err != nil {
				return nil, err
			}
			segRange = &r
		case "#EXT-X-KEY":
			isMedia = true
			k, err := parseKey(value, base)
			if err != nil {
				return nil, err
			}
			curKey = k
		case "#EXT-X-MAP":
			isMedia = true
			m, err := parseMap(value, base)
			if err != nil {
				return nil, err
			}
			m.Key = curKey
			curMap, mapFresh = m, true
		case "#EXT-X-ENDLIST":
			isMedia = true
			media.EndList = true
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%w: read playlist: %v", anime.ErrProvider, err)
	}
	if first {
		return nil, fmt.Errorf("%w: empty playlist", anime.ErrProvider)
	}
	switch {
	case isMaster && isMedia:
		return nil, fmt.Errorf("%w: playlist mixes master and media tags", anime.ErrProvider)
	case isMaster:
		if len(master.Variants) == 0 {
			return nil, fmt.Errorf("%w: master playlist without variants", anime.ErrProvider)
		}
		return &Playlist{Master: &master}, nil
	default:
		return &Playlist{Media: &media}, nil
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

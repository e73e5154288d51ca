package store

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/aniworld/aniworld/internal/anime"
)

// EncodeMissing is the canonical JSON of a missing map: seasons as keys,
// episodes ascending and unique, empty seasons dropped. It runs for every
// series of every scan, so the usual case (numeric season keys) is written
// by hand; the bytes are those json.Marshal writes.
func EncodeMissing(m anime.MissingEpisodes) (string, int) {
	keys := make([]string, 0, len(m))
	for season, eps := range m {
		if len(eps) == 0 {
			continue
		}
		if !plainKey(season) {
			return encodeMissingJSON(m)
		}
		keys = append(keys, season)
	}
	slices.Sort(keys) // json.Marshal's map key order
	b := make([]byte, 0, 16*len(keys)+8)
	b = append(b, '{')
	n := 0
	var eps []int
	for i, season := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '"')
		b = append(b, season...)
		b = append(b, '"', ':', '[')
		eps = append(eps[:0], m[season]...)
		slices.Sort(eps)
		eps = slices.Compact(eps)
		for j, e := range eps {
			if j > 0 {
				b = append(b, ',')
			}
			b = strconv.AppendInt(b, int64(e), 10)
		}
		b = append(b, ']')
		n += len(eps)
	}
	b = append(b, '}')
	return string(b), n
}

// plainKey says whether json.Marshal writes key as it is (no escapes).
func plainKey(key string) bool {
	for i := 0; i < len(key); i++ {
		c := key[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '-' || c == '_' || c == ' ') {
			return false
		}
	}
	return true
}

// encodeMissingJSON is EncodeMissing through encoding/json, for any key.
func encodeMissingJSON(m anime.MissingEpisodes) (string, int) {
	clean := anime.MissingEpisodes{}
	n := 0
	for season, eps := range m {
		if len(eps) == 0 {
			continue
		}
		e := slices.Clone(eps)
		slices.Sort(e)
		e = slices.Compact(e)
		clean[season] = e
		n += len(e)
	}
	b, _ := json.Marshal(clean) // map[string][]int cannot fail
	return string(b), n
}

// appendFilesJSON appends the files_json form of files: a JSON array of
// [path, season, episode, language, size] entries. Written by hand: it runs
// once per series of every scan that changed it. Bytes of a path that are
// not valid UTF-8 are kept as they are (file names may hold any byte), so
// decodeFilesJSON gives back exactly the path that went in.
func appendFilesJSON(b []byte, files []EpisodeFile) []byte {
	b = append(b, '[')
	for i, f := range files {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '[')
		b = appendJSONString(b, f.Path)
		for _, n := range [...]int64{int64(f.Season), int64(f.Episode), int64(f.Language), f.Size} {
			b = append(b, ',')
			b = strconv.AppendInt(b, n, 10)
		}
		b = append(b, ']')
	}
	return append(b, ']')
}

func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	plain := true
	for i := 0; i < len(s) && plain; i++ {
		plain = s[i] >= 0x20 && s[i] != '"' && s[i] != '\\'
	}
	if plain {
		b = append(b, s...)
		return append(b, '"')
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c < 0x20:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		default:
			b = append(b, c)
		}
	}
	return append(b, '"')
}

// filesDecoder reads the files_json form written by appendFilesJSON; it also
// accepts JSON whitespace and every JSON string escape.
type filesDecoder struct {
	s string
	i int
}

// decodeFilesJSON parses a files_json column.
func decodeFilesJSON(s string) ([]EpisodeFile, error) {
	d := filesDecoder{s: s}
	var out []EpisodeFile
	if !d.eat('[') {
		return nil, d.fail("want '['")
	}
	if d.eat(']') {
		return out, d.end()
	}
	for {
		var f EpisodeFile
		var nums [4]int64
		if !d.eat('[') {
			return nil, d.fail("want '['")
		}
		p, err := d.str()
		if err != nil {
			return nil, err
		}
		for k := range nums {
			if !d.eat(',') {
				return nil, d.fail("want ','")
			}
			if nums[k], err = d.int(); err != nil {
				return nil, err
			}
		}
		if !d.eat(']') {
			return nil, d.fail("want ']'")
		}
		f.Path, f.Season, f.Episode, f.Language, f.Size = p, int(nums[0]), int(nums[1]), anime.Language(nums[2]), nums[3]
		out = append(out, f)
		if d.eat(']') {
			return out, d.end()
		}
		if !d.eat(',') {
			return nil, d.fail("want ',' or ']'")
		}
	}
}

func (d *filesDecoder) fail(what string) error {
	return fmt.Errorf("decode episode files: %s at offset %d", what, d.i)
}

func (d *filesDecoder) skipSpace() {
	for d.i < len(d.s) && (d.s[d.i] == ' ' || d.s[d.i] == '\t' || d.s[d.i] == '\n' || d.s[d.i] == '\r') {
		d.i++
	}
}

func (d *filesDecoder) eat(c byte) bool {
	d.skipSpace()
	if d.i < len(d.s) && d.s[d.i] == c {
		d.i++
		return true
	}
	return false
}

func (d *filesDecoder) end() error {
	if d.skipSpace(); d.i != len(d.s) {
		return d.fail("trailing data")
	}
	return nil
}

func (d *filesDecoder) int() (int64, error) {
	d.skipSpace()
	start := d.i
	if d.i < len(d.s) && d.s[d.i] == '-' {
		d.i++
	}
	for d.i < len(d.s) && d.s[d.i] >= '0' && d.s[d.i] <= '9' {
		d.i++
	}
	n, err := strconv.ParseInt(d.s[start:d.i], 10, 64)
	if err != nil {
		d.i = start
		return 0, d.fail("want an integer")
	}
	return n, nil
}

func (d *filesDecoder) str() (string, error) {
	if !d.eat('"') {
		return "", d.fail("want a string")
	}
	start := d.i
	for d.i < len(d.s) && d.s[d.i] != '"' && d.s[d.i] != '\\' {
		d.i++
	}
	if d.i < len(d.s) && d.s[d.i] == '"' { // no escapes: the common case
		d.i++
		return d.s[start : d.i-1], nil
	}
	b := []byte(d.s[start:d.i])
	for d.i < len(d.s) {
		c := d.s[d.i]
		d.i++
		switch {
		case c == '"':
			return string(b), nil
		case c != '\\':
			b = append(b, c)
		case d.i >= len(d.s):
			return "", d.fail("unterminated escape")
		default:
			e := d.s[d.i]
			d.i++
			switch e {
			case '"', '\\', '/':
				b = append(b, e)
			case 'b':
				b = append(b, '\b')
			case 'f':
				b = append(b, '\f')
			case 'n':
				b = append(b, '\n')
			case 'r':
				b = append(b, '\r')
			case 't':
				b = append(b, '\t')
			case 'u':
				r, ok := d.hex4()
				if !ok {
					return "", d.fail("bad \\u escape")
				}
				if utf16.IsSurrogate(r) {
					if lo, ok2 := d.lowSurrogate(); ok2 {
						r = utf16.DecodeRune(r, lo)
					} else {
						r = utf8.RuneError
					}
				}
				b = utf8.AppendRune(b, r)
			default:
				return "", d.fail("bad escape")
			}
		}
	}
	return "", d.fail("unterminated string")
}

func (d *filesDecoder) hex4() (rune, bool) {
	if d.i+4 > len(d.s) {
		return 0, false
	}
	n, err := strconv.ParseUint(d.s[d.i:d.i+4], 16, 32)
	if err != nil {
		return 0, false
	}
	d.i += 4
	return rune(n), true
}

// lowSurrogate reads a "\uDC00".."\uDFFF" escape following a high surrogate.
func (d *filesDecoder) lowSurrogate() (rune, bool) {
	if !strings.HasPrefix(d.s[d.i:], `\u`) {
		return 0, false
	}
	save := d.i
	d.i += 2
	r, ok := d.hex4()
	if !ok || r < 0xdc00 || r > 0xdfff {
		d.i = save
		return 0, false
	}
	return r, true
}

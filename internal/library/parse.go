package library

import (
	"path"
	"regexp"
	"strconv"
	"strings"

	"github.com/aniworld/aniworld/internal/anime"
)

// videoExtensions are the file extensions the scanner counts as episodes
// (lower case, with the dot).
var videoExtensions = map[string]bool{
	".mp4": true, ".mkv": true, ".ts": true, ".webm": true, ".avi": true, ".m4v": true,
}

// IsVideoExt reports whether ext (".MKV", ".mp4" …) is an episode extension.
func IsVideoExt(ext string) bool {
	var lower [5]byte // lower-cased without allocating; it runs per file per scan
	if len(ext) > len(lower) {
		return videoExtensions[strings.ToLower(ext)]
	}
	for i := 0; i < len(ext); i++ {
		c := ext[i]
		if c >= 0x80 { // Unicode lower-casing (a Kelvin sign is a "k")
			return videoExtensions[strings.ToLower(ext)]
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		lower[i] = c
	}
	return videoExtensions[string(lower[:len(ext)])]
}

// ParsedFile is what a file name says about its content.
type ParsedFile struct {
	Season   int   // 0 for movies and specials
	Episodes []int // one or more (multi-episode files), ascending
	Language anime.Language
}

// maxEpisodesPerFile bounds a range such as S01E01-E99 so a typo cannot
// claim a thousand episodes.
const maxEpisodesPerFile = 50

var (
	reNxTail = regexp.MustCompile(`([-x])(\d{1,4})`)
	// 1x01, 01x001, with 1x01-02 / 1x01x02 tails.
	reNxNN = regexp.MustCompile(`(?i)(?:^|[^a-z0-9])(\d{1,2})x(\d{1,4})((?:-\d{1,4}|x\d{1,4})*)(?:[^a-z0-9]|$)`)
	// "Episode 5", "Folge 05", "Ep05", "E05": needs a season from the folder.
	reEpisodeOnly = regexp.MustCompile(`(?i)(?:^|[^a-z0-9])(?:episode|folge|ep|e)[ ._]?(\d{1,4})(?:[^a-z0-9]|$)`)
	// "Film 2", "Movie 02": season 0.
	reMovie = regexp.MustCompile(`(?i)(?:^|[^a-z0-9])(?:film|movie)[ ._-]?(\d{1,3})(?:[^a-z0-9]|$)`)
	// Season folders.
	reSeasonDir = regexp.MustCompile(`(?i)^(?:season|staffel|s)[ ._-]?(\d{1,3})$`)
)

// IsTemporaryName reports whether a file name belongs to an unfinished or
// scratch file: hidden files, *.part, *.tmp, *.part.json, partial-download
// names of common tools, and editor backups.
func IsTemporaryName(name string) bool {
	if strings.HasPrefix(name, ".") || strings.HasPrefix(name, "~") || strings.HasSuffix(name, "~") {
		return true
	}
	ext := path.Ext(name)
	// No temporary suffix ends in a video extension (a test holds this), so
	// an episode-looking name needs only the checks of its stem.
	if !IsVideoExt(ext) {
		for _, suf := range temporarySuffixes {
			if hasSuffixFold(name, suf) {
				return true
			}
		}
	}
	stem := strings.TrimSuffix(name, ext)
	return hasSuffixFold(stem, ".part") || hasSuffixFold(stem, ".tmp") ||
		strings.Contains(stem, ".part-Frag") || strings.Contains(stem, ".part-frag") // yt-dlp fragments
}

var temporarySuffixes = []string{".part", ".tmp", ".temp", ".part.json", ".crdownload", ".download", ".partial", ".!qb", ".ytdl"}

func hasSuffixFold(s, suffix string) bool {
	return len(s) >= len(suffix) && strings.EqualFold(s[len(s)-len(suffix):], suffix)
}

// SeasonFromDir reads a season number from a folder name: "Season 01",
// "Staffel 2", "S03" give that number; "Specials", "Movies", "Filme",
// "Season 00" give 0. ok is false for any other name.
func SeasonFromDir(name string) (season int, ok bool) {
	name = strings.TrimSpace(name)
	switch strings.ToLower(name) {
	case "specials", "special", "movies", "movie", "filme", "films", "extras", "ova", "ovas":
		return 0, true
	}
	m := reSeasonDir.FindStringSubmatch(name)
	if m == nil {
		return 0, false
	}
	n, _ := strconv.Atoi(m[1])
	return n, true
}

// ParseEpisodeFile parses a path relative to a series folder ("/" or the OS
// separator). It answers ok=false for temporary files, non-video files and
// names without an episode number. The file name's season wins over its
// folder's; a folder season ("Season 02", "Staffel 2", "Specials") supplies
// the season for names such as "Episode 5".
func ParseEpisodeFile(rel string) (ParsedFile, bool) {
	rel = strings.ReplaceAll(rel, `\`, "/")
	dir, base := path.Split(rel)
	if base == "" || !IsVideoExt(path.Ext(base)) || IsTemporaryName(base) {
		return ParsedFile{}, false
	}
	if strings.HasPrefix(dir, ".") || strings.Contains(dir, "/.") {
		return ParsedFile{}, false // inside a hidden folder
	}
	stem := strings.TrimSuffix(base, path.Ext(base))
	p := ParsedFile{Language: languageSuffix(stem)}
	if parseSxxEyy(stem, &p) || parseNxNN(stem, &p) || parseMovie(stem, &p) {
		return p, true
	}
	if dir == "" {
		return ParsedFile{}, false
	}
	if season, ok := SeasonFromDir(path.Base(strings.TrimSuffix(dir, "/"))); ok && parseEpisodeOnly(stem, &p) {
		p.Season = season
		return p, true
	}
	return ParsedFile{}, false
}

// parseSxxEyy finds S01E01, s1e1, S01E001, "S01 E01", "S01.E01" with
// multi-episode tails (-E02, E02, -02). Hand-written: it runs for every
// file of every scan, and is several times faster than a regexp.
func parseSxxEyy(stem string, p *ParsedFile) bool {
	for i := 0; i < len(stem); i++ {
		if c := stem[i]; c != 's' && c != 'S' || i > 0 && isAlnum(stem[i-1]) {
			continue
		}
		j := i + 1
		season, n := leadingNumber(stem[j:], 3)
		if n == 0 {
			continue
		}
		j += n
		if j < len(stem) && (stem[j] == ' ' || stem[j] == '.' || stem[j] == '_') {
			j++
		}
		if j >= len(stem) || stem[j] != 'e' && stem[j] != 'E' {
			continue
		}
		j++
		first, n := leadingNumber(stem[j:], 4)
		if n == 0 {
			continue
		}
		if first == 0 {
			return false
		}
		p.Season = season
		p.Episodes = episodeTail(first, stem[j+n:])
		return true
	}
	return false
}

// episodeTail reads what follows the first episode: "-E03" / "-03" is a
// range (first..3), "E02E03" or " E02" a list.
func episodeTail(first int, t string) []int {
	eps := []int{first}
	last := first
	for {
		k := 0
		if k < len(t) && t[k] == ' ' {
			k++
		}
		dash := false
		if k < len(t) && t[k] == '-' {
			dash = true
			k++
		}
		if k < len(t) && t[k] == ' ' {
			k++
		}
		hasE := k < len(t) && (t[k] == 'e' || t[k] == 'E')
		if hasE {
			k++
		}
		n, d := leadingNumber(t[k:], 4)
		if d == 0 {
			return eps
		}
		if !hasE && (t[0] != '-' || k != 1 || k+d < len(t) && isAlnum(t[k+d])) {
			return eps // a bare number counts only as "-NN" at a word end
		}
		var ok bool
		if eps, last, ok = addEpisodes(eps, last, n, dash); !ok || !hasE {
			return eps
		}
		t = t[k+d:]
	}
}

// addEpisodes appends n (dash: the range last+1..n) when it goes forward
// and stays within maxEpisodesPerFile; ok is false to stop reading.
func addEpisodes(eps []int, last, n int, dash bool) ([]int, int, bool) {
	if n <= last {
		return eps, last, true
	}
	if !dash {
		if len(eps) < maxEpisodesPerFile {
			eps = append(eps, n)
		}
		return eps, n, true
	}
	if n-eps[0] >= maxEpisodesPerFile {
		return eps, last, false // a year or a resolution, not a range
	}
	for e := last + 1; e <= n; e++ {
		eps = append(eps, e)
	}
	return eps, n, true
}

// leadingNumber parses up to max leading ASCII digits of s.
func leadingNumber(s string, max int) (n, digits int) {
	for digits < len(s) && digits < max && s[digits] >= '0' && s[digits] <= '9' {
		n = n*10 + int(s[digits]-'0')
		digits++
	}
	return n, digits
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// languageSuffix finds "(German Dub)", "[English Sub]" … in a file name.
func languageSuffix(stem string) anime.Language {
	open := strings.LastIndexAny(stem, "([")
	for open >= 0 {
		rest := stem[open+1:]
		for _, l := range []anime.Language{anime.LangGermanDub, anime.LangGermanSub, anime.LangEnglishSub, anime.LangEnglishDub} {
			name := l.String()
			if len(rest) > len(name) && strings.EqualFold(rest[:len(name)], name) && (rest[len(name)] == ')' || rest[len(name)] == ']') {
				return l
			}
		}
		open = strings.LastIndexAny(stem[:open], "([")
	}
	return anime.LangUnknown
}

func parseNxNN(stem string, p *ParsedFile) bool {
	m := reNxNN.FindStringSubmatch(stem)
	if m == nil {
		return false
	}
	season, _ := strconv.Atoi(m[1])
	first, _ := strconv.Atoi(m[2])
	if first == 0 {
		return false
	}
	p.Season = season
	p.Episodes = episodeList(first, strings.ToLower(m[3]))
	return true
}

func parseMovie(stem string, p *ParsedFile) bool {
	m := reMovie.FindStringSubmatch(stem)
	if m == nil {
		return false
	}
	n, _ := strconv.Atoi(m[1])
	if n == 0 {
		return false
	}
	p.Season, p.Episodes = 0, []int{n}
	return true
}

func parseEpisodeOnly(stem string, p *ParsedFile) bool {
	m := reEpisodeOnly.FindStringSubmatch(stem)
	if m == nil {
		return false
	}
	n, _ := strconv.Atoi(m[1])
	if n == 0 {
		return false
	}
	p.Episodes = []int{n}
	return true
}

// episodeList expands an NxNN tail ("-03" range, "x03" list) after the
// first episode.
func episodeList(first int, tail string) []int {
	eps := []int{first}
	last := first
	for _, t := range reNxTail.FindAllStringSubmatch(tail, -1) {
		n, _ := strconv.Atoi(t[2])
		var ok bool
		if eps, last, ok = addEpisodes(eps, last, n, t[1] == "-"); !ok {
			break
		}
	}
	return eps
}

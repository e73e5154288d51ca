package library

import (
	"path"
	"regexp"
	"strconv"
	"strings"

	"github.com/aniworld/aniworld/internal/anime"
)

// VideoExtensions are the file extensions the scanner counts as episodes
// (lower case, with the dot).
var videoExtensions = map[string]bool{
	".mp4": true, ".mkv": true, ".ts": true, ".webm": true, ".avi": true, ".m4v": true,
}

// IsVideoExt reports whether ext (".MKV", ".mp4" …) is an episode extension.
func IsVideoExt(ext string) bool { return videoExtensions[strings.ToLower(ext)] }

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
	// S01E01, s1e1, S01E001, S01 E01, S01.E01, with -E02 / E02 / -02 tails.
	reSxxEyy = regexp.MustCompile(`(?i)(?:^|[^a-z0-9])s(\d{1,3})[ ._]?e(\d{1,4})((?:[ ]?-?[ ]?e\d{1,4})*(?:-\d{1,4}(?:[^0-9a-z]|$))?)`)
	reTail   = regexp.MustCompile(`(?i)(-?)[ ]?e?(\d{1,4})`)
	// 1x01, 01x001, with 1x01-02 / 1x01x02 tails.
	reNxNN = regexp.MustCompile(`(?i)(?:^|[^a-z0-9])(\d{1,2})x(\d{1,4})((?:-\d{1,4}|x\d{1,4})*)(?:[^a-z0-9]|$)`)
	// "Episode 5", "Folge 05", "Ep05", "E05": needs a season from the folder.
	reEpisodeOnly = regexp.MustCompile(`(?i)(?:^|[^a-z0-9])(?:episode|folge|ep|e)[ ._]?(\d{1,4})(?:[^a-z0-9]|$)`)
	// "Film 2", "Movie 02": season 0.
	reMovie = regexp.MustCompile(`(?i)(?:^|[^a-z0-9])(?:film|movie)[ ._-]?(\d{1,3})(?:[^a-z0-9]|$)`)
	// Season folders.
	reSeasonDir = regexp.MustCompile(`(?i)^(?:season|staffel|s)[ ._-]?(\d{1,3})$`)
	// Language suffix "(German Dub)" or "[German Dub]".
	reLanguage = regexp.MustCompile(`(?i)[(\[](german dub|german sub|english sub|english dub)[)\]]`)
)

// IsTemporaryName reports whether a file name belongs to an unfinished or
// scratch file: hidden files, *.part, *.tmp, *.part.json, partial-download
// names of common tools, and editor backups.
func IsTemporaryName(name string) bool {
	lower := strings.ToLower(name)
	if strings.HasPrefix(lower, ".") || strings.HasPrefix(lower, "~") || strings.HasSuffix(lower, "~") {
		return true
	}
	for _, suf := range []string{".part", ".tmp", ".temp", ".part.json", ".crdownload", ".download", ".partial", ".!qb", ".ytdl"} {
		if strings.HasSuffix(lower, suf) {
			return true
		}
	}
	stem := strings.TrimSuffix(lower, path.Ext(lower))
	return strings.HasSuffix(stem, ".part") || strings.HasSuffix(stem, ".tmp") || strings.Contains(stem, ".part-frag")
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
	if base == "" || IsTemporaryName(base) || !IsVideoExt(path.Ext(base)) {
		return ParsedFile{}, false
	}
	for _, part := range strings.Split(strings.Trim(dir, "/"), "/") {
		if strings.HasPrefix(part, ".") {
			return ParsedFile{}, false // inside a hidden folder
		}
	}
	stem := strings.TrimSuffix(base, path.Ext(base))
	dirSeason, hasDirSeason := SeasonFromDir(path.Base(strings.TrimSuffix(dir, "/")))
	if dir == "" {
		hasDirSeason = false
	}
	var p ParsedFile
	if m := reLanguage.FindStringSubmatch(stem); m != nil {
		p.Language, _ = anime.ParseLanguage(m[1])
	}
	switch {
	case parseSxxEyy(stem, &p):
	case parseNxNN(stem, &p):
	case parseMovie(stem, &p):
	case hasDirSeason && parseEpisodeOnly(stem, &p):
		p.Season = dirSeason
	default:
		return ParsedFile{}, false
	}
	return p, true
}

func parseSxxEyy(stem string, p *ParsedFile) bool {
	m := reSxxEyy.FindStringSubmatch(stem)
	if m == nil {
		return false
	}
	season, _ := strconv.Atoi(m[1])
	first, _ := strconv.Atoi(m[2])
	if first == 0 {
		return false
	}
	p.Season = season
	p.Episodes = episodeList(first, m[3])
	return true
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
	p.Episodes = episodeList(first, strings.ReplaceAll(strings.ToLower(m[3]), "x", "e"))
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

// episodeList expands a multi-episode tail after the first episode:
// "-E03" / "-03" is a range (first..3), "E02E03" a list.
func episodeList(first int, tail string) []int {
	eps := []int{first}
	last := first
	for _, t := range reTail.FindAllStringSubmatch(tail, -1) {
		n, _ := strconv.Atoi(t[2])
		if n <= last {
			continue
		}
		if t[1] == "-" {
			if n-first >= maxEpisodesPerFile {
				break // a year or a resolution, not a range
			}
			for e := last + 1; e <= n && len(eps) < maxEpisodesPerFile; e++ {
				eps = append(eps, e)
			}
		} else if len(eps) < maxEpisodesPerFile {
			eps = append(eps, n)
		}
		last = n
	}
	return eps
}

package library

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/aniworld/aniworld/internal/anime"
)

// Tokens are the naming template's placeholders, with what they render.
// Numbers take a minimum width, "{episode:03}" → "007" (":3" works too;
// wider numbers are never cut). README's naming section lists them.
var Tokens = []Token{
	{"title", "series title (the folder's name without the year)", false},
	{"year", "series start year; empty when unknown", false},
	{"key", "series key (the site's slug)", false},
	{"site", "site the series is from: aniworld.to or s.to", false},
	{"season", "season number; 0 for movies and specials", true},
	{"episode", "episode number within its season", true},
	{"absolute", "episode number counted across seasons 1..n (specials: empty)", true},
	{"language", "German Dub, German Sub, English Sub or English Dub", false},
	{"episode_title", "episode title: German, else English; empty when unknown", false},
	{"episode_title_de", "German episode title", false},
	{"episode_title_en", "English episode title", false},
	{"resolution", "video height class of the downloaded file: 2160p, 1080p, 720p, 480p …", false},
	{"codec", "video codec of the downloaded file: H.264, HEVC, AV1, VP9 …", false},
}

// Token is one placeholder of a naming template.
type Token struct {
	Name     string `json:"name"`
	Doc      string `json:"doc"`
	Paddable bool   `json:"paddable"` // takes a width: {name:02}
}

// parsePlaceholder splits "episode:03" into its name and width.
func parsePlaceholder(spec string) (name string, width int, err error) {
	name, format, hasFormat := strings.Cut(spec, ":")
	i := slices.IndexFunc(Tokens, func(t Token) bool { return t.Name == name })
	if i < 0 {
		return "", 0, fmt.Errorf("%w: unknown placeholder {%s} in naming template", anime.ErrInvalid, spec)
	}
	if hasFormat {
		w, err := strconv.Atoi(format)
		if err != nil || w < 1 || w > 6 || !Tokens[i].Paddable || strings.HasPrefix(format, "+") || strings.HasPrefix(format, "-") {
			return "", 0, fmt.Errorf("%w: bad placeholder {%s} in naming template (only season, episode and absolute take a width 1..6)", anime.ErrInvalid, spec)
		}
		width = w
	}
	return name, width, nil
}

// value renders one placeholder for v.
func (v NameValues) value(name string, width int) string {
	switch name {
	case "title":
		if strings.TrimSpace(v.Series.Name) != "" {
			return v.Series.Name
		}
		return v.Series.Folder
	case "year":
		if v.Series.Year <= 0 {
			return ""
		}
		return strconv.Itoa(v.Series.Year)
	case "key":
		return v.Series.Key
	case "site":
		return v.Series.Site
	case "season":
		return pad(v.Episode.Season, width)
	case "episode":
		return pad(v.Episode.Episode, width)
	case "absolute":
		if v.Absolute <= 0 {
			return ""
		}
		return pad(v.Absolute, width)
	case "language":
		if !v.Language.Valid() {
			return ""
		}
		return v.Language.String()
	case "episode_title":
		return v.episodeTitle()
	case "episode_title_de":
		return v.TitleDE
	case "episode_title_en":
		return v.TitleEN
	case "resolution":
		return ResolutionLabel(v.Media)
	case "codec":
		return CodecLabel(v.Media.VideoCodec)
	}
	return ""
}

func pad(n, width int) string {
	s := strconv.Itoa(n)
	for len(s) < width {
		s = "0" + s
	}
	return s
}

// ResolutionLabel is the usual name of a video's size class ("1080p"):
// by width as well as height, so 1920×800 (cinemascope) is 1080p too.
func ResolutionLabel(m anime.MediaInfo) string {
	if m.Height <= 0 {
		return ""
	}
	for _, c := range resolutionClasses {
		if m.Width >= c.minWidth || m.Height >= c.minHeight {
			return c.label
		}
	}
	return strconv.Itoa(m.Height) + "p"
}

// resolutionClasses go from the largest down; a video is in the first
// class whose width or height it reaches.
var resolutionClasses = []struct {
	minWidth, minHeight int
	label               string
}{
	{3200, 2000, "2160p"}, {2400, 1400, "1440p"}, {1800, 1000, "1080p"}, {1200, 700, "720p"}, {1000, 560, "576p"}, {700, 460, "480p"},
}

// CodecLabel is the usual name of an ffprobe video codec ("h264" → "H.264").
func CodecLabel(codec string) string {
	codec = strings.ToLower(strings.TrimSpace(codec))
	switch codec {
	case "":
		return ""
	case "h264":
		return "H.264"
	case "hevc", "h265":
		return "HEVC"
	case "mpeg4":
		return "MPEG-4"
	case "mpeg2video":
		return "MPEG-2"
	}
	return strings.ToUpper(codec)
}

// AbsoluteEpisode numbers ep across the regular seasons (1..n, in order,
// from the provider's episode lists): season 2 episode 1 of a show with
// 12 episodes in season 1 is 13. Specials (season 0) and episodes the
// lists do not hold have none (0).
func AbsoluteEpisode(seasons map[int][]int, ep anime.EpisodeRef) int {
	if ep.Season < 1 {
		return 0
	}
	n := 0
	for s := 1; s < ep.Season; s++ {
		n += len(seasons[s])
	}
	i := slices.Index(seasons[ep.Season], ep.Episode)
	if i < 0 {
		return 0
	}
	return n + i + 1
}

var (
	reEmptyBrackets = regexp.MustCompile(`\(\s*\)|\[\s*\]`)
	reRepeatedSep   = regexp.MustCompile(`\s+-(?:\s+-)+\s+`)
)

// tidy cleans a component in which a placeholder rendered empty: brackets
// left empty, separators left doubled or dangling, runs of spaces.
// "Show () - S01E01 -  - " becomes "Show - S01E01".
func tidy(s string) string {
	for {
		t := reEmptyBrackets.ReplaceAllString(s, "")
		t = strings.Join(strings.Fields(t), " ")
		t = reRepeatedSep.ReplaceAllString(" "+t+" ", " - ")
		t = strings.TrimFunc(t, func(r rune) bool { return r == ' ' || r == '-' || r == '_' || r == '.' || r == ',' })
		if t == s {
			return t
		}
		s = t
	}
}

// TokenValues renders every placeholder for v (numbers unpadded): what a
// preview shows beside the rendered path.
func (v NameValues) TokenValues() map[string]string {
	out := make(map[string]string, len(Tokens))
	for _, t := range Tokens {
		out[t.Name] = v.value(t.Name, 0)
	}
	return out
}

package library

import (
	"fmt"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/aniworld/aniworld/internal/anime"
)

// DefaultNamingTemplate is where the downloader puts an episode, relative to
// the series folder. Season 0 (movies, specials) lands in "Season 00".
const DefaultNamingTemplate = "Season {season:02}/{title} - S{season:02}E{episode:02} - ({language}).mp4"

// NameValues is everything a naming template can show about one episode
// file (see tokens for the placeholders). Zero values are unknown and
// render empty.
type NameValues struct {
	Series   anime.Series     // {title} (Name, else Folder), {year}, {key}, {site}
	Episode  anime.EpisodeRef // {season}, {episode}; Title is {episode_title}'s last resort
	TitleDE  string           // {episode_title_de}
	TitleEN  string           // {episode_title_en}
	Absolute int              // {absolute}: the episode's number counted across seasons 1..n
	Language anime.Language   // {language}
	Media    anime.MediaInfo  // {resolution}, {codec}: known once the file is downloaded
}

// episodeTitle is {episode_title}: German, else English, else the
// title the episode reference carries.
func (v NameValues) episodeTitle() string {
	for _, t := range []string{v.TitleDE, v.TitleEN, v.Episode.Title} {
		if strings.TrimSpace(t) != "" {
			return t
		}
	}
	return ""
}

// SampleNameValues are the values a template is checked (and previewed)
// with when no real episode is at hand.
func SampleNameValues() NameValues {
	return NameValues{
		Series:   anime.Series{Key: "sample-series", Name: "Sample Series", Site: SiteAniworld, Year: 2020},
		Episode:  anime.EpisodeRef{Season: 1, Episode: 1},
		TitleDE:  "Der Anfang",
		TitleEN:  "The Beginning",
		Absolute: 1,
		Language: anime.LangGermanDub,
		Media:    anime.MediaInfo{Width: 1920, Height: 1080, VideoCodec: "h264"},
	}
}

// ValidateTemplate is the one rule for naming templates (the config
// checks download.naming_template with it): balanced braces, known
// placeholders (see tokens), padding (":N" or ":0N", 1..6) only on
// numbers, {episode} in the file name, a video extension, nothing that
// leaves the series folder, and — the point of it all — every name it
// renders for sample episodes must be read back by the library scanner
// as that season, episode and language. So "{season}{episode}" (digits
// run together) or a template without a season the scanner can find is
// refused.
func ValidateTemplate(tmpl string) error {
	if strings.TrimSpace(tmpl) == "" {
		return fmt.Errorf("%w: naming template is empty", anime.ErrInvalid)
	}
	comps := splitTemplate(tmpl)
	for i, c := range comps {
		if c := strings.TrimSpace(c); c == "." || c == ".." || (c == "" && i == 0) {
			return fmt.Errorf("%w: naming template escapes the series folder", anime.ErrInvalid)
		}
		if _, _, err := expand(c, func(string, int) string { return "x" }); err != nil {
			return err
		}
		if i == len(comps)-1 && !strings.Contains(c, "{episode}") && !strings.Contains(c, "{episode:") {
			return fmt.Errorf("%w: naming template's file name must contain {episode}", anime.ErrInvalid)
		}
	}
	// The downloader always names the container; a template without a
	// video extension gets one then.
	ext := ""
	if !IsVideoExt(path.Ext(tmpl)) {
		ext = ".mp4"
	}
	v := SampleNameValues()
	for _, ep := range []anime.EpisodeRef{{Season: 1, Episode: 1}, {Season: 2, Episode: 13}, {Season: 0, Episode: 3}, {Season: 12, Episode: 1071}} {
		for _, lang := range []anime.Language{anime.LangGermanDub, anime.LangEnglishSub} {
			v.Episode, v.Language, v.Absolute = ep, lang, ep.Episode
			rel, err := render(tmpl, v, v, ext)
			if err != nil {
				return err
			}
			if !scansBack(tmpl, rel, v) {
				return fmt.Errorf("%w: the library scanner would not read %q (rendered by the naming template) as %s: "+
					"use S{season:02}E{episode:02}, {season}x{episode:02} or a Season {season} folder, "+
					"with a non-digit between numbers", anime.ErrInvalid, rel, ep)
			}
		}
	}
	return nil
}

// EpisodePath renders tmpl for one episode with only the series, the
// episode and the language known (see RenderEpisodePath).
func EpisodePath(tmpl string, s anime.Series, ep anime.EpisodeRef, lang anime.Language, ext string) (string, error) {
	return RenderEpisodePath(tmpl, NameValues{Series: s, Episode: ep, Language: lang}, ext)
}

// RenderEpisodePath renders tmpl and answers a slash-separated path
// relative to the series folder. Each component is sanitised like a
// folder name (SanitizeFolderName), so nothing can escape the folder;
// where a value is unknown (empty), brackets left empty and dangling
// separators are removed. ext (".mkv", "mp4"), when given, replaces the
// template's video extension or is appended. The language must be known
// when the template uses {language}.
//
// The result always scans back as its season, episode and language: when
// titles in the name would mislead the scanner (an episode called
// "S02E05 Rückblick" before the template's own S01E07, say), the file
// name is rendered again without the episode titles, then without any
// text (series title, key, site).
func RenderEpisodePath(tmpl string, v NameValues, ext string) (string, error) {
	if tmpl == "" {
		tmpl = DefaultNamingTemplate
	}
	if err := ValidateTemplate(tmpl); err != nil {
		return "", err
	}
	if v.Episode.Season < 0 || v.Episode.Episode < 0 || v.Absolute < 0 {
		return "", fmt.Errorf("%w: negative season or episode", anime.ErrInvalid)
	}
	if !v.Language.Valid() && templateUses(tmpl, "language") {
		return "", fmt.Errorf("%w: naming template needs a known language", anime.ErrInvalid)
	}
	var firstErr error
	for _, file := range []NameValues{v, withoutEpisodeTitles(v), withoutText(v)} {
		rel, err := render(tmpl, v, file, ext)
		if err == nil && scansBack(tmpl, rel, v) {
			return rel, nil
		}
		if firstErr == nil {
			firstErr = err
		}
	}
	if firstErr != nil {
		return "", firstErr
	}
	return "", fmt.Errorf("%w: the naming template gives no name the scanner reads back as %s", anime.ErrInvalid, v.Episode)
}

// withoutText is v without any free text for the file name: the last
// resort when titles would mislead the scanner.
func withoutText(v NameValues) NameValues {
	v = withoutEpisodeTitles(v)
	v.Series.Name, v.Series.Folder, v.Series.Key, v.Series.Site = "", "", "", ""
	return v
}

func withoutEpisodeTitles(v NameValues) NameValues {
	v.TitleDE, v.TitleEN, v.Episode.Title = "", "", ""
	return v
}

// scansBack reports whether the scanner reads rel as v's episode (and, when
// the template names it, its language; otherwise no language at all).
func scansBack(tmpl, rel string, v NameValues) bool {
	p, ok := ParseEpisodeFile(rel)
	if !ok || p.Season != v.Episode.Season || !slices.Equal(p.Episodes, []int{v.Episode.Episode}) {
		return false
	}
	if templateUses(tmpl, "language") {
		return p.Language == v.Language
	}
	return p.Language == anime.LangUnknown || p.Language == v.Language
}

// render expands tmpl: its folders with v, its file name with file.
func render(tmpl string, v, file NameValues, ext string) (string, error) {
	comps := splitTemplate(tmpl)
	out := make([]string, 0, len(comps))
	for i, c := range comps {
		last := i == len(comps)-1
		values := v
		if last {
			values = file
		}
		s, hadEmpty, err := expand(c, values.value)
		if err != nil {
			return "", err
		}
		if last {
			s = withExt(s, ext)
		}
		stem, stemExt := s, ""
		if last {
			stemExt = path.Ext(s)
			if !IsVideoExt(stemExt) {
				return "", fmt.Errorf("%w: episode file name needs a video extension (.mp4, .mkv …), got %q", anime.ErrInvalid, stemExt)
			}
			stem = strings.TrimSuffix(s, stemExt)
		}
		if hadEmpty {
			stem = tidy(stem)
		}
		stem = SanitizeFolderName(stem)
		if stem == "" {
			what := "folder"
			if last {
				what = "file"
			}
			return "", fmt.Errorf("%w: naming template gives an empty %s name", anime.ErrInvalid, what)
		}
		out = append(out, stem+strings.ToLower(stemExt))
	}
	rel := strings.Join(out, "/")
	if !filepath.IsLocal(filepath.FromSlash(rel)) {
		return "", fmt.Errorf("%w: naming template escapes the series folder", anime.ErrInvalid)
	}
	return rel, nil
}

func splitTemplate(tmpl string) []string {
	return strings.Split(strings.ReplaceAll(tmpl, `\`, "/"), "/")
}

// templateUses reports whether tmpl has the placeholder {name} (with or
// without padding).
func templateUses(tmpl, name string) bool {
	return strings.Contains(tmpl, "{"+name+"}") || strings.Contains(tmpl, "{"+name+":")
}

// withExt replaces a trailing video extension by ext, or appends ext.
func withExt(name, ext string) string {
	if ext == "" {
		return name
	}
	if !strings.HasPrefix(ext, ".") {
		ext = "." + ext
	}
	if old := path.Ext(name); IsVideoExt(old) {
		name = strings.TrimSuffix(name, old)
	}
	return name + ext
}

// expand substitutes {name} and {name:N} placeholders in one component;
// hadEmpty says whether a placeholder rendered empty.
func expand(c string, value func(name string, width int) string) (out string, hadEmpty bool, err error) {
	var b strings.Builder
	for {
		open := strings.IndexByte(c, '{')
		closeAt := strings.IndexByte(c, '}')
		if open < 0 {
			if closeAt >= 0 {
				return "", false, fmt.Errorf("%w: unbalanced '}' in naming template", anime.ErrInvalid)
			}
			b.WriteString(c)
			return b.String(), hadEmpty, nil
		}
		if closeAt < open {
			return "", false, fmt.Errorf("%w: unbalanced braces in naming template", anime.ErrInvalid)
		}
		b.WriteString(c[:open])
		spec := c[open+1 : closeAt]
		name, width, err := parsePlaceholder(spec)
		if err != nil {
			return "", false, err
		}
		v := value(name, width)
		hadEmpty = hadEmpty || v == ""
		b.WriteString(v)
		c = c[closeAt+1:]
	}
}

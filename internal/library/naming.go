package library

import (
	"fmt"
	"path"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/aniworld/aniworld/internal/anime"
)

// DefaultNamingTemplate is where the downloader puts an episode, relative to
// the series folder. Season 0 (movies, specials) lands in "Season 00".
const DefaultNamingTemplate = "Season {season:02}/{title} - S{season:02}E{episode:02} - ({language}).mp4"

// ValidateTemplate checks a naming template: balanced braces, known
// placeholders ({title} {year} {season[:NN]} {episode[:NN]} {language}
// {episode_title} {key}), an {episode} placeholder in the file name and a
// {season} anywhere so two episodes never map to one file, and a sample rendering that stays
// inside the series folder without empty components. It is the one check
// of the rule: config validation calls it too.
func ValidateTemplate(tmpl string) error {
	if err := checkTemplate(tmpl); err != nil {
		return err
	}
	sample := anime.Series{Key: "key", Name: "Title", Folder: "Title (2000)", Year: 2000}
	_, err := renderEpisodePath(tmpl, sample, anime.EpisodeRef{Season: 1, Episode: 1, Title: "Episode"}, anime.LangGermanDub, ".mp4")
	return err
}

// checkTemplate is the grammar part of ValidateTemplate.
func checkTemplate(tmpl string) error {
	if strings.TrimSpace(tmpl) == "" {
		return fmt.Errorf("%w: naming template is empty", anime.ErrInvalid)
	}
	comps := strings.Split(strings.ReplaceAll(tmpl, `\`, "/"), "/")
	for i, c := range comps {
		if _, err := expand(c, func(string, int) (string, error) { return "x", nil }); err != nil {
			return err
		}
		if i == len(comps)-1 && !strings.Contains(c, "{episode") {
			return fmt.Errorf("%w: naming template's file name must contain {episode}", anime.ErrInvalid)
		}
	}
	if !strings.Contains(tmpl, "{season") {
		return fmt.Errorf("%w: naming template must contain {season}", anime.ErrInvalid)
	}
	return nil
}

// EpisodePath renders tmpl for one episode and answers a slash-separated
// path relative to the series folder. Each component is sanitised like a
// folder name, so nothing can escape the folder. ext (".mkv", "mp4"), when
// given, replaces the template's video extension or is appended. The
// language must be known when the template uses {language}.
func EpisodePath(tmpl string, s anime.Series, ep anime.EpisodeRef, lang anime.Language, ext string) (string, error) {
	if tmpl == "" {
		tmpl = DefaultNamingTemplate
	}
	if err := checkTemplate(tmpl); err != nil {
		return "", err
	}
	return renderEpisodePath(tmpl, s, ep, lang, ext)
}

// renderEpisodePath is EpisodePath for a template that passed checkTemplate.
func renderEpisodePath(tmpl string, s anime.Series, ep anime.EpisodeRef, lang anime.Language, ext string) (string, error) {
	if ep.Season < 0 || ep.Episode < 0 {
		return "", fmt.Errorf("%w: negative season or episode", anime.ErrInvalid)
	}
	title := s.Name
	if strings.TrimSpace(title) == "" {
		title = s.Folder
	}
	value := func(name string, width int) (string, error) {
		switch name {
		case "title":
			return title, nil
		case "year":
			if s.Year <= 0 {
				return "", nil
			}
			return strconv.Itoa(s.Year), nil
		case "season":
			return pad(ep.Season, width), nil
		case "episode":
			return pad(ep.Episode, width), nil
		case "language":
			if !lang.Valid() {
				return "", fmt.Errorf("%w: naming template needs a known language", anime.ErrInvalid)
			}
			return lang.String(), nil
		case "episode_title":
			return ep.Title, nil
		case "key":
			return s.Key, nil
		}
		return "", fmt.Errorf("%w: unknown placeholder {%s}", anime.ErrInvalid, name)
	}
	comps := strings.Split(strings.ReplaceAll(tmpl, `\`, "/"), "/")
	out := make([]string, 0, len(comps))
	for i, c := range comps {
		v, err := expand(c, value)
		if err != nil {
			return "", err
		}
		if i == len(comps)-1 {
			v = withExt(v, ext)
			stemExt := path.Ext(v)
			if !IsVideoExt(stemExt) {
				return "", fmt.Errorf("%w: episode file name needs a video extension (.mp4, .mkv …), got %q", anime.ErrInvalid, stemExt)
			}
			stem := SanitizeFolderName(strings.TrimSuffix(v, stemExt))
			if stem == "" {
				return "", fmt.Errorf("%w: naming template gives an empty file name", anime.ErrInvalid)
			}
			v = stem + strings.ToLower(stemExt)
		} else {
			v = SanitizeFolderName(v)
			if v == "" {
				return "", fmt.Errorf("%w: naming template gives an empty folder name", anime.ErrInvalid)
			}
		}
		out = append(out, v)
	}
	rel := strings.Join(out, "/")
	if !filepath.IsLocal(filepath.FromSlash(rel)) {
		return "", fmt.Errorf("%w: naming template escapes the series folder", anime.ErrInvalid)
	}
	return rel, nil
}

func pad(n, width int) string {
	s := strconv.Itoa(n)
	for len(s) < width {
		s = "0" + s
	}
	return s
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

// expand substitutes {name} and {name:NN} placeholders in one component.
func expand(c string, value func(name string, width int) (string, error)) (string, error) {
	var b strings.Builder
	for {
		open := strings.IndexByte(c, '{')
		closeAt := strings.IndexByte(c, '}')
		if open < 0 {
			if closeAt >= 0 {
				return "", fmt.Errorf("%w: unbalanced '}' in naming template", anime.ErrInvalid)
			}
			b.WriteString(c)
			return b.String(), nil
		}
		if closeAt < open {
			return "", fmt.Errorf("%w: unbalanced braces in naming template", anime.ErrInvalid)
		}
		b.WriteString(c[:open])
		spec := c[open+1 : closeAt]
		name, format, hasFormat := strings.Cut(spec, ":")
		width := 0
		if hasFormat {
			w, err := strconv.Atoi(format)
			if err != nil || w < 1 || w > 6 || (name != "season" && name != "episode") {
				return "", fmt.Errorf("%w: bad placeholder {%s} in naming template", anime.ErrInvalid, spec)
			}
			width = w
		}
		switch name {
		case "title", "year", "season", "episode", "language", "episode_title", "key":
		default:
			return "", fmt.Errorf("%w: unknown placeholder {%s} in naming template", anime.ErrInvalid, spec)
		}
		v, err := value(name, width)
		if err != nil {
			return "", err
		}
		b.WriteString(v)
		c = c[closeAt+1:]
	}
}

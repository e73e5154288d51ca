package library

import (
	"context"
	"errors"
	"fmt"
	"path"
	"slices"
	"strings"
	"testing"

	"github.com/aniworld/aniworld/internal/anime"
)

// noisyTitles are titles that look like parts of an episode name: digits,
// brackets, season/episode markers, languages, reserved and empty names.
var noisyTitles = []string{
	"Der Anfang", "S02E05 Rückblick", "1x03", "Episode 12", "Folge 7: Die Rückkehr", "Film 2",
	"[German Sub] ist (English Dub)", "Part 2 (1/2)", "86 EIGHTY-SIX", "Re:Zero S2", "E05", "2013",
	"S01E01-E03", "..", "CON", "", "Tom & Jerry's <Revenge>", "s1e1", "Staffel 3", "Teil 2 - 04",
	"x264 1080p", "(  )", "Season 01/../etc", "Movie 3 .part", "12 Monkeys", "#1", "Ep. 4 – Finale",
}

var propertyTemplates = []string{
	DefaultNamingTemplate,
	"{title} - S{season:02}E{episode:02} - {episode_title} [{resolution} {codec}] ({language}).mkv",
	"Season {season:02}/{episode_title_de} - {title} S{season:02}E{episode:03} ({language}).mp4",
	"{title} ({year})/Staffel {season}/{title} {season}x{episode:02} {episode_title_en} [{language}].mkv",
	"Season {season}/Episode {episode:03} - {episode_title}.mp4",
	"{site}/{title} - {absolute:04} - S{season:02}E{episode:02} - {episode_title}.mkv",
	"{title} S{season:02}E{episode:02}{episode_title}.mp4",
	"{episode_title} - {season}x{episode:02} - {title} ({language}).mp4",
	"S{season:2}E{episode:2} - {episode_title_de} ({episode_title_en}) - {resolution}.mkv",
	"{title} [{key}]/Season {season:02}/{title} - S{season:02}E{episode:02} - {episode_title} - {codec} ({language}).mp4",
}

// TestNamingScansBackProperty renders many templates × noisy titles ×
// episodes × languages and parses every name back: the scanner must read
// the right season, episode and (where the template names it) language.
func TestNamingScansBackProperty(t *testing.T) {
	series := []anime.Series{
		{Key: "aot", Name: "Attack on Titan: Final Season", Site: "aniworld.to", Year: 2013},
		{Key: "s1e1", Name: "S01E02 The Show", Site: "s.to", Year: 2001},
		{Key: "86", Name: "86 EIGHTY-SIX", Site: "aniworld.to"},
		{Key: "z", Name: "Film 3 (German Dub)", Site: "aniworld.to", Year: 2020},
	}
	eps := []anime.EpisodeRef{{Season: 1, Episode: 1}, {Season: 1, Episode: 12}, {Season: 2, Episode: 5}, {Season: 0, Episode: 3}, {Season: 12, Episode: 250}, {Season: 3, Episode: 1071}}
	langs := []anime.Language{anime.LangGermanDub, anime.LangGermanSub, anime.LangEnglishSub, anime.LangEnglishDub}
	media := []anime.MediaInfo{{}, {Width: 1920, Height: 1080, VideoCodec: "h264"}, {Width: 1280, Height: 720, VideoCodec: "hevc"}}
	n := 0
	for ti, tmpl := range propertyTemplates {
		if err := ValidateTemplate(tmpl); err != nil {
			t.Fatalf("template %q: %v", tmpl, err)
		}
		for si, s := range series {
			for ei, ep := range eps {
				for li, lang := range langs {
					for k, de := range noisyTitles {
						v := NameValues{Series: s, Episode: ep, Language: lang, TitleDE: de,
							TitleEN:  noisyTitles[(k+ti+si+7)%len(noisyTitles)],
							Absolute: (ei + 1) * 13, Media: media[(k+li)%len(media)]}
						rel, err := RenderEpisodePath(tmpl, v, "")
						if err != nil {
							t.Fatalf("%q %+v: %v", tmpl, v, err)
						}
						p, ok := ParseEpisodeFile(rel)
						if !ok || p.Season != ep.Season || !slices.Equal(p.Episodes, []int{ep.Episode}) {
							t.Fatalf("%q -> %q parsed %+v ok=%v; want %s", tmpl, rel, p, ok, ep)
						}
						if templateUses(tmpl, "language") && p.Language != lang {
							t.Fatalf("%q -> %q language %v; want %v", tmpl, rel, p.Language, lang)
						}
						for _, c := range strings.Split(rel, "/") {
							if c == "" || c == "." || c == ".." || SanitizeFolderName(strings.TrimSuffix(c, path.Ext(c))) != strings.TrimSuffix(c, path.Ext(c)) {
								t.Fatalf("%q -> %q: component %q not sanitised", tmpl, rel, c)
							}
						}
						n++
					}
				}
			}
		}
	}
	t.Logf("%d names rendered and read back", n)
}

// TestNamingTokens renders every new placeholder and the padding forms.
func TestNamingTokens(t *testing.T) {
	v := NameValues{
		Series:  anime.Series{Key: "demo", Name: "Demo: Show", Site: "s.to", Year: 2019},
		Episode: anime.EpisodeRef{Season: 2, Episode: 7, Title: "From the queue"},
		TitleDE: "Der Weg / Zurück?", TitleEN: "The Way Back",
		Absolute: 19, Language: anime.LangGermanSub,
		Media: anime.MediaInfo{Width: 1920, Height: 800, VideoCodec: "hevc"},
	}
	tests := []struct {
		name string
		tmpl string
		v    NameValues
		want string
	}{
		{"all tokens", "{title} ({year}) [{site} {key}]/S{season:02}E{episode:03} {absolute:04} {episode_title_de} - {episode_title_en} [{resolution} {codec}] ({language}).mkv", v,
			"Demo Show (2019) [s.to demo]/S02E007 0019 Der Weg Zurück - The Way Back [1080p HEVC] (German Sub).mkv"},
		{"episode title is German first", "S{season}E{episode} {episode_title}.mp4", v, "S2E7 Der Weg Zurück.mp4"},
		{"episode title falls back to English", "S{season}E{episode} {episode_title}.mp4",
			func() NameValues { w := v; w.TitleDE = ""; return w }(), "S2E7 The Way Back.mp4"},
		{"then to the queue's title", "S{season}E{episode} {episode_title}.mp4",
			func() NameValues { w := v; w.TitleDE, w.TitleEN = "", ""; return w }(), "S2E7 From the queue.mp4"},
		{"unknown values leave no empty brackets", "{title} ({year}) - S{season:02}E{episode:02} - {episode_title} [{resolution} {codec}].mkv",
			NameValues{Series: anime.Series{Name: "Demo"}, Episode: anime.EpisodeRef{Season: 1, Episode: 2}}, "Demo - S01E02.mkv"},
		{"padding one digit form", "S{season:2}E{episode:4}.mp4", v, "S02E0007.mp4"},
		{"wide numbers are not cut", "S{season:02}E{episode:02} {absolute:02}.mp4",
			func() NameValues { w := v; w.Episode.Episode, w.Absolute = 1071, 1100; return w }(), "S02E1071 1100.mp4"},
		{"special has no absolute number", "S{season:02}E{episode:02} - {absolute:03}.mp4",
			func() NameValues {
				w := v
				w.Episode, w.Absolute = anime.EpisodeRef{Season: 0, Episode: 1}, 0
				return w
			}(), "S00E01.mp4"},
		{"noisy episode title before the marker is dropped", "{episode_title} S{season:02}E{episode:02}.mp4",
			func() NameValues { w := v; w.TitleDE = "S05E09 Rückblick"; return w }(), "S02E07.mp4"},
		{"4K by width", "S{season}E{episode} {resolution}.mkv",
			func() NameValues { w := v; w.Media = anime.MediaInfo{Width: 3840, Height: 1600}; return w }(), "S2E7 2160p.mkv"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := RenderEpisodePath(tt.tmpl, tt.v, "")
			if err != nil || got != tt.want {
				t.Fatalf("got %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

func TestValidateTemplateRefusesUnscannable(t *testing.T) {
	tests := []struct {
		tmpl string
		ok   bool
	}{
		{DefaultNamingTemplate, true},
		{"{title} - {absolute:03} - S{season:02}E{episode:02}.mkv", true},
		{"Season {season}/Folge {episode:02} - {episode_title}.mp4", true},
		{"{title} S{season}E{episode}", true},                    // the downloader adds the extension
		{"{title} {season}{episode:02}.mp4", false},              // digits run together
		{"{title} - {absolute:03}.mp4", false},                   // no {episode}
		{"{title} - E{episode:02}.mp4", false},                   // no season anywhere
		{"{title} - {season}.{episode}.mp4", false},              // a form the scanner does not read
		{"S{season}E{episode} {title:02}.mp4", false},            // width on text
		{"S{season}E{episode} {absolute:9}.mp4", false},          // width out of range
		{"S{season}E{episode} {resolution} {codecs}.mp4", false}, // unknown token
		{"S{season}E{episode} .part.mp4", false},                 // a temporary-file name
	}
	for _, tt := range tests {
		t.Run(tt.tmpl, func(t *testing.T) {
			err := ValidateTemplate(tt.tmpl)
			if tt.ok != (err == nil) || (err != nil && !errors.Is(err, anime.ErrInvalid)) {
				t.Fatalf("ValidateTemplate = %v; want ok=%v", err, tt.ok)
			}
		})
	}
}

func TestAbsoluteEpisode(t *testing.T) {
	seasons := map[int][]int{0: {1, 2}, 1: {1, 2, 3}, 2: {1, 2}, 3: {1, 2, 3, 4}}
	tests := []struct {
		ep   anime.EpisodeRef
		want int
	}{
		{anime.EpisodeRef{Season: 1, Episode: 1}, 1},
		{anime.EpisodeRef{Season: 2, Episode: 1}, 4},
		{anime.EpisodeRef{Season: 3, Episode: 4}, 9},
		{anime.EpisodeRef{Season: 0, Episode: 2}, 0},
		{anime.EpisodeRef{Season: 3, Episode: 9}, 0},
		{anime.EpisodeRef{Season: 5, Episode: 1}, 0},
	}
	for _, tt := range tests {
		if got := AbsoluteEpisode(seasons, tt.ep); got != tt.want {
			t.Errorf("AbsoluteEpisode(%s) = %d; want %d", tt.ep, got, tt.want)
		}
	}
}

// TestScannerReadsEveryTemplate writes episode files named by every
// property template with noisy titles into a real library and scans it:
// each file counts as its own episode.
func TestScannerReadsEveryTemplate(t *testing.T) {
	env := newEnv(t, nil)
	seasons := map[int][]int{0: {1, 2, 3}, 1: {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, 2: {1, 2, 3, 4, 5}}
	eps := []anime.EpisodeRef{{Season: 1, Episode: 1}, {Season: 1, Episode: 12}, {Season: 2, Episode: 5}, {Season: 0, Episode: 3}}
	for ti, tmpl := range propertyTemplates {
		key := fmt.Sprintf("show-%d", ti)
		folder := fmt.Sprintf("Show %d", ti)
		s := anime.Series{Key: key, Name: fmt.Sprintf("Show %d S01E09", ti), Site: SiteAniworld, Year: 2000 + ti}
		env.cat.add(key, s.Name, s.Year, seasons)
		env.marker(t, folder, key, s.Name, s.Year)
		for ei, ep := range eps {
			v := NameValues{Series: s, Episode: ep, Language: anime.LangEnglishSub,
				TitleDE: noisyTitles[(ti*4+ei)%len(noisyTitles)], TitleEN: noisyTitles[(ti*4+ei+11)%len(noisyTitles)],
				Absolute: AbsoluteEpisode(seasons, ep), Media: anime.MediaInfo{Width: 1280, Height: 720, VideoCodec: "h264"}}
			rel, err := RenderEpisodePath(tmpl, v, "")
			if err != nil {
				t.Fatal(err)
			}
			env.touch(t, folder+"/"+rel)
		}
	}
	sum := env.scan(t)
	if sum.Series != len(propertyTemplates) || len(sum.Errors) != 0 {
		t.Fatalf("summary %+v", sum)
	}
	for ti := range propertyTemplates {
		d, _, err := env.svc.Get(context.Background(), fmt.Sprintf("show-%d", ti))
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{"0-3", "1-1", "1-12", "2-5"}; !slices.Equal(d.Episodes, want) {
			t.Errorf("template %q: scanned episodes %v; want %v", propertyTemplates[ti], d.Episodes, want)
		}
	}
}

func TestMediaLabels(t *testing.T) {
	for _, tt := range []struct {
		m          anime.MediaInfo
		res, codec string
	}{
		{anime.MediaInfo{}, "", ""},
		{anime.MediaInfo{Width: 3840, Height: 2160, VideoCodec: "hevc"}, "2160p", "HEVC"},
		{anime.MediaInfo{Width: 1920, Height: 1080, VideoCodec: "h264"}, "1080p", "H.264"},
		{anime.MediaInfo{Width: 1920, Height: 800, VideoCodec: "av1"}, "1080p", "AV1"},
		{anime.MediaInfo{Width: 1280, Height: 720, VideoCodec: "vp9"}, "720p", "VP9"},
		{anime.MediaInfo{Width: 854, Height: 480, VideoCodec: "mpeg4"}, "480p", "MPEG-4"},
		{anime.MediaInfo{Width: 320, Height: 240, VideoCodec: "theora"}, "240p", "THEORA"},
	} {
		if r, c := ResolutionLabel(tt.m), CodecLabel(tt.m.VideoCodec); r != tt.res || c != tt.codec {
			t.Errorf("%+v: %q %q; want %q %q", tt.m, r, c, tt.res, tt.codec)
		}
	}
}

package library

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/aniworld/aniworld/internal/anime"
)

func TestEpisodePath(t *testing.T) {
	aot := anime.Series{Key: "attack-on-titan", Name: "Attack on Titan: Final Season", Year: 2013}
	tests := []struct {
		name    string
		tmpl    string
		series  anime.Series
		ep      anime.EpisodeRef
		lang    anime.Language
		ext     string
		want    string
		wantErr bool
	}{
		{"default", "", aot, anime.EpisodeRef{Season: 1, Episode: 1}, anime.LangGermanDub, "",
			"Season 01/Attack on Titan Final Season - S01E01 - (German Dub).mp4", false},
		{"default mkv", DefaultNamingTemplate, aot, anime.EpisodeRef{Season: 2, Episode: 13}, anime.LangEnglishSub, ".mkv",
			"Season 02/Attack on Titan Final Season - S02E13 - (English Sub).mkv", false},
		{"movie season 00", "", aot, anime.EpisodeRef{Season: 0, Episode: 2}, anime.LangGermanSub, "ts",
			"Season 00/Attack on Titan Final Season - S00E02 - (German Sub).ts", false},
		{"three digit width", "{title} S{season:02}E{episode:03}.mkv", aot, anime.EpisodeRef{Season: 1, Episode: 7}, 0, "",
			"Attack on Titan Final Season S01E007.mkv", false},
		{"wide number not truncated", "S{season:02}E{episode:02}.mp4", aot, anime.EpisodeRef{Season: 1, Episode: 1071}, 0, "",
			"S01E1071.mp4", false},
		{"year key episode title", "{title} ({year})/{key} {season}x{episode:02} {episode_title}.mkv", aot,
			anime.EpisodeRef{Season: 3, Episode: 4, Title: "Why/Not?"}, 0, "",
			"Attack on Titan Final Season (2013)/attack-on-titan 3x04 WhyNot.mkv", false},
		{"traversal in title is neutralised", "", anime.Series{Name: "../../etc"}, anime.EpisodeRef{Season: 1, Episode: 1}, anime.LangGermanDub, "",
			"Season 01/etc - S01E01 - (German Dub).mp4", false},
		{"dotdot folder component", "{title}/E{episode}.mp4", anime.Series{Name: ".."}, anime.EpisodeRef{Season: 1, Episode: 1}, 0, "", "", true},
		{"literal dotdot", "../S{season}E{episode}.mp4", aot, anime.EpisodeRef{Season: 1, Episode: 1}, 0, "", "", true},
		{"unknown language", "", aot, anime.EpisodeRef{Season: 1, Episode: 1}, anime.LangUnknown, "", "", true},
		{"unknown placeholder", "{foo} E{episode}.mp4", aot, anime.EpisodeRef{Season: 1, Episode: 1}, 0, "", "", true},
		{"unbalanced", "{title E{episode}.mp4", aot, anime.EpisodeRef{Season: 1, Episode: 1}, 0, "", "", true},
		{"no episode in file name", "{title}.mp4", aot, anime.EpisodeRef{Season: 1, Episode: 1}, 0, "", "", true},
		{"no extension", "{title} E{episode}", aot, anime.EpisodeRef{Season: 1, Episode: 1}, 0, "", "", true},
		{"format on title", "{title:02} E{episode}.mp4", aot, anime.EpisodeRef{Season: 1, Episode: 1}, 0, "", "", true},
		{"falls back to folder", "", anime.Series{Folder: "Naruto (2002)"}, anime.EpisodeRef{Season: 1, Episode: 1}, anime.LangGermanDub, "",
			"Season 01/Naruto (2002) - S01E01 - (German Dub).mp4", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := EpisodePath(tt.tmpl, tt.series, tt.ep, tt.lang, tt.ext)
			if tt.wantErr {
				if !errors.Is(err, anime.ErrInvalid) {
					t.Fatalf("err = %v (path %q); want ErrInvalid", err, got)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("got %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

// TestNamingRoundTrip checks the scanner recognises what the downloader writes.
func TestNamingRoundTrip(t *testing.T) {
	templates := []string{
		DefaultNamingTemplate,
		"{title} - S{season:02}E{episode:03} - ({language}).mkv",
		"Staffel {season}/{title} {season}x{episode:02} ({language}).mp4",
		"{title} ({year})/Season {season:02}/{title} S{season:02}E{episode:02} {episode_title} [{language}].mkv",
	}
	series := []anime.Series{
		{Key: "aot", Name: "Attack on Titan: Final Season", Year: 2013},
		{Key: "x", Name: "Steins;Gate 0", Year: 2018},
		{Key: "y", Name: "86 EIGHTY-SIX", Year: 2021},
		{Key: "z", Name: "Re:Zero S2", Year: 2020},
	}
	eps := []anime.EpisodeRef{{Season: 1, Episode: 1}, {Season: 0, Episode: 3}, {Season: 12, Episode: 250, Title: "Film 9"}}
	langs := []anime.Language{anime.LangGermanDub, anime.LangEnglishSub, anime.LangGermanSub, anime.LangEnglishDub}
	for _, tmpl := range templates {
		for _, s := range series {
			for _, ep := range eps {
				for _, lang := range langs {
					rel, err := EpisodePath(tmpl, s, ep, lang, "")
					if err != nil {
						t.Fatalf("%s: %v", tmpl, err)
					}
					// A series folder prefix in the template is part of rel; the
					// scanner sees paths relative to the series folder, so drop
					// a leading "<title> (<year>)/" when the template has one.
					if strings.HasPrefix(tmpl, "{title} ({year})/") {
						_, rel, _ = strings.Cut(rel, "/")
					}
					p, ok := ParseEpisodeFile(rel)
					if !ok || p.Season != ep.Season || !slices.Equal(p.Episodes, []int{ep.Episode}) || p.Language != lang {
						t.Fatalf("round trip %q -> %+v ok=%v; want %v %v", rel, p, ok, ep, lang)
					}
				}
			}
		}
	}
}

func TestValidateTemplate(t *testing.T) {
	tests := []struct {
		name, tmpl string
		ok         bool
	}{
		{"default", DefaultNamingTemplate, true},
		{"flat", "{title} S{season:02}E{episode:02}.mkv", true},
		{"no extension: the engine adds one", "{title} S{season}E{episode}", true},
		{"unknown placeholder", "{bogus} S{season}E{episode}.mp4", false},
		{"no season", "{title} E{episode}.mp4", false},
		{"no episode in file name", "Season {season}/{episode}/{title}.mp4", false},
		{"absolute", "/Season {season}/E{episode}.mp4", false},
		{"parent folder", "../S{season}E{episode}.mp4", false},
		{"empty folder", "Season {season}//E{episode}.mp4", false},
		{"empty", "  ", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidateTemplate(tt.tmpl)
			if (err == nil) != tt.ok {
				t.Fatalf("ValidateTemplate(%q) = %v, want ok=%v", tt.tmpl, err, tt.ok)
			}
			if err != nil && !errors.Is(err, anime.ErrInvalid) {
				t.Fatalf("error %v does not wrap ErrInvalid", err)
			}
		})
	}
}

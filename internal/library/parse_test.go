package library

import (
	"path"
	"slices"
	"strings"
	"testing"

	"github.com/aniworld/aniworld/internal/anime"
)

func TestParseEpisodeFile(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		ok     bool
		season int
		eps    []int
		lang   anime.Language
	}{
		{"default naming", "Season 01/Attack on Titan - S01E01 - (German Dub).mp4", true, 1, []int{1}, anime.LangGermanDub},
		{"flat upper", "Attack on Titan - S02E05.mkv", true, 2, []int{5}, 0},
		{"lower short", "aot s1e1.mkv", true, 1, []int{1}, 0},
		{"three digit episode", "One Piece S01E001.mp4", true, 1, []int{1}, 0},
		{"four digit episode", "One Piece - S21E1071 - (German Sub).mkv", true, 21, []int{1071}, anime.LangGermanSub},
		{"NxNN", "Naruto 1x01.avi", true, 1, []int{1}, 0},
		{"NxNN range", "Naruto 2x03-05.avi", true, 2, []int{3, 4, 5}, 0},
		{"multi range", "Show - S01E01-E02.mkv", true, 1, []int{1, 2}, 0},
		{"multi range long", "Show - S01E01-E04.mkv", true, 1, []int{1, 2, 3, 4}, 0},
		{"multi list", "Show - S01E01E02.mkv", true, 1, []int{1, 2}, 0},
		{"multi list three", "Show S01E01E03E05.mkv", true, 1, []int{1, 3, 5}, 0},
		{"range plain dash", "Show S01E01-02.mkv", true, 1, []int{1, 2}, 0},
		{"year after dash not a range", "Show S01E01-2019.mkv", true, 1, []int{1}, 0},
		{"resolution not a range", "Show S01E01-1080p.mkv", true, 1, []int{1}, 0},
		{"separator S01.E02", "Show.S01.E02.mkv", true, 1, []int{2}, 0},
		{"staffel folder", "Staffel 2/Folge 7.mp4", true, 2, []int{7}, 0},
		{"season folder episode only", "Season 3/Episode 12 (English Sub).webm", true, 3, []int{12}, anime.LangEnglishSub},
		{"specials folder", "Specials/E01.mkv", true, 0, []int{1}, 0},
		{"specials S00", "Specials/Show - S00E02 - (English Dub).m4v", true, 0, []int{2}, anime.LangEnglishDub},
		{"season 00 folder", "Season 00/Show - S00E01 - (German Dub).mp4", true, 0, []int{1}, anime.LangGermanDub},
		{"movie", "Filme/Show Film 2.mp4", true, 0, []int{2}, 0},
		{"ts extension", "Show S01E03.ts", true, 1, []int{3}, 0},
		{"upper ext", "Show S01E03.MKV", true, 1, []int{3}, 0},
		{"file season wins over folder", "Season 01/Show S02E03.mkv", true, 2, []int{3}, 0},
		{"bracket language", "Show S01E03 [German Sub].mkv", true, 1, []int{3}, anime.LangGermanSub},
		{"backslash path", `Season 01\Show S01E04.mkv`, true, 1, []int{4}, 0},
		{"x264 not episode", "Show x264.mkv", false, 0, nil, 0},
		{"resolution not NxNN", "Show 1920x1080.mkv", false, 0, nil, 0},
		{"episode only without season folder", "Episode 5.mkv", false, 0, nil, 0},
		{"part file", "Season 01/Show - S01E01 - (German Dub).mp4.part", false, 0, nil, 0},
		{"part before ext", "Show S01E01.part.mp4", false, 0, nil, 0},
		{"tmp", "Show S01E01.mp4.tmp", false, 0, nil, 0},
		{"part json", "Show S01E01.part.json", false, 0, nil, 0},
		{"hidden file", ".Show S01E01.mkv", false, 0, nil, 0},
		{"hidden folder", ".trash/Show S01E01.mkv", false, 0, nil, 0},
		{"not video", "Show S01E01.srt", false, 0, nil, 0},
		{"nfo", "tvshow.nfo", false, 0, nil, 0},
		{"episode zero", "Show S01E00.mkv", false, 0, nil, 0},
		{"no number", "Show.mkv", false, 0, nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := ParseEpisodeFile(tt.in)
			if ok != tt.ok {
				t.Fatalf("ok = %v; want %v (%+v)", ok, tt.ok, got)
			}
			if !ok {
				return
			}
			if got.Season != tt.season || !slices.Equal(got.Episodes, tt.eps) || got.Language != tt.lang {
				t.Fatalf("got season %d eps %v lang %v; want %d %v %v", got.Season, got.Episodes, got.Language, tt.season, tt.eps, tt.lang)
			}
		})
	}
}

func TestSeasonFromDir(t *testing.T) {
	tests := []struct {
		in     string
		season int
		ok     bool
	}{
		{"Season 01", 1, true}, {"season 1", 1, true}, {"Staffel 3", 3, true}, {"S04", 4, true},
		{"Season 00", 0, true}, {"Specials", 0, true}, {"Filme", 0, true}, {"Movies", 0, true},
		{"Extras stuff", 0, false}, {"Attack on Titan", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			s, ok := SeasonFromDir(tt.in)
			if s != tt.season || ok != tt.ok {
				t.Fatalf("got %d %v; want %d %v", s, ok, tt.season, tt.ok)
			}
		})
	}
}

func FuzzParseEpisodeFile(f *testing.F) {
	for _, s := range []string{"Season 01/Attack on Titan - S01E01 - (German Dub).mp4", "x 1x01-99.mkv", "S01E01E02E03.mkv",
		"Staffel 2/Folge 7.mp4", "Specials/E01.mkv", "S999E9999-E9999.mkv", "Filme/Film 1.mp4", ".x.mkv", "a.part.mp4"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		p, ok := ParseEpisodeFile(in)
		if !ok {
			return
		}
		if p.Season < 0 || p.Season > 999 || len(p.Episodes) == 0 || len(p.Episodes) > maxEpisodesPerFile {
			t.Fatalf("bad parse %+v of %q", p, in)
		}
		for i, e := range p.Episodes {
			if e <= 0 || e > 9999 || (i > 0 && e <= p.Episodes[i-1]) {
				t.Fatalf("bad episodes %v of %q", p.Episodes, in)
			}
		}
		if p.Language != anime.LangUnknown && !p.Language.Valid() {
			t.Fatalf("bad language %v", p.Language)
		}
	})
}

// TestVideoNamesHaveNoTemporarySuffix holds the invariant IsTemporaryName
// relies on to skip its suffix list for video file names.
func TestVideoNamesHaveNoTemporarySuffix(t *testing.T) {
	for ext := range videoExtensions {
		for _, e := range []string{ext, strings.ToUpper(ext)} {
			for _, suf := range temporarySuffixes {
				if hasSuffixFold("Show S01E01"+e, suf) || hasSuffixFold(e, suf) {
					t.Fatalf("%q ends in temporary suffix %q", e, suf)
				}
			}
		}
	}
}

func TestIsVideoExtAndTemporaryName(t *testing.T) {
	tests := []struct {
		name      string
		file      string
		video     bool
		temporary bool
	}{
		{"mp4", "a.mp4", true, false},
		{"upper MKV", "a.MKV", true, false},
		{"mixed WebM", "a.WebM", true, false},
		{"kelvin sign k", "a.m\u212av", true, false},
		{"not video", "a.mp3", false, false},
		{"long ext", "a.mpeg4", false, false},
		{"no ext", "mp4", false, false},
		{"part", "a.mp4.part", false, true},
		{"part stem", "a.part.mp4", true, true},
		{"tmp stem upper", "a.TMP.mkv", true, true},
		{"yt-dlp fragment", "a.part-Frag12.mp4", true, true},
		{"hidden", ".a.mp4", true, true},
		{"backup", "a.mp4~", false, true},
		{"crdownload", "a.mkv.crdownload", false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := IsVideoExt(path.Ext(tt.file)); got != tt.video {
				t.Fatalf("IsVideoExt(%q) = %v", path.Ext(tt.file), got)
			}
			if got := IsTemporaryName(tt.file); got != tt.temporary {
				t.Fatalf("IsTemporaryName(%q) = %v", tt.file, got)
			}
		})
	}
}

package queue

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/aniworld/aniworld/internal/anime"
)

func TestDecodeEpisode(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want anime.EpisodeRef
		err  bool
	}{
		{"object", `{"season":1,"episode":2,"title":"Episode 2"}`, anime.EpisodeRef{Season: 1, Episode: 2, Title: "Episode 2"}, false},
		{"object without title", `{"season":0,"episode":1}`, anime.EpisodeRef{Season: 0, Episode: 1}, false},
		{"code", `"S01E05"`, anime.EpisodeRef{Season: 1, Episode: 5}, false},
		{"compact code", ` "2-3" `, anime.EpisodeRef{Season: 2, Episode: 3}, false},
		{"object missing episode", `{"season":1}`, anime.EpisodeRef{}, true},
		{"object episode zero", `{"season":1,"episode":0}`, anime.EpisodeRef{}, true},
		{"bad code", `"pilot"`, anime.EpisodeRef{}, true},
		{"number", `12`, anime.EpisodeRef{}, true},
		{"null", `null`, anime.EpisodeRef{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DecodeEpisode(json.RawMessage(tt.in))
			if (err != nil) != tt.err || (err != nil && !errors.Is(err, anime.ErrInvalid)) {
				t.Fatalf("err = %v, want error %v (ErrInvalid)", err, tt.err)
			}
			if got != tt.want {
				t.Fatalf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestDecodePriority(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want anime.Priority
		err  bool
	}{
		{"string", `"HIGH"`, anime.PriorityHigh, false},
		{"lower case", `"low"`, anime.PriorityLow, false},
		{"zero", `0`, anime.PriorityNormal, false},
		{"positive", `1`, anime.PriorityHigh, false},
		{"negative", `-2`, anime.PriorityLow, false},
		{"absent", ``, anime.PriorityNormal, false},
		{"null", `null`, anime.PriorityNormal, false},
		{"unknown word", `"URGENT"`, "", true},
		{"object", `{}`, "", true},
		{"bool", `true`, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DecodePriority(json.RawMessage(tt.in))
			if (err != nil) != tt.err || (err != nil && !errors.Is(err, anime.ErrInvalid)) {
				t.Fatalf("err = %v, want error %v (ErrInvalid)", err, tt.err)
			}
			if got != tt.want {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func FuzzDecodeEpisode(f *testing.F) {
	for _, s := range []string{`{"season":1,"episode":2}`, `"S01E01"`, `"1-1"`, `null`, `{"season":-1,"episode":3}`, `[]`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ref, err := DecodeEpisode(json.RawMessage(s))
		if err == nil && (ref.Season < 0 || ref.Episode < 1) {
			t.Fatalf("%q decoded to invalid %+v", s, ref)
		}
	})
}

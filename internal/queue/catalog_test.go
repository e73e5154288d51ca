package queue

import (
	"errors"
	"testing"

	"github.com/aniworld/aniworld/internal/anime"
)

func TestEpisodeCodeForms(t *testing.T) {
	tests := []struct {
		code    string
		s, e    int
		invalid bool
	}{
		{"1x1", 1, 1, false},
		{"1x01", 1, 1, false},
		{"01X001", 1, 1, false},
		{"0x5", 0, 5, false},
		{"S1E1", 1, 1, false},
		{"2-12", 2, 12, false},
		{"S200E9999", 200, 9999, false},
		{"S201E1", 0, 0, true},
		{"S1E10000", 0, 0, true},
		{"9999x99999", 0, 0, true},
		{"1x0", 0, 0, true},
		{"1xx1", 0, 0, true},
		{"x1", 0, 0, true},
	}
	for _, tc := range tests {
		t.Run(tc.code, func(t *testing.T) {
			ref, err := ParseEpisodeCode(tc.code)
			if tc.invalid {
				if !errors.Is(err, anime.ErrInvalid) {
					t.Fatalf("%q: %v %v, want ErrInvalid", tc.code, ref, err)
				}
				return
			}
			if err != nil || ref.Season != tc.s || ref.Episode != tc.e {
				t.Fatalf("%q: %v %v, want S%dE%d", tc.code, ref, err, tc.s, tc.e)
			}
		})
	}
}

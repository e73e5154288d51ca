package queue

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"

	"github.com/aniworld/aniworld/internal/anime"
)

// DecodeEpisode accepts either form of one episode in POST /api/queue/add:
// the newer object {"season":1,"episode":2,"title":"…"} or the older
// string "S01E02" (anything ParseEpisodeCode takes).
func DecodeEpisode(raw json.RawMessage) (anime.EpisodeRef, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '"' {
		var code string
		if err := json.Unmarshal(raw, &code); err != nil {
			return anime.EpisodeRef{}, fmt.Errorf("%w: episode: %v", anime.ErrInvalid, err)
		}
		return ParseEpisodeCode(code)
	}
	var obj struct {
		Season  *int   `json:"season"`
		Episode *int   `json:"episode"`
		Title   string `json:"title"`
	}
	if err := json.Unmarshal(raw, &obj); err != nil || obj.Season == nil || obj.Episode == nil {
		return anime.EpisodeRef{}, fmt.Errorf("%w: episode must be {\"season\":N,\"episode\":N} or \"S01E01\", got %s",
			anime.ErrInvalid, clip(raw))
	}
	ref := anime.EpisodeRef{Season: *obj.Season, Episode: *obj.Episode, Title: obj.Title}
	if err := validEpisode(ref); err != nil {
		return anime.EpisodeRef{}, err
	}
	return ref, nil
}

// DecodePriority accepts either form of the priority: "LOW"/"NORMAL"/"HIGH"
// (any case) or the older integer (0 NORMAL, negative LOW, positive HIGH).
// An absent or null priority is NORMAL.
func DecodePriority(raw json.RawMessage) (anime.Priority, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return anime.PriorityNormal, nil
	}
	if raw[0] == '"' {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return "", fmt.Errorf("%w: priority: %v", anime.ErrInvalid, err)
		}
		return anime.ParsePriority(s)
	}
	var f float64
	if err := json.Unmarshal(raw, &f); err != nil || math.IsNaN(f) {
		return "", fmt.Errorf("%w: priority must be LOW, NORMAL, HIGH or an integer, got %s", anime.ErrInvalid, clip(raw))
	}
	switch {
	case f < 0:
		return anime.PriorityLow, nil
	case f > 0:
		return anime.PriorityHigh, nil
	}
	return anime.PriorityNormal, nil
}

// clip shortens raw input quoted in an error message.
func clip(raw []byte) string {
	if len(raw) > 40 {
		return string(raw[:40]) + "…"
	}
	return string(raw)
}

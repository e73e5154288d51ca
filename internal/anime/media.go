package anime

// MediaInfo is what a finished video file holds, as far as naming it
// needs: the video track's size and codec. Zero fields are unknown.
type MediaInfo struct {
	Width  int `json:"width,omitempty"`
	Height int `json:"height,omitempty"`
	// VideoCodec is ffprobe's codec name: "h264", "hevc", "av1", "vp9" …
	VideoCodec string `json:"video_codec,omitempty"`
}

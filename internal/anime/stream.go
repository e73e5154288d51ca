package anime

import "net/http"

// StreamKind says how a media URL is fetched.
type StreamKind string

// Stream kinds.
const (
	StreamMP4 StreamKind = "mp4" // one progressive file, fetched with HTTP ranges
	StreamHLS StreamKind = "hls" // an m3u8 playlist of segments
)

// Stream is a playable media URL plus the request headers every request for
// it (playlist, segments, keys, ranges) must send.
type Stream struct {
	URL     string      `json:"url"`
	Kind    StreamKind  `json:"kind"`
	Headers http.Header `json:"headers"`
	Hoster  string      `json:"hoster,omitempty"`
	Lang    Language    `json:"language,omitempty"`
}

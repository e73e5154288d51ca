package anime

// Target is where a downloaded episode goes, as the library named it: Rel
// is the slash-separated path inside the series folder (what the library
// records for the episode), Abs the same file on disk. The library
// computes it once per queue item and language; the queue stores it on
// the item, so neither is recomputed or recovered from the other.
type Target struct {
	Rel string `json:"rel"`
	Abs string `json:"abs"`
}

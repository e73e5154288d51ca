package hoster

import (
	"net/http"
	"regexp"
	"strings"
)

// removedMarkers are what hosters write on the 200 page of a removed or
// unavailable video (the list MediaForge uses). They are
// matched case-insensitively against the page's text outside scripts.
var removedMarkers = []string{
	"video not found",
	"has been removed",
	"file not found",
	"maintenance mode",
	"im wartungsmodus",
}

var (
	scriptBlock = regexp.MustCompile(`(?is)<script\b[^>]*>.*?</script\s*>`)
	titleTag    = regexp.MustCompile(`(?is)<title[^>]*>(.*?)</title\s*>`)
	title404    = regexp.MustCompile(`\b404\b`)
	errorWords  = regexp.MustCompile(`(?i)not found|error|nicht gefunden|fehler`)
)

// isRemovedStatus reports the statuses that mean "this video is gone":
// 404, 410 and 451.
func isRemovedStatus(code int) bool {
	return code == http.StatusNotFound || code == http.StatusGone || code == http.StatusUnavailableForLegalReasons
}

// Removed reports why a hoster page says its video is unavailable: the
// marker found ("has been removed", "<title> 404", ...), or "" for an
// ordinary page. Script bodies are ignored, so a player's message table
// does not count.
func Removed(page string) string {
	if len(page) > maxBody {
		page = page[:maxBody]
	}
	if m := titleTag.FindStringSubmatch(page); m != nil && is404Title(strings.TrimSpace(m[1])) {
		return "<title>" + strings.TrimSpace(m[1]) + "</title>"
	}
	text := strings.ToLower(scriptBlock.ReplaceAllString(page, " "))
	for _, m := range removedMarkers {
		if strings.Contains(text, m) {
			return m
		}
	}
	return ""
}

// is404Title reports a title that announces a 404 — "404", "404 Not
// Found", "Error 404 | DoodStream" — but not a file name or an episode
// title that merely holds the number ("One.Piece.E404.mp4", "Folge 404").
func is404Title(t string) bool {
	if !title404.MatchString(t) {
		return false
	}
	return len(t) <= 12 || errorWords.MatchString(t)
}

// baitMarkers are the sample-video sources VOE plants among real ones
// (as voe-dl's bait filter lists them).
var baitMarkers = []string{
	"test-videos.co.uk",
	"sample-videos.com",
	"commondatastorage.googleapis.com",
	"bigbuckbunny",
}

// IsBait reports whether a media URL is a known sample video a hoster
// planted as bait. Such a URL is never returned as a stream.
func IsBait(mediaURL string) bool {
	l := strings.ToLower(mediaURL)
	for _, m := range baitMarkers {
		if strings.Contains(l, m) {
			return true
		}
	}
	return false
}

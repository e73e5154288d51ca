package hoster

import (
	"fmt"
	"net/http"
)

// VidmolyReferer is the Referer the fake Vidmoly demands on its embed
// pages and playlists, as vidmoly.net does.
const VidmolyReferer = "https://vidmoly.biz"

// loadxCookie is the player cookie the fake LoadX sets on its embed page
// and demands on getVideo and the media.
const loadxCookie = "fireplayer_player"

// removed writes the hoster's answer for a removed video and reports
// true; each hoster uses another of the 2026 forms, so every marker is
// exercised.
func (h *Hoster) removed(w http.ResponseWriter, r *http.Request) bool {
	switch h.name {
	case VOE:
		html(w, "VOE", `<div class="error-page"><h1>Video not found</h1><p>Sorry, we could not find this video.</p></div>`)
	case Vidoza:
		html(w, "Vidoza", `<div class="alert">File not found or deleted</div>`)
	case Doodstream:
		html(w, "Error 404 | DoodStream", `<div class="container"><h1>Oops! Sorry</h1></div>`)
	case Vidmoly:
		html(w, "Vidmoly", `<div class="notice">This video has been removed due to a copyright complaint.</div>`)
	case Streamtape:
		html(w, "Streamtape", `<h1>Maintenance Mode</h1><p>We are back soon.</p>`)
	case Luluvdo:
		html(w, "Luluvdo", `<p>Der Server ist im Wartungsmodus.</p>`)
	case Filemoon:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnavailableForLegalReasons)
		fmt.Fprint(w, `{"error":"unavailable for legal reasons"}`)
	case LoadX, SpeedFiles:
		http.Error(w, "gone", http.StatusGone)
	default: // Vidara, Vidavaca
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, `{"error":"file not found"}`)
	}
	return true
}

// hasCookie reports whether r carries the player cookie this hoster set
// last.
func (h *Hoster) hasCookie(r *http.Request) bool {
	ck, err := r.Cookie(h.rules.cookie)
	h.mu.Lock()
	want := h.cookieValue
	h.mu.Unlock()
	return err == nil && want != "" && ck.Value == want
}

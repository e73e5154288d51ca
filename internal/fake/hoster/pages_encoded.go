package hoster

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// voe serves /e/<id>. Variants by id prefix: "mirror-" (JS redirect to
// /e/<rest>), "array-" (JSON ["…"]), "a168c-" (var a168c='…'),
// "legacyhls-" ('hls': '<b64>'), "legacymp4-" ('mp4': '<url>'), "mp4-"
// (only direct_access_url), "fallback-" (only fallback); anything else is
// the 2025 JSON-string page with source (HLS) and direct_access_url (MP4).
func (h *Hoster) voe(w http.ResponseWriter, r *http.Request, f Failure) {
	id, ok := strings.CutPrefix(r.URL.Path, "/e/")
	if !ok || id == "" {
		http.NotFound(w, r)
		return
	}
	if f == NoPayload {
		html(w, "VOE", `<div class="player"></div><script src="/js/player.js"></script>`)
		return
	}
	if rest, ok := strings.CutPrefix(id, "mirror-"); ok {
		html(w, "Redirecting", fmt.Sprintf("<script>window.location.href = '%s/e/%s';</script>", originOf(r), rest))
		return
	}
	cfg := map[string]any{"source": hlsURL(r, id), "direct_access_url": mp4URL(r, id)}
	switch {
	case strings.HasPrefix(id, "mp4-"):
		cfg = map[string]any{"direct_access_url": mp4URL(r, id)}
	case strings.HasPrefix(id, "fallback-"):
		cfg = map[string]any{"fallback": []map[string]string{{"file": mp4URL(r, id), "label": "720p"}}}
	}
	js, _ := json.Marshal(cfg)
	enc := EncodeVOE(js)
	if f == BrokenPayload {
		enc = "Gur!!dhvpx@$oebja^^sbk"
	}
	switch {
	case strings.HasPrefix(id, "legacyhls-"):
		v := base64.StdEncoding.EncodeToString([]byte(hlsURL(r, id)))
		if f == BrokenPayload {
			v = "%%%"
		}
		html(w, "VOE", fmt.Sprintf("<script>var sources = {'hls': '%s', 'video_height': 720};</script>", v))
	case strings.HasPrefix(id, "legacymp4-"):
		v := mp4URL(r, id)
		if f == BrokenPayload {
			v = "not a url"
		}
		html(w, "VOE", fmt.Sprintf("<script>var sources = {'mp4': '%s', 'video_height': 720};</script>", v))
	case strings.HasPrefix(id, "a168c-"):
		html(w, "VOE", fmt.Sprintf("<script>var a168c='%s';</script>", enc))
	case strings.HasPrefix(id, "array-"):
		arr, _ := json.Marshal([]string{enc})
		html(w, "VOE", fmt.Sprintf(`<script type="application/json">%s</script>`, arr))
	default:
		str, _ := json.Marshal(enc)
		html(w, "VOE", fmt.Sprintf(`<script type="application/ld+json">{"@type":"VideoObject"}</script>
<script type="application/json">%s</script><script src="/js/loader.js"></script>`, str))
	}
}

// filemoon serves /e/<id>, /d/<id> and /api/videos/<id>. The "packed-"
// variant has no API (404) and a Dean-Edwards packed player script; the
// "iframe-" variant has no API and frames the packed page; the
// default API answer holds two AES-GCM encrypted sources (480p that 404s,
// 1080p that plays) so only the tallest works.
func (h *Hoster) filemoon(w http.ResponseWriter, r *http.Request, f Failure) {
	p := r.URL.Path
	if id, ok := strings.CutPrefix(p, "/api/videos/"); ok {
		if strings.HasPrefix(id, "packed-") || strings.HasPrefix(id, "iframe-") || f == NoPayload {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprint(w, `{"error":"video not found"}`)
			return
		}
		src, _ := json.Marshal(map[string]any{"sources": []map[string]any{
			{"url": originOf(r) + "/hls/" + id + "-480/missing.m3u8", "height": 480},
			{"url": hlsURL(r, id), "height": 1080},
			{"url": originOf(r) + "/hls/" + id + "-360/missing.m3u8", "height": 360},
		}})
		pb, err := EncryptFilemoon(src, 3)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		if f == BrokenPayload {
			first := "A"
			if pb.Payload[0] == 'A' {
				first = "B"
			}
			pb.Payload = first + pb.Payload[1:]
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"id": id, "title": "video", "playback": pb})
		return
	}
	id := strings.TrimPrefix(strings.TrimPrefix(p, "/e/"), "/d/")
	if id == p || id == "" {
		http.NotFound(w, r)
		return
	}
	if rest, ok := strings.CutPrefix(id, "iframe-"); ok {
		html(w, "Filemoon", fmt.Sprintf(`<iframe src="/e/packed-%s" frameborder="0" allowfullscreen></iframe>`, rest))
		return
	}
	if !strings.HasPrefix(id, "packed-") || f == NoPayload {
		html(w, "Filemoon", `<div id="app"></div><script src="/assets/app.js"></script>`)
		return
	}
	src := fmt.Sprintf(`var player=jwplayer("vplayer");player.setup({sources:[{file:"%s"}],image:"%s/thumb.jpg",width:"100%%",height:"100%%",stretching:"uniform",duration:"1420.00"});`, hlsURL(r, id), originOf(r))
	if f == BrokenPayload {
		src = `var player=jwplayer("vplayer");player.setup({sources:[],width:"100%"});`
	}
	packed, err := PackJS(src, 36)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	html(w, "Filemoon", "<div id=\"vplayer\"></div><script type='text/javascript'>"+packed+"</script>")
}

// speedfiles serves /e/<id> with the obfuscated var _0x5opu234.
func (h *Hoster) speedfiles(w http.ResponseWriter, r *http.Request, f Failure) {
	id, ok := strings.CutPrefix(r.URL.Path, "/e/")
	if !ok || id == "" {
		http.NotFound(w, r)
		return
	}
	switch f {
	case NoPayload:
		html(w, "SpeedFiles", `<video id="player"></video>`)
	case BrokenPayload:
		html(w, "SpeedFiles", `<script>var _0x5opu234 = "!!notbase64!!";</script>`)
	default:
		html(w, "SpeedFiles", fmt.Sprintf(`<video id="player"></video><script>var _0x5opu234 = "%s";</script>`, EncodeSpeedFiles(mp4URL(r, id))))
	}
}

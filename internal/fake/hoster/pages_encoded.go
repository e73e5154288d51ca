package hoster

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// voe serves /e/<id> (and /<id>, where forwards without /e/ land) and
// /js/loader.<hash>.js. Variants by id prefix: "mirror-" (JS redirect to
// /e/<rest>), "fwd-" (JS redirect to /<rest>, no /e/), "array-" (JSON
// ["…"]), "a168c-" (var a168c='…'), "a168cb64-" (2026 a168c: base64 of
// the reversed JSON), "mkgma-" (MKGMa="…"), "loader-" (junk tokens only
// in the loader script), "bait-" (a bait HLS source beside the real MP4),
// "baitonly-" (nothing but bait), "legacyhls-" ('hls': '<b64>'),
// "legacymp4-" ('mp4': '<url>'), "mp4-" (only direct_access_url),
// "fallback-" (only fallback); anything else is the JSON-string page with
// source (HLS) and direct_access_url (MP4).
func (h *Hoster) voe(w http.ResponseWriter, r *http.Request, f Failure) {
	if strings.HasPrefix(r.URL.Path, "/js/loader.") {
		w.Header().Set("Content-Type", "application/javascript")
		quoted := make([]string, len(LoaderTokens))
		for i, t := range LoaderTokens {
			quoted[i] = "'" + t + "'"
		}
		fmt.Fprintf(w, "(function(){var cfg={debug:false,retry:3};var z=[%s];window.__vjunk=z;})();\n", strings.Join(quoted, ", "))
		return
	}
	id := strings.TrimPrefix(strings.TrimPrefix(r.URL.Path, "/e/"), "/")
	if id == "" || strings.Contains(id, "/") {
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
	if rest, ok := strings.CutPrefix(id, "fwd-"); ok {
		html(w, "Redirecting", fmt.Sprintf("<script>\n  window.location = \"%s/%s\";\n</script>", originOf(r), rest))
		return
	}
	js, _ := json.Marshal(voeConfig(r, id))
	enc := EncodeVOE(js)
	switch {
	case strings.HasPrefix(id, "loader-"):
		enc = EncodeVOEWith(js, LoaderTokens)
	case strings.HasPrefix(id, "a168cb64-"):
		enc = EncodeVOESimple(js)
	}
	if f == BrokenPayload {
		enc = "Gur!!dhvpx@$oebja^^sbk"
	}
	voePage(w, r, id, enc, f)
}

// voeConfig is the decoded player configuration the page carries.
func voeConfig(r *http.Request, id string) map[string]any {
	const baitHLS = "https://test-videos.co.uk/vids/bigbuckbunny/mp4/h264/720/Big_Buck_Bunny_720_10s_1MB.m3u8"
	switch {
	case strings.HasPrefix(id, "mp4-"):
		return map[string]any{"direct_access_url": mp4URL(r, id)}
	case strings.HasPrefix(id, "fallback-"):
		return map[string]any{"fallback": []map[string]string{{"file": mp4URL(r, id), "label": "720p"}}}
	case strings.HasPrefix(id, "bait-"):
		return map[string]any{"source": baitHLS, "direct_access_url": mp4URL(r, id)}
	case strings.HasPrefix(id, "baitonly-"):
		return map[string]any{"source": baitHLS, "direct_access_url": "https://sample-videos.com/video321/mp4/720/big_buck_bunny_720p_1mb.mp4",
			"fallback": []map[string]string{{"file": "https://commondatastorage.googleapis.com/gtv-videos-bucket/sample/BigBuckBunny.mp4"}}}
	}
	return map[string]any{"source": hlsURL(r, id), "direct_access_url": mp4URL(r, id)}
}

// voePage writes the page shape of id's variant around the encoded payload.
func voePage(w http.ResponseWriter, r *http.Request, id, enc string, f Failure) {
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
	case strings.HasPrefix(id, "a168c"):
		html(w, "VOE", fmt.Sprintf("<script>var a168c='%s';</script>", enc))
	case strings.HasPrefix(id, "mkgma-"):
		html(w, "VOE", fmt.Sprintf("<script>\nlet MKGMa=\"%s\"; startPlayer(MKGMa);</script>", enc))
	case strings.HasPrefix(id, "array-"):
		arr, _ := json.Marshal([]string{enc})
		html(w, "VOE", fmt.Sprintf(`<script type="application/json">%s</script>`, arr))
	case strings.HasPrefix(id, "loader-"):
		str, _ := json.Marshal(enc)
		html(w, "VOE", fmt.Sprintf(`<script type='application/json' data-x="1">%s</script>
<script defer src="/js/loader.7c1e2a9f.js?v=2"></script>`, str))
	default:
		str, _ := json.Marshal(enc)
		html(w, "VOE", fmt.Sprintf(`<script type="application/ld+json">{"@type":"VideoObject"}</script>
<script type="application/json">%s</script><script src="/js/loader.js"></script>`, str))
	}
}

// filemoon serves /e/<id>, /d/<id>, the 2026 Byse API (see byseAPI; the
// default) and the pre-2026 /api/videos/<id> (only "api-" ids). The
// "packed-" variant has no API and a Dean-Edwards packed player script;
// the "iframe-" variant has no API and frames the packed page. The API
// answers hold AES-GCM encrypted sources (480p that 404s, 1080p that
// plays; Byse adds a taller bait sample) so only the right one works.
func (h *Hoster) filemoon(w http.ResponseWriter, r *http.Request, f Failure) {
	p := r.URL.Path
	if h.byseAPI(w, r, f) {
		return
	}
	if id, ok := strings.CutPrefix(p, "/api/videos/"); ok {
		if !strings.HasPrefix(id, "api-") || f == NoPayload {
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
		html(w, "Byse Frontend", `<div id="root"></div><script type="module" src="/assets/index-3f9a.js"></script>`)
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

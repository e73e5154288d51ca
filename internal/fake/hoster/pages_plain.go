package hoster

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// vidoza serves /embed-<id>.html with a JW-player sourcesCode block; the
// "source-" variant uses an older <source src> tag.
func (h *Hoster) vidoza(w http.ResponseWriter, r *http.Request, f Failure) {
	id, ok := embedID(r.URL.Path)
	if !ok {
		http.NotFound(w, r)
		return
	}
	src := mp4URL(r, id)
	if f == BrokenPayload {
		src = "javascript:void(0)"
	}
	switch {
	case f == NoPayload:
		html(w, "Vidoza", `<div id="player"></div>`)
	case strings.HasPrefix(id, "source-"):
		html(w, "Vidoza", fmt.Sprintf(`<video id="player"><source src="%s" type="video/mp4"></video>`, src))
	default:
		html(w, "Vidoza", fmt.Sprintf(`<script>var player = new Clappr.Player({ poster: "%s/p.jpg", sourcesCode: [{ src: "%s", type: "video/mp4", label:"SD", res:"720"}] });</script>`, originOf(r), src))
	}
}

// embedID takes <id> from /embed-<id>.html.
func embedID(p string) (string, bool) {
	id, ok := strings.CutPrefix(p, "/embed-")
	if !ok {
		return "", false
	}
	id, ok = strings.CutSuffix(id, ".html")
	return id, ok && id != ""
}

// doodToken derives the fake's signing token for a video.
func doodToken(id string) string { return "t" + hex.EncodeToString([]byte(id)) }

// doodstream serves /e/<id> and /d/<id>, /pass_md5/<id>/<nonce> (demands
// the embed page as Referer) and /dood/<id>/<base+10 chars>?token&expiry
// (the signed MP4).
func (h *Hoster) doodstream(w http.ResponseWriter, r *http.Request, f Failure) {
	p := r.URL.Path
	if rest, ok := strings.CutPrefix(p, "/pass_md5/"); ok {
		id, _, _ := strings.Cut(rest, "/")
		ref := r.Referer()
		if !strings.HasPrefix(ref, originOf(r)+"/e/") && !strings.HasPrefix(ref, originOf(r)+"/d/") {
			http.Error(w, "forbidden: pass_md5 needs the embed page as referer", http.StatusForbidden)
			return
		}
		if f == BrokenPayload {
			return // empty body
		}
		fmt.Fprintf(w, "%s/dood/%s/v~", originOf(r), id)
		return
	}
	id := strings.TrimPrefix(strings.TrimPrefix(p, "/e/"), "/d/")
	if id == p || id == "" {
		http.NotFound(w, r)
		return
	}
	if f == NoPayload {
		html(w, "Doodstream", `<div id="video_player"></div><p>Video is processing.</p>`)
		return
	}
	if strings.HasPrefix(id, "captcha-") {
		html(w, "Doodstream", `<form method="post" action="/dl"><input type="hidden" name="op" value="validate">
<script>function onOk(t){ location.href = '?op=validate&gc_response=' + t; }</script><div class="captcha-box">Please verify</div></form>`)
		return
	}
	if strings.HasPrefix(id, "loose-") {
		// playmogo.com 2026: the path sits in a variable, no $.get call.
		html(w, "Doodstream", fmt.Sprintf(`<div id="video_player"></div><script>
  var u = '/pass_md5/%s/%d';
  fetch(u).then(function (r) { return r.text(); }).then(function (d) { play(d + rnd() + "?token=%s&expiry=" + Date.now()); });
</script>`, id, time.Now().UnixNano()%1e9, doodToken(id)))
		return
	}
	html(w, "Doodstream", fmt.Sprintf(`<div id="video_player"></div><script>
$.get('/pass_md5/%s/%d', function(data) { dsplayer.src({ src: data + makePlay(), type: 'video/mp4' }); });
function makePlay(){for(var a="",t="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",n=t.length,o=0;10>o;o++)a+=t.charAt(Math.floor(Math.random()*n));return a+"?token=%s&expiry="+Date.now();}
</script>`, id, time.Now().UnixNano()%1e9, doodToken(id)))
}

// signedMedia serves the token-signed MP4 links of Doodstream
// (/dood/<id>/v~<10 chars>?token&expiry) and Streamtape
// (/get_video?id&token).
func (h *Hoster) signedMedia(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var id string
	if rest, ok := strings.CutPrefix(r.URL.Path, "/dood/"); ok && h.name == Doodstream {
		var file string
		id, file, _ = strings.Cut(rest, "/")
		if !strings.HasPrefix(file, "v~") || len(file) != 12 || q.Get("expiry") == "" {
			id = ""
		}
	} else if r.URL.Path == "/get_video" && h.name == Streamtape {
		id = q.Get("id")
	}
	if id == "" || q.Get("token") != doodToken(id) {
		http.Error(w, "forbidden: bad signature", http.StatusForbidden)
		return
	}
	h.serveMedia(w, r, "mp4/"+id+"/video.mp4")
}

// vidmoly serves /embed-<id>.html, which answers 403 unless the Referer
// is VidmolyReferer, and /v/<id>, the link form the sites hand out, which
// is a page without the player (only the embed host serves /embed-).
func (h *Hoster) vidmoly(w http.ResponseWriter, r *http.Request, f Failure) {
	if strings.HasPrefix(r.URL.Path, "/v/") {
		html(w, "Vidmoly", `<div class="video-page"><a href="/">vidmoly</a><p>Open the player on the embed host.</p></div>`)
		return
	}
	id, ok := embedID(r.URL.Path)
	if !ok {
		http.NotFound(w, r)
		return
	}
	if !strings.HasPrefix(r.Referer(), VidmolyReferer) {
		http.Error(w, "forbidden: referer required", http.StatusForbidden)
		return
	}
	switch f {
	case NoPayload:
		html(w, "Vidmoly", `<div id="vplayer"></div>`)
	case BrokenPayload:
		html(w, "Vidmoly", `<script>player.setup({ sources: [{file:"/relative/only.m3u8"}] });</script>`)
	default:
		html(w, "Vidmoly", fmt.Sprintf(`<script>var player = jwplayer("vplayer"); player.setup({ sources: [{file:"%s"}], image: "%s/img.jpg", tracks: [{file:"%s/subs.vtt", kind:"captions"}] });</script>`, hlsURL(r, id), originOf(r), originOf(r)))
	}
}

// streamtape serves /e/<id> and /get_video?id&token (the MP4). The default
// page uses ('xcd…').substring(1).substring(2); the "plain-" variant the
// older ('xcd…') form.
func (h *Hoster) streamtape(w http.ResponseWriter, r *http.Request, f Failure) {
	id, ok := strings.CutPrefix(r.URL.Path, "/e/")
	if !ok || id == "" {
		http.NotFound(w, r)
		return
	}
	if f == NoPayload {
		html(w, "Streamtape", `<div id="robotlink">/streamtape.com/get_video?id=</div>`)
		return
	}
	a := fmt.Sprintf("//%s/get_video?id=%s&expires=%d&ip=F0&token=", r.Host, id, time.Now().Add(time.Hour).Unix())
	if f == BrokenPayload {
		a = "nonsense"
	}
	tail := fmt.Sprintf("('xcd%s').substring(1).substring(2)", doodToken(id))
	if strings.HasPrefix(id, "plain-") {
		tail = fmt.Sprintf("('xcd%s')", doodToken(id))
	}
	if strings.HasPrefix(id, "botlink-") {
		html(w, "Streamtape", fmt.Sprintf(`<div id="botlink" style="display:none"></div><script>
document.getElementById("botlink").innerHTML = "%s" + ( "abc%s" ).substring(3);
</script>`, a, doodToken(id)))
		return
	}
	html(w, "Streamtape", fmt.Sprintf(`<div id="robotlink" style="display:none">%s</div><script>document.getElementById('robotlink').innerHTML = '%s'+ %s;</script>`, a, a, tail))
}

// loadx serves /vid/<id> (302 to /video/<hash>/<id>.mp4; the "nohead-"
// variant refuses HEAD with 405), that page, and
// POST /player/index.php?data=<hash>&do=getVideo (needs
// X-Requested-With). The hash is the hex of the id.
func (h *Hoster) loadx(w http.ResponseWriter, r *http.Request, f Failure) {
	p := r.URL.Path
	switch {
	case strings.HasPrefix(p, "/vid/"):
		id := strings.TrimPrefix(p, "/vid/")
		if strings.HasPrefix(id, "nohead-") && r.Method == http.MethodHead {
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		http.Redirect(w, r, "/video/"+hex.EncodeToString([]byte(id))+"/"+id+".mp4", http.StatusFound)
	case strings.HasPrefix(p, "/video/"):
		v := randHex(8)
		h.mu.Lock()
		h.cookieValue = v
		h.mu.Unlock()
		http.SetCookie(w, &http.Cookie{Name: loadxCookie, Value: v, Path: "/", HttpOnly: true})
		html(w, "LoadX", `<div id="player"></div>`)
	case p == "/player/index.php":
		q := r.URL.Query()
		raw, err := hex.DecodeString(q.Get("data"))
		if r.Method != http.MethodPost || q.Get("do") != "getVideo" || err != nil || len(raw) == 0 {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		if r.Header.Get("X-Requested-With") != "XMLHttpRequest" {
			http.Error(w, "forbidden: not xhr", http.StatusForbidden)
			return
		}
		if !h.hasCookie(r) {
			http.Error(w, "forbidden: player cookie missing", http.StatusForbidden)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		switch f {
		case NoPayload:
			fmt.Fprint(w, `{"hls":true}`)
		case BrokenPayload:
			fmt.Fprint(w, `<html>`)
		default:
			_ = json.NewEncoder(w).Encode(map[string]any{"hls": true, "videoImage": "", "videoSource": hlsURL(r, string(raw))})
		}
	default:
		http.NotFound(w, r)
	}
}

// luluvdo serves /e/<id> and /dl?op=embed&file_code=<id>…, which needs its
// own Origin and Referer.
func (h *Hoster) luluvdo(w http.ResponseWriter, r *http.Request, f Failure) {
	q := r.URL.Query()
	var id string
	switch {
	case r.URL.Path == "/dl" && q.Get("op") == "embed":
		if r.Header.Get("Origin") != originOf(r) || !strings.HasPrefix(r.Referer(), originOf(r)) {
			http.Error(w, "forbidden: origin/referer required", http.StatusForbidden)
			return
		}
		id = q.Get("file_code")
	case strings.HasPrefix(r.URL.Path, "/e/"):
		id = strings.TrimPrefix(r.URL.Path, "/e/")
	}
	if id == "" {
		http.NotFound(w, r)
		return
	}
	if strings.HasPrefix(id, "dl-") && r.URL.Path != "/dl" {
		// The older form: the player comes from /dl?op=embed.
		html(w, "Luluvdo", `<div id="vplayer"></div><iframe src="/dl?op=embed"></iframe>`)
		return
	}
	switch f {
	case NoPayload:
		html(w, "Luluvdo", `<div id="vplayer"></div>`)
	case BrokenPayload:
		html(w, "Luluvdo", `<script>player.setup({sources:[{file:"mailto:x"}]});</script>`)
	default:
		html(w, "Luluvdo", fmt.Sprintf(`<script>jwplayer("vplayer").setup({
  sources: [{ file: "%s" }], image: "%s/t.jpg"});</script>`, hlsURL(r, id), originOf(r)))
	}
}

// vidara serves /e/<id> and POST /api/stream {filecode, device:"web"}.
func (h *Hoster) vidara(w http.ResponseWriter, r *http.Request, f Failure) {
	switch {
	case r.URL.Path == "/api/stream" && r.Method == http.MethodPost:
		var req struct {
			Filecode string `json:"filecode"`
			Device   string `json:"device"`
		}
		var buf bytes.Buffer
		_, _ = buf.ReadFrom(http.MaxBytesReader(w, r.Body, 1<<16))
		if json.Unmarshal(buf.Bytes(), &req) != nil || req.Filecode == "" || req.Device != "web" {
			http.Error(w, `{"error":"bad request"}`, http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		switch f {
		case NoPayload:
			fmt.Fprint(w, `{"status":"ok"}`)
		case BrokenPayload:
			fmt.Fprint(w, `{"streaming_url":`)
		default:
			_ = json.NewEncoder(w).Encode(map[string]string{"streaming_url": hlsURL(r, req.Filecode)})
		}
	case strings.HasPrefix(r.URL.Path, "/e/"):
		html(w, "Vidara", `<div id="app"></div>`)
	default:
		http.NotFound(w, r)
	}
}

package jsplayer

import (
	"fmt"
	"html"
	"net/http"
	"strconv"
)

const head = `<!doctype html><html lang="de"><head><meta charset="utf-8"><title>Player</title>
<style>body{margin:0;background:#111;color:#eee;font:14px sans-serif}
#player{position:relative;width:640px;height:360px;margin:20px}
video{width:640px;height:360px;background:#000}
.play-overlay{position:absolute;inset:0;background:#222 center/64px no-repeat;cursor:pointer}
#consent{position:fixed;inset:0;background:rgba(0,0,0,.7);z-index:10;display:flex;align-items:center;justify-content:center}
#consent .box{background:#fff;color:#000;padding:24px}</style></head><body>`

// idJS is a script expression that yields the page's id from its
// scrambled form.
func idJS(id string) string {
	return fmt.Sprintf(`atob(%s).split("").reverse().join("")`, strconv.Quote(scrambled(id)))
}

func (p *Player) embed(w http.ResponseWriter, r *http.Request, variant, id string) {
	var body string
	switch variant {
	case Pieces:
		body = `<div id="player">loading…</div><script>
window.addEventListener("load", () => {
  const id = ` + idJS(id) + `;
  const parts = ["hl", "s/", id, "/mas", "ter", ".m3", "u8"];
  fetch("/" + parts.join("")).then(r => r.text()).then(t => { document.getElementById("player").textContent = "playlist " + t.length; });
});</script>`
	case Click:
		body = `<div id="consent"><div class="box"><p>Wir verwenden Cookies.</p><button id="c-ok">Akzeptieren</button></div></div>
<div id="player"><video id="v" playsinline></video><div class="play-overlay" title="Abspielen"></div></div><script>
document.getElementById("c-ok").addEventListener("click", () => document.getElementById("consent").remove());
document.querySelector(".play-overlay").addEventListener("click", (e) => {
  if (!e.isTrusted) return; // a script's click does not count
  e.target.remove();
  const v = document.getElementById("v");
  v.muted = true;
  v.src = "/mp" + "4/" + ` + idJS(id) + ` + "/vid" + "eo.mp4";
  v.play().catch(() => {});
});</script>`
	case Iframe, IframeAuto:
		auto := ""
		if variant == IframeAuto {
			auto = "?auto=1"
		}
		body = fmt.Sprintf(`<h1>Episode</h1><iframe src="%s/player/%s%s" width="660" height="380" allow="autoplay; fullscreen" frameborder="0"></iframe>`,
			p.FramesURL, html.EscapeString(id), auto)
	case Bait:
		body = `<div id="player">loading…</div><script>
window.addEventListener("load", async () => {
  // A sample video and an ad pre-roll come first, as on real pages.
  await fetch("/bait/BigBuckBunny.mp4", {headers: {Range: "bytes=0-65535"}}).then(r => r.arrayBuffer());
  await fetch("/ads/preroll.mp4").then(r => r.arrayBuffer());
  const t = await fetch("/hls/" + ` + idJS(id) + ` + "/index.m3u8").then(r => r.text());
  document.getElementById("player").textContent = "playlist " + t.length;
});</script>`
	case Never:
		body = `<div id="player"><div class="play-overlay"></div></div><script>
window.addEventListener("load", () => { undefinedPlayerSetup(); });</script>`
	default:
		http.NotFound(w, r)
		return
	}
	p.remember(w, r, id)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	fmt.Fprint(w, head+body+"</body></html>")
}

// framePlayer is the iframe's player on Frames: MP4 after a click, or HLS
// at once (auto).
func (p *Player) framePlayer(w http.ResponseWriter, r *http.Request, id string, auto bool) {
	p.mu.Lock()
	if p.uas[id] == "" { // a player opened directly, not framed by an embed page
		p.uas[id] = r.UserAgent()
	}
	p.mu.Unlock()
	var body string
	if auto {
		body = `<div id="player">loading…</div><script>
fetch("/hls/" + ` + idJS(id) + ` + "/master.m3u8").then(r => r.text()).then(t => { document.getElementById("player").textContent = "playlist " + t.length; });
</script>`
	} else {
		body = `<div id="player"><video id="v" playsinline></video><div class="play-overlay" title="Play"></div></div><script>
document.querySelector(".play-overlay").addEventListener("click", (e) => {
  e.target.remove();
  const v = document.getElementById("v");
  v.muted = true;
  v.src = "/mp4/" + ` + idJS(id) + ` + "/video.mp4";
  v.play().catch(() => {});
});</script>`
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	fmt.Fprint(w, head+body+"</body></html>")
}

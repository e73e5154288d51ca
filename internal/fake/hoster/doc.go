// Package hoster fakes the video hosters aniworld extracts streams from,
// for tests. Import it under an alias (fakehoster) beside the real
// internal/provider/hoster.
//
// Each fake serves embed pages whose payload it encodes with the real
// scheme (VOE's ROT13/junk/base64/shift chain run backwards, Filemoon's
// AES-256-GCM playback, a Dean-Edwards packed player script, SpeedFiles'
// inverse steps, Doodstream's pass_md5 handshake, …), plus the media they
// point at: a tiny HLS (master.m3u8 → index.m3u8 → seg-N.ts) and an MP4,
// both with Range support. Media answers 403 unless the request carries
// the User-Agent that fetched the embed page and the hoster's Referer,
// Origin or Accept-Language, as the real CDNs do.
//
// Typical use:
//
//	media := fakehoster.TestMedia(64<<10, 3, 16<<10)
//	farm := fakehoster.Start(media)
//	t.Cleanup(farm.Close)
//	embed := farm.EmbedURL(fakehoster.VOE, "abc123")
//	farm.Hoster(fakehoster.Doodstream).SetFailure(fakehoster.EmbedForbidden)
//
// Compare downloads with sha256 of media.MP4 or media.HLSBytes().
//
// Every farm server has a twin "mirror" server (MirrorEmbedURL) that no
// host table knows, standing for VOE's random mirror domains; Host and
// Hosts give the "host:port" to map a server to its extractor.
//
// Embed paths: /embed-<id>.html for Vidoza and Vidmoly (Vidmoly's "v-<id>"
// gives the /v/<id> link form, a page without the player), /vid/<id> for
// LoadX, /e/<id> for the rest (Doodstream and Filemoon also /d/<id>).
// Page variants are chosen by an id prefix:
//
//	VOE:        "mirror-" (JS redirect to /e/<rest>), "fwd-" (redirect to
//	            /<rest>, no /e/), "array-" (["…"]), "a168c-" (var
//	            a168c='…'), "a168cb64-" (a168c as base64 of the reversed
//	            JSON), "mkgma-" (MKGMa="…"), "loader-" (junk tokens only in
//	            /js/loader.<hash>.js), "bait-" (a bait HLS beside the real
//	            MP4), "baitonly-", "legacyhls-", "legacymp4-", "mp4-",
//	            "fallback-"
//	Filemoon:   default: the 2026 Byse flow (details, challenge, attest
//	            checking the ECDSA signature, playback with decoy key parts;
//	            ByseKeys lists the attested keys); "edge-" (payload2 under
//	            decrypt_keys), "captcha-" (playback asks for the
//	            proof-of-work captcha), "direct-" (sources in the details),
//	            "api-" (only the old /api/videos),
//	            "packed-" (packed player script), "iframe-" (frames it)
//	Doodstream: "loose-" (pass_md5 path without $.get), "captcha-"
//	Vidoza:     "source-" (<source src> instead of sourcesCode)
//	Streamtape: "plain-" (('xcd…') without substring), "botlink-" (2026)
//	LoadX:      "nohead-" (the embed refuses HEAD); the embed sets the
//	            fireplayer_player cookie that getVideo and the media demand
//	Luluvdo:    default: sources: [{file:"…"}] on the link itself; "dl-"
//	            (the player only via /dl?op=embed)
//
// Every healthy page carries Cloudflare's JS-Detections script
// (/cdn-cgi/challenge-platform/scripts/jsd/main.js), which is not a
// challenge.
//
// Failures (Hoster.SetFailure) apply to pages and APIs (EmbedForbidden,
// EmbedNotFound, Challenge, Turnstile, NoPayload, BrokenPayload, Removed —
// each hoster answers "removed" in another 2026 form —, AttestRefused for
// Filemoon) or to media (MediaForbidden); they can be switched while
// serving, which is how the doctor's tests break one step. PageHits and
// MediaHits count requests.
package hoster

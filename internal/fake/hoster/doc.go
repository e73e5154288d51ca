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
// Embed paths: /embed-<id>.html for Vidoza and Vidmoly, /vid/<id> for
// LoadX, /e/<id> for the rest (Doodstream and Filemoon also /d/<id>).
// Page variants are chosen by an id prefix:
//
//	VOE:        "mirror-" (JS redirect to /e/<rest>), "array-" (["…"]),
//	            "a168c-" (var a168c='…'), "legacyhls-", "legacymp4-",
//	            "mp4-" (direct_access_url only), "fallback-" (fallback only)
//	Filemoon:   "packed-" (no API; packed player script), "iframe-" (no
//	            API; a page framing the packed one)
//	Vidoza:     "source-" (<source src> instead of sourcesCode)
//	Streamtape: "plain-" (('xcd…') without substring calls)
//	LoadX:      "nohead-" (the embed refuses HEAD with 405)
//
// Failures (Hoster.SetFailure) apply to pages and APIs (EmbedForbidden,
// EmbedNotFound, Challenge, NoPayload, BrokenPayload) or to media
// (MediaForbidden); they can be switched while serving. PageHits and
// MediaHits count requests.
package hoster

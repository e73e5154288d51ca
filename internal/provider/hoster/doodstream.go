package hoster

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/challenge"
)

var (
	// doodPassMD5 is the loose 2026 pattern: any quoted /pass_md5/ path,
	// not only the $.get('…') call (playmogo.com lost it, AW #292).
	doodPassMD5 = regexp.MustCompile(`['"](/pass_md5/[^'"<>\s]+)['"]`)
	doodToken   = regexp.MustCompile(`[?&]token=([a-zA-Z0-9]+)`)
)

const alnum = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

// Doodstream extracts the signed MP4 link of Doodstream and its rotating
// domains (dood.li, playmogo.com, vidply.com, ...).
type Doodstream struct {
	// UserAgent is sent and returned (the link is signed for it); empty
	// means the Doer's (see UserAgenter), else DefaultUserAgent.
	UserAgent string
	// Now returns the current time for the expiry parameter; nil means
	// time.Now.
	Now func() time.Time
}

// Name implements Extractor.
func (*Doodstream) Name() string { return "Doodstream" }

// Hosts implements HostMatcher with Doodstream's 2026 domains.
func (*Doodstream) Hosts() []string {
	return []string{"dood.li", "dood.la", "dood.wf", "dood.so", "doodstream.com", "playmogo.com", "dsvplay.com",
		"myvidplay.com", "do7go.com", "d000d.com", "vide0.net", "vidply.com"}
}

// Recognizes implements PageRecognizer: a page naming a /pass_md5/ path.
func (*Doodstream) Recognizes(page string) bool { return strings.Contains(page, "/pass_md5/") }

// Resolve implements Extractor.
func (x *Doodstream) Resolve(ctx context.Context, c Doer, embedURL string) (anime.Stream, error) {
	u, err := parseEmbed("doodstream", embedURL)
	if err != nil {
		return anime.Stream{}, err
	}
	ua := pickUA(x.UserAgent, c, u)
	if rest, ok := strings.CutPrefix(u.Path, "/d/"); ok && rest != "" {
		// /d/<code> is the download landing page; the player is /e/<code>.
		e := *u
		e.Path = "/e/" + rest
		u = &e
	}
	h := uaHeaders(ua)
	h.Set("Referer", origin(u)+"/")
	p, err := do(ctx, c, "doodstream", "embed page", request{url: u.String(), headers: h, embed: true})
	if err != nil {
		return anime.Stream{}, err
	}
	if strings.Contains(p.body, "op=validate&gc_response=") {
		return anime.Stream{}, fmt.Errorf("doodstream: embed page: %w", &ChallengeError{Host: p.final.Host, Kind: challenge.Captcha, Status: http.StatusOK})
	}
	m := doodPassMD5.FindStringSubmatch(p.body)
	if m == nil {
		return anime.Stream{}, fail("doodstream", "pass_md5 not found (pattern %s)", doodPassMD5)
	}
	t := doodToken.FindStringSubmatch(p.body)
	if t == nil {
		return anime.Stream{}, fail("doodstream", "token not found")
	}
	passURL, err := resolveRef(p.final, m[1])
	if err != nil {
		return anime.Stream{}, fail("doodstream", "bad pass_md5 url: %v", err)
	}
	ph := uaHeaders(ua)
	ph.Set("Referer", p.final.String())
	base, err := do(ctx, c, "doodstream", "pass_md5", request{url: passURL, headers: ph})
	if err != nil {
		return anime.Stream{}, err
	}
	baseURL := strings.TrimSpace(base.body)
	if !isHTTPURL(baseURL) || baseURL == "" {
		return anime.Stream{}, fail("doodstream", "pass_md5 returned no url")
	}
	now := time.Now
	if x.Now != nil {
		now = x.Now
	}
	suffix := make([]byte, 10)
	for i := range suffix {
		suffix[i] = alnum[rand.IntN(len(alnum))]
	}
	final := baseURL + string(suffix) + "?token=" + url.QueryEscape(t[1]) + "&expiry=" + strconv.FormatInt(now().Unix(), 10)
	abs, err := resolveRef(base.final, final)
	if err != nil {
		return anime.Stream{}, fail("doodstream", "bad media url: %v", err)
	}
	// Doodstream wants its own site as Referer (https://dood.li/); the embed's own origin
	// stands in for it because the domain rotates.
	dh := uaHeaders(ua)
	dh.Set("Referer", origin(p.final)+"/")
	return anime.Stream{URL: abs, Kind: anime.StreamMP4, Headers: dh, Hoster: "Doodstream"}, nil
}

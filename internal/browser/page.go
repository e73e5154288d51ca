package browser

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// acceptLanguage gives the HTTP client's Accept-Language
// ("de-DE,de;q=0.9,en-US;q=0.8,en;q=0.7"): Chromium adds the q values.
const acceptLanguage = "de-DE,de,en-US,en"

// setUserAgent makes the tab send ua (and matching client hints, so no
// "HeadlessChrome" brand leaks through Sec-CH-UA).
func setUserAgent(ua string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		if ua == "" {
			return nil
		}
		_, err := cdp.Call(ctx, t, emulation.SetUserAgentOverride, emulation.SetUserAgentOverrideParams{
			UserAgent: ua, AcceptLanguage: acceptLanguage, Platform: navigatorPlatform(ua), UserAgentMetadata: uaMetadata(ua),
		})
		return err
	})
}

var chromeVersion = regexp.MustCompile(`Chrome/((\d+)[\d.]*)`)

// uaMetadata derives client hints from a Chrome User-Agent (nil for other
// browsers: then no hints are sent, as Firefox sends none).
func uaMetadata(ua string) *emulation.UserAgentMetadata {
	m := chromeVersion.FindStringSubmatch(ua)
	if m == nil {
		return nil
	}
	full, major := m[1], m[2]
	md := &emulation.UserAgentMetadata{
		Brands: []*emulation.UserAgentBrandVersion{
			{Brand: "Chromium", Version: major}, {Brand: "Google Chrome", Version: major}, {Brand: "Not_A Brand", Version: "99"},
		},
		FullVersionList: []*emulation.UserAgentBrandVersion{
			{Brand: "Chromium", Version: full}, {Brand: "Google Chrome", Version: full}, {Brand: "Not_A Brand", Version: "99.0.0.0"},
		},
		Architecture: "x86", Bitness: "64",
	}
	switch {
	case strings.Contains(ua, "Android"):
		md.Platform, md.Mobile, md.Architecture, md.Bitness = "Android", true, "", ""
	case strings.Contains(ua, "Windows"):
		md.Platform, md.PlatformVersion = "Windows", "10.0.0"
	case strings.Contains(ua, "Macintosh"):
		md.Platform, md.PlatformVersion = "macOS", "14.0.0"
	default:
		md.Platform = "Linux"
	}
	return md
}

// navigatorPlatform is navigator.platform for a User-Agent.
func navigatorPlatform(ua string) string {
	switch {
	case strings.Contains(ua, "Android"):
		return "Linux armv8l"
	case strings.Contains(ua, "Windows"):
		return "Win32"
	case strings.Contains(ua, "Macintosh"):
		return "MacIntel"
	}
	return "Linux x86_64"
}

// navigate starts loading u in the top frame with referer. It returns once
// the navigation is committed (or failed), not at the load event: a
// challenge page may never finish loading.
func navigate(u, referer string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		res, err := cdp.Call(ctx, t, page.Navigate, page.NavigateParams{URL: u, Referrer: referer})
		if err != nil {
			return err
		}
		if res.ErrorText != "" {
			return fmt.Errorf("navigate to %s: %s", u, res.ErrorText)
		}
		return nil
	})
}

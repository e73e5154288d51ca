package aniworld

import (
	"strings"
	"testing"
)

// TestSeriesCoverVariants: the cover is read by structure (the img in
// div.seriesCoverBox, data-src before src, lazy placeholders skipped),
// whatever the markup around it looks like.
func TestSeriesCoverVariants(t *testing.T) {
	e := newEnv(t, envOpts{})
	base := e.srv.URL
	page := func(cover string) []byte {
		return []byte(`<html><body><div class="series-title"><h1><span>Demo</span></h1></div>` + cover +
			`<div id="stream" class="hosterSiteDirectNav"><ul><li>Staffeln:</li><li><a href="/anime/stream/demo/staffel-1">1</a></li></ul></div></body></html>`)
	}
	tests := []struct {
		name, markup, want string
	}{
		{"data-src first", `<div class="seriesCoverBox"><img src="/public/img/lazy.svg" data-src="/public/img/cover/demo_220x330.jpg" alt="Demo"></div>`,
			base + "/public/img/cover/demo_220x330.jpg"},
		{"attribute order, other classes, whitespace", "<div\n class=\"col seriesCoverBox  shadow\"\n><a href=\"#\"><img\n alt=\"x\"  data-src=' /public/img/cover/demo_220x330.jpg '\n class='lazy'></a></div>",
			base + "/public/img/cover/demo_220x330.jpg"},
		{"src only", `<div class="seriesCoverBox"><picture><img src="/public/img/cover/demo_220x330.jpg"></picture></div>`,
			base + "/public/img/cover/demo_220x330.jpg"},
		{"absolute URL kept", `<div class="seriesCoverBox"><img data-src="https://cdn.example/cover.jpg"></div>`,
			"https://cdn.example/cover.jpg"},
		{"only a lazy placeholder", `<div class="seriesCoverBox"><img src="/public/img/lazy-placeholder.gif"></div>`, ""},
		{"no cover box", `<div class="cover"><img src="/public/img/cover/demo_220x330.jpg"></div>`, ""},
		{"an img elsewhere comes second", `<img src="/public/img/logo.png"><div class="seriesCoverBox"><img data-src="/c.jpg"></div>`, base + "/c.jpg"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := e.client.parseSeriesPage(page(tt.markup), "demo")
			if err != nil {
				t.Fatal(err)
			}
			if strings.TrimSpace(d.Cover) != tt.want {
				t.Fatalf("cover %q, want %q", d.Cover, tt.want)
			}
		})
	}
}

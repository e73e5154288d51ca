package covers

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	_ "image/gif" // decodes GIF covers for DecodeConfig
	"image/jpeg"
	_ "image/png" // decodes PNG posters for thumbnails
	"net/http"

	"github.com/aniworld/aniworld/internal/anime"
)

// imageTypes are the content types served as covers, by sniffing the
// bytes (never trusting the sender's Content-Type): no SVG, no HTML.
var imageTypes = map[string]bool{"image/jpeg": true, "image/png": true, "image/gif": true, "image/webp": true}

// sniff answers data's image content type, or an error when it is not one
// of imageTypes.
func sniff(data []byte) (string, error) {
	ct := http.DetectContentType(data)
	if !imageTypes[ct] {
		return "", fmt.Errorf("%w: not an image (%s)", anime.ErrInvalid, ct)
	}
	return ct, nil
}

// Thumbnail limits: wider images are scaled down to ThumbWidth (the grid
// shows covers ~200 px wide, 2x for dense screens); pictures above
// maxPixels are not decoded at all (a decompression bomb).
const (
	ThumbWidth = 400
	maxPixels  = 16_000_000
)

// thumbnail answers a JPEG scaled to ThumbWidth when data is a JPEG or PNG
// wider than that, else data unchanged (also when it cannot be decoded).
// Site covers (220×330) pass through; TMDB originals (2000×3000, a few
// MB) shrink to ~40 KB.
func thumbnail(data []byte) []byte {
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || (format != "jpeg" && format != "png") || cfg.Width <= ThumbWidth ||
		cfg.Height <= 0 || int64(cfg.Width)*int64(cfg.Height) > maxPixels {
		return data
	}
	src, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return data
	}
	h := max(1, cfg.Height*ThumbWidth/cfg.Width)
	dst := scaleDown(src, ThumbWidth, h)
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, dst, &jpeg.Options{Quality: 82}); err != nil || buf.Len() >= len(data) {
		return data
	}
	return buf.Bytes()
}

// scaleDown averages the source pixels under each destination pixel (a
// box filter: good enough for shrinking, stdlib only).
func scaleDown(src image.Image, w, h int) *image.RGBA {
	b := src.Bounds()
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	sw, sh := b.Dx(), b.Dy()
	for y := range h {
		y0, y1 := b.Min.Y+y*sh/h, b.Min.Y+max((y+1)*sh/h, y*sh/h+1)
		for x := range w {
			x0, x1 := b.Min.X+x*sw/w, b.Min.X+max((x+1)*sw/w, x*sw/w+1)
			var r, g, bl, a, n uint64
			for sy := y0; sy < y1; sy++ {
				for sx := x0; sx < x1; sx++ {
					cr, cg, cb, ca := src.At(sx, sy).RGBA()
					r, g, bl, a, n = r+uint64(cr), g+uint64(cg), bl+uint64(cb), a+uint64(ca), n+1
				}
			}
			dst.SetRGBA(x, y, color.RGBA{uint8(r / n >> 8), uint8(g / n >> 8), uint8(bl / n >> 8), uint8(a / n >> 8)})
		}
	}
	return dst
}

// Placeholder is served where a series has no cover (yet): a neutral
// poster-shaped SVG, so an <img> never turns into a failed request.
var Placeholder = Image{
	Data: []byte(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 2 3" width="220" height="330">` +
		`<rect width="2" height="3" fill="#8884"/></svg>`),
	ContentType: "image/svg+xml",
	ETag:        `"placeholder-1"`,
}

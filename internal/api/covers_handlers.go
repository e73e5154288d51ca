package api

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/aniworld/aniworld/internal/covers"
)

// Covers is what the cover routes need (covers.Service).
type Covers interface {
	ValidSeries(key, sig string) bool
	ValidRemote(raw, sig string) bool
	Series(ctx context.Context, key string) (covers.Image, error)
	Remote(ctx context.Context, raw string) (covers.Image, error)
}

type coverSeriesInput struct {
	Key         string `path:"key" maxLength:"500" doc:"Series key"`
	Sig         string `query:"sig" maxLength:"100" doc:"Signature from the series' cover_url"`
	IfNoneMatch string `header:"If-None-Match" maxLength:"200"`
}

type coverRemoteInput struct {
	U           string `query:"u" maxLength:"2048" doc:"Image URL a site sent"`
	Sig         string `query:"sig" maxLength:"100" doc:"Signature from the cover_url"`
	IfNoneMatch string `header:"If-None-Match" maxLength:"200"`
}

type coverOutput struct {
	Status       int
	ContentType  string `header:"Content-Type"`
	CacheControl string `header:"Cache-Control"`
	ETag         string `header:"ETag"`
	Body         []byte
}

// Cache lifetimes: a real cover an hour (then a cheap 304), the
// placeholder five minutes (a cover may arrive soon), not at all while
// the cover is still being fetched.
const (
	coverCacheControl       = "private, max-age=3600"
	placeholderCacheControl = "private, max-age=300"
)

const (
	docCoverSeries = "The address is the `cover_url` of `GET /api/anime` items and `GET /api/anime/{anime_id}` (signed; no bearer token, " +
		"because an <img> cannot send one). The folder's poster.jpg when present, else the site's cover fetched once; cached with a size cap. " +
		"ETag and Cache-Control; an SVG placeholder while there is no cover."
	docCoverRemote = "Signed addresses only (`cover_url` of search results): the server fetches only images the sites named, from their hosts."
)

var coverResponses = map[string]*huma.Response{
	"200": {Description: "The image (JPEG, PNG, GIF or WebP; an SVG placeholder when there is no cover)",
		Content: map[string]*huma.MediaType{"image/*": {}}},
	"304": {Description: "Not modified (If-None-Match)"},
}

// addCoverSignatureScheme documents the credential of the cover routes:
// the signature in the URL.
func addCoverSignatureScheme(api huma.API) {
	if oa := api.OpenAPI(); oa.Components != nil {
		if oa.Components.SecuritySchemes == nil {
			oa.Components.SecuritySchemes = map[string]*huma.SecurityScheme{}
		}
		oa.Components.SecuritySchemes["coverSignature"] = &huma.SecurityScheme{Type: "apiKey", In: "query", Name: "sig",
			Description: "The signature in a cover_url the API answered (HMAC of the address with the server's covers.key)"}
	}
}

// coverHandlers serve the signed cover routes; they check the signature
// themselves (OwnAuth).
type coverHandlers struct{ c Covers }

func (h coverHandlers) series(ctx context.Context, in *coverSeriesInput) (*coverOutput, error) {
	if !h.c.ValidSeries(in.Key, in.Sig) {
		return nil, badSignature()
	}
	img, err := h.c.Series(ctx, in.Key)
	return coverReply(img, err, in.IfNoneMatch)
}

func (h coverHandlers) remote(ctx context.Context, in *coverRemoteInput) (*coverOutput, error) {
	if !h.c.ValidRemote(in.U, in.Sig) {
		return nil, badSignature()
	}
	img, err := h.c.Remote(ctx, in.U)
	return coverReply(img, err, in.IfNoneMatch)
}

func badSignature() error {
	return NewError(http.StatusUnauthorized, CodeAuthentication, "The cover address is not signed by this server (use a cover_url from the API)", nil)
}

// coverReply answers an image, the placeholder when there is none, or 304
// when the client's copy is current.
func coverReply(img covers.Image, err error, ifNoneMatch string) (*coverOutput, error) {
	cc := coverCacheControl
	switch {
	case errors.Is(err, covers.ErrPending): // the cover may be there on the next load
		img, cc, err = covers.Placeholder, "no-store", nil
	case errors.Is(err, covers.ErrNoCover):
		img, cc, err = covers.Placeholder, placeholderCacheControl, nil
	}
	if err != nil {
		return nil, err
	}
	out := &coverOutput{Status: http.StatusOK, ContentType: img.ContentType, CacheControl: cc, ETag: img.ETag}
	if etagMatches(ifNoneMatch, img.ETag) {
		out.Status, out.ContentType = http.StatusNotModified, ""
		return out, nil
	}
	out.Body = img.Data
	return out, nil
}

// etagMatches implements If-None-Match's weak comparison for one ETag.
func etagMatches(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || t == etag {
			return true
		}
	}
	return false
}

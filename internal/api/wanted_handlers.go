package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/queue"
	"github.com/aniworld/aniworld/internal/wanted"
)

// Wanted is what the wanted routes need: the missing episodes across the
// library, and queueing them.
type Wanted interface {
	List(ctx context.Context, q wanted.Query) ([]wanted.MissingEpisode, int, error)
	Download(ctx context.Context, req wanted.DownloadRequest) (wanted.QueueResult, error)
}

type wantedListInput struct {
	Site     string `query:"site" maxLength:"100" doc:"Only series of this site (aniworld.to, s.to)"`
	Language string `query:"language" maxLength:"40" doc:"Only episodes the site is known to offer in this language (German Dub, German Sub, English Sub, English Dub, or the site's key 1-4)"`
	Page     int    `query:"page" minimum:"1" default:"1" doc:"Page number (1-based)"`
	PerPage  int    `query:"per_page" minimum:"1" maximum:"1000" default:"50" doc:"Episodes per page (max 1000)"`
}

type wantedListOutput struct {
	TotalCount int    `header:"X-Total-Count"`
	Link       string `header:"Link"`
	Body       []wanted.MissingEpisode
}

// WantedRef names one missing episode to download.
type WantedRef struct {
	SerieID string `json:"serie_id" minLength:"1" maxLength:"200" doc:"Series key"`
	Season  int    `json:"season" minimum:"0" maximum:"200"`
	Episode int    `json:"episode" minimum:"1" maximum:"9999"`
}

type wantedDownloadInput struct {
	Body struct {
		Items    []WantedRef     `json:"items,omitempty" maxItems:"10000" doc:"The episodes to queue (download selected)"`
		All      bool            `json:"all,omitempty" doc:"Queue every missing episode matching site and language (download all); at most 10,000 per request"`
		Site     string          `json:"site,omitempty" maxLength:"100" doc:"With all: only this site"`
		Language string          `json:"language,omitempty" maxLength:"40" doc:"With all: only episodes offered in this language"`
		Priority json.RawMessage `json:"priority,omitempty" doc:"\"LOW\"|\"NORMAL\"|\"HIGH\", or an integer (as in POST /api/queue/add)"`
	}
}

// WantedDownloadBody answers POST /api/wanted/download.
type WantedDownloadBody struct {
	QueueMessage
	wanted.QueueResult
}

// Descriptions of the wanted operations (routes.go).
const (
	docWantedList = "By series name, season and episode; a bare list with X-Total-Count and an RFC 8288 Link header. " +
		"language keeps the episodes the site is known to offer in it (known from monitor refreshes; episodes no refresh has listed are left out by that filter)."
	docWantedDownload = "items (download selected) or all: true with the list's filters (download all, at most 10,000 per request; " +
		"remaining tells how many are left). Queued through POST /api/queue/add's rules, one add per series: episodes already queued are skipped."
)

type wantedHandlers struct{ w Wanted }

// wantedLanguage parses an optional language filter (422 when unknown).
func wantedLanguage(field, v string) (anime.Language, error) {
	if strings.TrimSpace(v) == "" {
		return anime.LangUnknown, nil
	}
	l, err := anime.ParseLanguage(v)
	if err != nil {
		return 0, validation(field, field+": "+err.Error())
	}
	return l, nil
}

func (h wantedHandlers) list(ctx context.Context, in *wantedListInput) (*wantedListOutput, error) {
	lang, err := wantedLanguage("language", in.Language)
	if err != nil {
		return nil, err
	}
	f := wanted.Filter{Site: strings.TrimSpace(in.Site), Language: lang}
	items, total, err := h.w.List(ctx, wanted.Query{Filter: f, Page: in.Page, PerPage: in.PerPage})
	if err != nil {
		return nil, err
	}
	if items == nil {
		items = []wanted.MissingEpisode{}
	}
	keep := url.Values{}
	if f.Site != "" {
		keep.Set("site", f.Site)
	}
	if lang != anime.LangUnknown {
		keep.Set("language", lang.String())
	}
	return &wantedListOutput{TotalCount: total, Link: linkHeader("/api/wanted", keep, in.Page, in.PerPage, total), Body: items}, nil
}

func (h wantedHandlers) download(ctx context.Context, in *wantedDownloadInput) (*struct{ Body WantedDownloadBody }, error) {
	b := in.Body
	if b.All == (len(b.Items) > 0) {
		return nil, validation("items", "send either items (download selected) or all: true (download all)")
	}
	lang, err := wantedLanguage("language", b.Language)
	if err != nil {
		return nil, err
	}
	prio, err := queue.DecodePriority(b.Priority)
	if err != nil {
		return nil, validation("priority", "priority: "+err.Error())
	}
	req := wanted.DownloadRequest{All: b.All, Filter: wanted.Filter{Site: strings.TrimSpace(b.Site), Language: lang}, Priority: prio}
	for _, it := range b.Items {
		req.Items = append(req.Items, wanted.Ref{SerieID: strings.TrimSpace(it.SerieID), Season: it.Season, Episode: it.Episode})
	}
	res, err := h.w.Download(ctx, req)
	if err != nil {
		return nil, err
	}
	msg := fmt.Sprintf("Queued %d episode(s) of %d series", res.Queued, res.Series)
	if res.Skipped > 0 {
		msg += fmt.Sprintf("; %d skipped (already queued or no longer in the library)", res.Skipped)
	}
	if res.Remaining > 0 {
		msg += fmt.Sprintf("; %d more remain, send the request again", res.Remaining)
	}
	return &struct{ Body WantedDownloadBody }{WantedDownloadBody{
		QueueMessage: QueueMessage{Status: "success", Success: true, Message: msg}, QueueResult: res}}, nil
}

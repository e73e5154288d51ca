package api

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/history"
)

// History is what the history routes need from the download history.
type History interface {
	List(ctx context.Context, q history.Query) ([]history.HistoryEntry, int, error)
	Get(ctx context.Context, id int64) (history.HistoryEntry, error)
	Clear(ctx context.Context) (int, error)
}

type historyListInput struct {
	Status  string `query:"status" enum:"completed,failed," doc:"Only completed or only failed downloads"`
	Site    string `query:"site" maxLength:"100" doc:"Only series of this site (aniworld.to, s.to)"`
	Series  string `query:"series" maxLength:"200" doc:"Only this series (key)"`
	Q       string `query:"q" maxLength:"200" doc:"Text in the series name, key or episode title"`
	Page    int    `query:"page" minimum:"1" default:"1" doc:"Page number (1-based)"`
	PerPage int    `query:"per_page" minimum:"1" maximum:"1000" default:"50" doc:"Entries per page (max 1000)"`
}

type historyListOutput struct {
	TotalCount int    `header:"X-Total-Count"`
	Link       string `header:"Link"`
	Body       []history.HistoryEntry
}

type historyIDInput struct {
	ID int64 `path:"id" minimum:"1" doc:"History entry id"`
}

// HistoryClearBody answers DELETE /api/history.
type HistoryClearBody struct {
	QueueMessage
	Count int `json:"count"`
}

// Descriptions of the history operations (routes.go).
const (
	docHistoryList = "A bare list with X-Total-Count and an RFC 8288 Link header (like GET /api/anime). " +
		"Filters combine: status, site, series (key), q (text in the series name, key or episode title). " +
		"attempts is included for failed downloads only; GET /api/history/{id} always has it. " +
		"Entries are kept across queue clears and restarts until the retention policy (history.*) prunes them."
	docHistoryClear = "Deletes the history only; the queue and the files are untouched."
)

type historyHandlers struct{ h History }

func (h historyHandlers) list(ctx context.Context, in *historyListInput) (*historyListOutput, error) {
	q := history.Query{Status: anime.Status(in.Status), Site: strings.TrimSpace(in.Site),
		SerieID: strings.TrimSpace(in.Series), Text: strings.TrimSpace(in.Q), Page: in.Page, PerPage: in.PerPage}
	items, total, err := h.h.List(ctx, q)
	if err != nil {
		return nil, err
	}
	if items == nil {
		items = []history.HistoryEntry{}
	}
	keep := url.Values{}
	for k, v := range map[string]string{"status": in.Status, "site": q.Site, "series": q.SerieID, "q": q.Text} {
		if v != "" {
			keep.Set(k, v)
		}
	}
	return &historyListOutput{TotalCount: total, Link: linkHeader("/api/history", keep, in.Page, in.PerPage, total), Body: items}, nil
}

func (h historyHandlers) get(ctx context.Context, in *historyIDInput) (*struct{ Body history.HistoryEntry }, error) {
	e, err := h.h.Get(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	return &struct{ Body history.HistoryEntry }{e}, nil
}

func (h historyHandlers) clear(ctx context.Context, _ *struct{}) (*struct{ Body HistoryClearBody }, error) {
	n, err := h.h.Clear(ctx)
	if err != nil {
		return nil, err
	}
	return &struct{ Body HistoryClearBody }{HistoryClearBody{
		QueueMessage: QueueMessage{Status: "success", Success: true, Message: fmt.Sprintf("Cleared %d history entries", n)}, Count: n}}, nil
}

// linkHeader builds an RFC 8288 Link header (first, prev, next, last) for
// a paged list at path, keeping the filters in keep.
func linkHeader(path string, keep url.Values, page, perPage, total int) string {
	per := max(perPage, 1)
	last := max((total+per-1)/per, 1)
	link := func(p int, rel string) string {
		q := url.Values{}
		for k, v := range keep {
			q[k] = v
		}
		q.Set("page", strconv.Itoa(p))
		q.Set("per_page", strconv.Itoa(per))
		return fmt.Sprintf(`<%s?%s>; rel="%s"`, path, q.Encode(), rel)
	}
	parts := []string{link(1, "first")}
	if page > 1 {
		parts = append(parts, link(min(page-1, last), "prev"))
	}
	if page < last {
		parts = append(parts, link(page+1, "next"))
	}
	return strings.Join(append(parts, link(last, "last")), ", ")
}

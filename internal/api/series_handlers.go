package api

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/queue"
	"github.com/aniworld/aniworld/internal/seriesview"
)

// SeriesPage is what the series page's routes need.
type SeriesPage interface {
	View(ctx context.Context, key string) (seriesview.View, error)
	Refresh(ctx context.Context, key string) (seriesview.View, error)
	Download(ctx context.Context, r seriesview.DownloadRequest) (added []string, failed []queue.FailedItem, err error)
	Remove(ctx context.Context, key string, deleteFiles bool) error
}

type seriesKeyInput struct {
	AnimeID string `path:"anime_id" maxLength:"200" doc:"Series key"`
}

type seriesViewOutput struct{ Body seriesview.View }

type seriesRemoveInput struct {
	AnimeID     string `path:"anime_id" maxLength:"200" doc:"Series key"`
	DeleteFiles bool   `query:"delete_files" default:"false" doc:"Also delete the series folder with every file in it (default: keep them)"`
}

// SeriesRemovedBody answers DELETE /api/anime/{anime_id}.
type SeriesRemovedBody struct {
	Success      bool   `json:"success"`
	Message      string `json:"message"`
	Key          string `json:"key"`
	FilesDeleted bool   `json:"files_deleted"`
}

type seriesRemoveOutput struct{ Body SeriesRemovedBody }

type seriesDownloadInput struct {
	AnimeID string `path:"anime_id" maxLength:"200" doc:"Series key"`
	Body    struct {
		Episodes []json.RawMessage `json:"episodes" minItems:"1" maxItems:"5000" doc:"{season, episode} objects or \"S01E02\" / \"1-2\" strings"`
		Language string            `json:"language,omitempty" doc:"Fetch only this language (\"German Dub\", \"German Sub\", \"English Sub\", \"English Dub\" or the site key 1-4); empty: the configured order"`
		Priority json.RawMessage   `json:"priority,omitempty" doc:"\"LOW\"|\"NORMAL\"|\"HIGH\" (default NORMAL)"`
	}
}

// Descriptions of the series page's operations (routes.go).
const (
	docAnimeEpisodes = "Beyond the seeds: the site's details (description, genres, FSK, years, cover) and every episode " +
		"the site lists with German and English titles and offered languages, joined with its state here: " +
		"on_disk (files), queued, downloading (item id and live progress), failed (reason and attempt log) or missing. " +
		"When the site cannot be reached, provider_error says why and the episodes come from the library alone."
	docAnimeSeriesRescan = "Reads the series' site pages afresh (bypassing the 6 h page cache), rescans its folder and answers the episode view."
	docAnimeDownload     = "Like POST /api/queue/add for one series; with `language`, the resolver tries only that language for these episodes."
	docAnimeRemove       = "Removes the library entry, its queue items that are not completed and its monitoring. The folder and " +
		"its files are kept unless `delete_files=true`; a kept folder's marker is flagged so later scans list it as " +
		"unmatched instead of adding it back (adding the series again restores it)."
)

// seriesHandlers serve the series page's operations.
type seriesHandlers struct{ svc SeriesPage }

func (h seriesHandlers) episodes(ctx context.Context, in *seriesKeyInput) (*seriesViewOutput, error) {
	v, err := h.svc.View(ctx, in.AnimeID)
	if err != nil {
		return nil, err
	}
	return &seriesViewOutput{v}, nil
}

func (h seriesHandlers) rescan(ctx context.Context, in *seriesKeyInput) (*seriesViewOutput, error) {
	v, err := h.svc.Refresh(ctx, in.AnimeID)
	if err != nil {
		return nil, providerError(err)
	}
	return &seriesViewOutput{v}, nil
}

func (h seriesHandlers) remove(ctx context.Context, in *seriesRemoveInput) (*seriesRemoveOutput, error) {
	if err := h.svc.Remove(ctx, in.AnimeID, in.DeleteFiles); err != nil {
		return nil, err
	}
	msg := "Removed from the library; the files were kept"
	if in.DeleteFiles {
		msg = "Removed from the library and deleted its folder"
	}
	return &seriesRemoveOutput{SeriesRemovedBody{Success: true, Message: msg, Key: in.AnimeID, FilesDeleted: in.DeleteFiles}}, nil
}

func (h seriesHandlers) download(ctx context.Context, in *seriesDownloadInput) (*queueAddOutput, error) {
	r := seriesview.DownloadRequest{Key: in.AnimeID}
	for i, raw := range in.Body.Episodes {
		ep, err := queue.DecodeEpisode(raw)
		if err != nil {
			field := fmt.Sprintf("episodes[%d]", i)
			return nil, validation(field, fmt.Sprintf("%s: %v", field, err))
		}
		r.Episodes = append(r.Episodes, ep)
	}
	if l := strings.TrimSpace(in.Body.Language); l != "" {
		lang, err := anime.ParseLanguage(l)
		if err != nil {
			return nil, validation("language", "language: "+err.Error())
		}
		r.Language = lang
	}
	pr, err := queue.DecodePriority(in.Body.Priority)
	if err != nil {
		return nil, validation("priority", "priority: "+err.Error())
	}
	r.Priority = pr
	added, failed, err := h.svc.Download(ctx, r)
	if err != nil {
		return nil, err
	}
	return queueAdded(added, failed), nil
}

package sonarr

import (
	"context"
	"fmt"
	"hash/fnv"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
)

// queueRecordID is a stable positive integer for a queue item's UUID.
func queueRecordID(id string) int64 {
	h := fnv.New32a()
	h.Write([]byte(id))
	return int64(h.Sum32() & 0x7fffffff)
}

// Queue answers GET /queue: the running and waiting downloads of the
// series Seerr manages, in Sonarr's record shape, paged.
// includeEpisode/includeSeries add the nested resources.
func (s *Service) Queue(ctx context.Context, page, pageSize int, includeEpisode, includeSeries bool) (QueuePage, error) {
	if page < 1 {
		page = 1
	}
	if pageSize < 1 {
		pageSize = 1000
	}
	st, err := s.o.Queue.Status(ctx)
	if err != nil {
		return QueuePage{}, err
	}
	rows, err := s.o.Store.SonarrSeriesList(ctx)
	if err != nil {
		return QueuePage{}, err
	}
	ids := make(map[string]int64, len(rows))
	for _, r := range rows {
		ids[r.Key] = r.ID
	}
	waiting, err := s.waiting(ctx)
	if err != nil {
		return QueuePage{}, err
	}
	now := s.o.Now().UTC()
	all := []QueueRecord{}
	items := []anime.DownloadItem{}
	for _, it := range st.Status.ActiveDownloads { // with their live progress
		items = append(items, it.DownloadItem)
	}
	items = append(items, waiting...)
	series := map[int64]*Series{}
	for _, it := range items {
		sid, ok := ids[it.SerieID]
		if !ok {
			continue
		}
		rec := queueRecord(it, sid, now, st.Status.IsPaused)
		if includeEpisode {
			rec.Episode = &Episode{ID: rec.EpisodeID, SeriesID: int(sid), SeasonNumber: it.Episode.Season,
				EpisodeNumber: it.Episode.Episode, Title: it.Episode.Title, Monitored: true}
		}
		if includeSeries {
			if series[sid] == nil {
				if r, err := s.Get(ctx, sid); err == nil {
					series[sid] = &r
				}
			}
			rec.Series = series[sid]
		}
		all = append(all, rec)
	}
	out := QueuePage{Page: page, PageSize: pageSize, SortKey: "timeleft", SortDirection: "ascending",
		TotalRecords: len(all), Records: []QueueRecord{}}
	if from := (page - 1) * pageSize; from < len(all) {
		out.Records = all[from:min(len(all), from+pageSize)]
	}
	return out, nil
}

// waiting lists every pending and paused item in run order; the queue's
// own status lists are capped, and Seerr asks for the whole queue.
func (s *Service) waiting(ctx context.Context) ([]anime.DownloadItem, error) {
	var out []anime.DownloadItem
	for _, st := range []anime.Status{anime.StatusPending, anime.StatusPaused} {
		rows, err := s.o.Store.QueueList(ctx, st, maxQueueRecords)
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			out = append(out, anime.DownloadItem{ID: r.ID, SerieID: r.SerieID, SerieName: r.SerieName,
				Episode: anime.EpisodeRef{Season: r.Season, Episode: r.Episode, Title: r.EpisodeTitle},
				Status:  r.Status, AddedAt: r.AddedAt, Error: r.Error, Language: r.Language})
		}
	}
	return out, nil
}

// maxQueueRecords bounds one /queue answer's reading of the store.
const maxQueueRecords = 10000

// queueRecord maps one download to Sonarr's QueueResource.
func queueRecord(it anime.DownloadItem, seriesID int64, now time.Time, paused bool) QueueRecord {
	const mb = 1 << 20
	rec := QueueRecord{
		ID: queueRecordID(it.ID), SeriesID: int(seriesID), EpisodeID: episodeID(seriesID, it.Episode.Season, it.Episode.Episode),
		SeasonNumber: it.Episode.Season, Languages: []NamedID{},
		Title:      fmt.Sprintf("%s - S%02dE%02d", it.SerieName, it.Episode.Season, it.Episode.Episode),
		Status:     "queued",
		Added:      it.AddedAt.UTC().Format(time.RFC3339),
		DownloadID: it.ID, Protocol: "unknown", DownloadClient: "aniworld", Indexer: "aniworld",
		TrackedDownloadStatus: "ok", TrackedDownloadState: "downloading", StatusMessages: []StatusNotice{},
	}
	if it.Language.Valid() {
		rec.Languages = append(rec.Languages, NamedID{ID: int(it.Language), Name: it.Language.String()})
		rec.Title += " [" + it.Language.String() + "]"
	}
	if it.Status == anime.StatusDownloading {
		rec.Status = "downloading"
	}
	if paused || it.Status == anime.StatusPaused {
		rec.Status = "paused"
	}
	if p := it.Progress; p != nil {
		rec.Size = p.TotalMB * mb
		rec.Sizeleft = max(0, (p.TotalMB-p.DownloadedMB)*mb)
		if p.ETASeconds > 0 {
			eta := time.Duration(p.ETASeconds) * time.Second
			rec.Timeleft = clock(eta)
			rec.EstimatedCompletionTime = now.Add(eta).Format(time.RFC3339)
		}
	}
	if it.Error != nil && *it.Error != "" {
		rec.TrackedDownloadStatus = "warning"
		rec.StatusMessages = []StatusNotice{{Title: rec.Title, Messages: []string{*it.Error}}}
		rec.ErrorMessage = *it.Error
	}
	return rec
}

// clock formats a duration as Sonarr's TimeSpan "hh:mm:ss" (days as
// "d.hh:mm:ss").
func clock(d time.Duration) string {
	sec := int64(d / time.Second)
	days, h, m, s := sec/86400, sec%86400/3600, sec%3600/60, sec%60
	if days > 0 {
		return fmt.Sprintf("%d.%02d:%02d:%02d", days, h, m, s)
	}
	return fmt.Sprintf("%02d:%02d:%02d", h, m, s)
}

// Package wanted is the list of every missing episode across the library
// (what the library's scans found missing, in one paged list) and queueing
// them: selected ones, or every one that matches a filter, through the
// queue's own Add, one call per series.
package wanted

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/queue"
	"github.com/aniworld/aniworld/internal/store"
)

// MissingEpisode is one missing episode as the API shows it.
type MissingEpisode struct {
	SerieID     string           `json:"serie_id" doc:"Series key"`
	SerieName   string           `json:"serie_name"`
	SerieFolder string           `json:"serie_folder"`
	Site        string           `json:"site"`
	Episode     anime.EpisodeRef `json:"episode"`
	// Languages are what the site offers for the episode, where a
	// monitor refresh has seen it; absent when unknown.
	Languages []string `json:"languages,omitempty" doc:"Languages the site offers (German Dub, German Sub, English Sub, English Dub); absent when not known yet"`
	// Queued: the episode waits or downloads in the queue already.
	Queued bool `json:"queued" doc:"The episode is in the queue already (waiting or downloading)"`
}

// Filter narrows the list.
type Filter struct {
	Site string
	// Language keeps the episodes the site is known to offer in it.
	Language anime.Language
}

// Query is a Filter and a page.
type Query struct {
	Filter
	Page    int // 1-based
	PerPage int
}

// Ref names one episode of one series.
type Ref struct {
	SerieID string
	Season  int
	Episode int
}

// DownloadRequest is "download selected" (Items) or "download all"
// (All, with the Filter).
type DownloadRequest struct {
	Items []Ref
	All   bool
	Filter
	Priority anime.Priority
}

// QueueResult tells what the queue took.
type QueueResult struct {
	Queued  int `json:"queued" doc:"Episodes added to the queue"`
	Skipped int `json:"skipped" doc:"Episodes the queue refused (already queued, or no longer in the library)"`
	Series  int `json:"series" doc:"Series the episodes belong to"`
	// Remaining counts matching episodes beyond MaxDownload, left for a
	// further request.
	Remaining int `json:"remaining"`
}

// MaxDownload bounds the episodes one request queues.
const MaxDownload = 10000

// DefaultBudget bounds the time one request spends queueing: the queue's
// Add may read each series' episode titles from its site, and a request
// must answer well within the server's write timeout. Series not reached
// count as remaining; asking again continues (queued ones are skipped).
const DefaultBudget = 60 * time.Second

// Adder is the queue's Add.
type Adder func(ctx context.Context, req queue.AddRequest) ([]string, []queue.FailedItem, error)

// Service lists and queues missing episodes.
type Service struct {
	db          *store.DB
	add         Adder
	defaultSite string
	budget      time.Duration
	max         int // MaxDownload
	now         func() time.Time
}

// New builds the service; defaultSite is the site of series stored
// without one.
func New(db *store.DB, add Adder, defaultSite string) *Service {
	return &Service{db: db, add: add, defaultSite: defaultSite, budget: DefaultBudget, max: MaxDownload, now: time.Now}
}

func (s *Service) storeQuery(f Filter, offset, limit int) store.WantedQuery {
	q := store.WantedQuery{Offset: offset, Limit: limit}
	if f.Site != "" {
		q.Sites = []string{f.Site}
		if f.Site == s.defaultSite {
			q.Sites = append(q.Sites, "")
		}
	}
	if f.Language != anime.LangUnknown {
		q.Language = f.Language.String()
	}
	return q
}

// List answers one page of missing episodes, by series name, season and
// episode, and how many match in all.
func (s *Service) List(ctx context.Context, q Query) ([]MissingEpisode, int, error) {
	per := max(q.PerPage, 1)
	rows, total, err := s.db.WantedList(ctx, s.storeQuery(q.Filter, (max(q.Page, 1)-1)*per, per))
	if err != nil {
		return nil, 0, err
	}
	var keys []string
	for _, r := range rows {
		if !slices.Contains(keys, r.SerieKey) {
			keys = append(keys, r.SerieKey)
		}
	}
	queued := map[store.EpisodeKey]bool{}
	if len(keys) > 0 {
		if queued, err = s.db.QueuedEpisodes(ctx, keys); err != nil {
			return nil, 0, err
		}
	}
	out := make([]MissingEpisode, 0, len(rows))
	for _, r := range rows {
		site := r.Site
		if site == "" {
			site = s.defaultSite
		}
		out = append(out, MissingEpisode{SerieID: r.SerieKey, SerieName: r.SerieName, SerieFolder: r.Folder, Site: site,
			Episode: anime.EpisodeRef{Season: r.Season, Episode: r.Episode, Title: r.Title}, Languages: r.Languages,
			Queued: queued[store.EpisodeKey{Serie: r.SerieKey, Season: r.Season, Episode: r.Episode}]})
	}
	return out, total, nil
}

// Download queues the selected episodes, or every missing one matching
// the filter (at most MaxDownload), with one queue Add per series.
func (s *Service) Download(ctx context.Context, req DownloadRequest) (QueueResult, error) {
	var eps []MissingEpisode
	var res QueueResult
	switch {
	case req.All:
		var err error
		if eps, err = s.allMissing(ctx, req.Filter, &res); err != nil {
			return res, err
		}
	case len(req.Items) > 0:
		if len(req.Items) > s.max {
			return res, fmt.Errorf("%w: at most %d episodes per request", anime.ErrInvalid, s.max)
		}
		for _, it := range req.Items {
			eps = append(eps, MissingEpisode{SerieID: it.SerieID, Episode: anime.EpisodeRef{Season: it.Season, Episode: it.Episode}})
		}
	default:
		return res, fmt.Errorf("%w: name the episodes (items) or ask for all", anime.ErrInvalid)
	}
	return res, s.queueBySeries(ctx, eps, req.Priority, &res)
}

// allMissing collects up to s.max missing episodes that are not queued
// yet. Episodes already queued cost no queue call (and no title lookup)
// and do not count toward the cap, so asking again after a partial run
// continues where it stopped; res.Remaining counts what is left.
func (s *Service) allMissing(ctx context.Context, f Filter, res *QueueResult) ([]MissingEpisode, error) {
	var eps []MissingEpisode
	page := min(1000, s.max)
	for p := 1; ; p++ {
		rows, total, err := s.List(ctx, Query{Filter: f, Page: p, PerPage: page})
		if err != nil {
			return nil, err
		}
		for i, e := range rows {
			switch {
			case e.Queued:
				res.Skipped++
			case len(eps) < s.max:
				eps = append(eps, e)
			default:
				res.Remaining = total - (p-1)*page - i // the rest is left for the next request
			}
			if res.Remaining > 0 {
				break
			}
		}
		if res.Remaining > 0 || len(rows) < page {
			return eps, nil
		}
	}
}

// queueBySeries adds eps with one queue add per series, within the time
// budget of one request; what does not fit is counted in res.Remaining.
func (s *Service) queueBySeries(ctx context.Context, eps []MissingEpisode, prio anime.Priority, res *QueueResult) error {
	groups := map[string][]MissingEpisode{}
	var order []string
	for _, e := range eps {
		if _, ok := groups[e.SerieID]; !ok {
			order = append(order, e.SerieID)
		}
		groups[e.SerieID] = append(groups[e.SerieID], e)
	}
	start := s.now()
	for i, key := range order {
		g := groups[key]
		if i > 0 && s.now().Sub(start) >= s.budget {
			for _, k := range order[i:] {
				res.Remaining += len(groups[k])
			}
			return nil
		}
		added, failed, err := s.addSeries(ctx, key, g, prio)
		switch {
		case err != nil && len(order) == 1:
			return err
		case errors.Is(err, anime.ErrInvalid):
			res.Skipped += len(g) // one unknown series does not stop the others
			continue
		case err != nil:
			return err
		}
		res.Series++
		res.Queued += len(added)
		res.Skipped += len(failed)
	}
	return nil
}

// addSeries queues one series' episodes in one queue add.
func (s *Service) addSeries(ctx context.Context, key string, g []MissingEpisode, prio anime.Priority) ([]string, []queue.FailedItem, error) {
	refs := make([]anime.EpisodeRef, 0, len(g))
	for _, e := range g {
		if !slices.Contains(refs, e.Episode) {
			refs = append(refs, e.Episode)
		}
	}
	name, folder := g[0].SerieName, g[0].SerieFolder
	if name == "" { // a selection names only the key
		rec, err := s.db.SeriesByKey(ctx, key)
		if err != nil && !errors.Is(err, anime.ErrNotFound) {
			return nil, nil, err
		}
		name, folder = rec.Series.Name, rec.Series.Folder
	}
	return s.add(ctx, queue.AddRequest{SerieID: key, SerieFolder: folder,
		SerieName: name, Episodes: refs, Priority: prio})
}

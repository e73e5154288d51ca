package api

import (
	"context"
	"net/http"
	"strings"

	"github.com/aniworld/aniworld/internal/monitor"
)

// Monitor is what the monitoring routes need (*monitor.Service).
type Monitor interface {
	Get(ctx context.Context, key string) (monitor.Settings, monitor.RefreshState, error)
	Set(ctx context.Context, key string, s monitor.Settings) (monitor.Settings, monitor.RefreshState, error)
	Bulk(ctx context.Context, keys []string, p monitor.Patch) (changed []string, failed map[string]string, err error)
	Refresh(ctx context.Context, key string) (monitor.RefreshResult, error)
}

// MonitorBody is a series' monitoring settings and refresh state.
type MonitorBody struct {
	Key string `json:"key"`
	monitor.Settings
	Status monitor.RefreshState `json:"status"`
}

type monitorOutput struct{ Body MonitorBody }

type monitorPutInput struct {
	AnimeID string `path:"anime_id" maxLength:"500" doc:"Series key"`
	Body    monitor.Settings
}

type bulkMonitorInput struct {
	Body struct {
		Keys []string `json:"keys" minItems:"1" maxItems:"1000" doc:"Series keys to change"`
		monitor.Patch
	}
}

// BulkMonitorBody answers POST /api/monitor/bulk.
type BulkMonitorBody struct {
	Success bool              `json:"success"`
	Changed []string          `json:"changed"`
	Failed  map[string]string `json:"failed"`
}

// monitorHandlers are the per-series monitoring operations (rows in routes.go).
type monitorHandlers struct{ m Monitor }

// Descriptions of the monitoring operations.
const (
	docMonitorGet     = "What is followed (mode, movies, specials), in which languages (empty: download.language_order), the Dub→Sub fallback delay, the upgrade switch, and the refresh state."
	docMonitorSet     = "Replaces the settings. A series that becomes monitored is refreshed within five minutes; its episodes listed then are the baseline that `future` skips."
	docMonitorRefresh = "Reads the series' season pages (bypassing the provider cache for the newest season and the movies), records new episodes and languages, and queues what the settings want. 409 while a refresh of the series runs."
	docMonitorBulk    = "Sets the given fields on every named series and keeps the others. Keys not in the library are listed in `failed`."
)

func (h monitorHandlers) get(ctx context.Context, in *animeIDInput) (*monitorOutput, error) {
	s, st, err := h.m.Get(ctx, in.AnimeID)
	if err != nil {
		return nil, err
	}
	return &monitorOutput{Body: MonitorBody{Key: in.AnimeID, Settings: s, Status: st}}, nil
}

func (h monitorHandlers) set(ctx context.Context, in *monitorPutInput) (*monitorOutput, error) {
	s, st, err := h.m.Set(ctx, in.AnimeID, in.Body)
	if err != nil {
		return nil, err
	}
	return &monitorOutput{Body: MonitorBody{Key: in.AnimeID, Settings: s, Status: st}}, nil
}

func (h monitorHandlers) refresh(ctx context.Context, in *animeIDInput) (*struct{ Body monitor.RefreshResult }, error) {
	res, err := h.m.Refresh(ctx, in.AnimeID)
	if err != nil {
		return nil, err
	}
	return &struct{ Body monitor.RefreshResult }{res}, nil
}

func (h monitorHandlers) bulk(ctx context.Context, in *bulkMonitorInput) (*struct{ Body BulkMonitorBody }, error) {
	keys := make([]string, 0, len(in.Body.Keys))
	for _, k := range in.Body.Keys {
		if k = strings.TrimSpace(k); k != "" {
			keys = append(keys, k)
		}
	}
	changed, failed, err := h.m.Bulk(ctx, keys, in.Body.Patch)
	if err != nil {
		return nil, err
	}
	if changed == nil {
		changed = []string{}
	}
	return &struct{ Body BulkMonitorBody }{BulkMonitorBody{Success: true, Changed: changed, Failed: failed}}, nil
}

// MonitorOnAdd is implemented by a Library that stores the monitoring
// settings POST /api/anime/add may carry.
type MonitorOnAdd interface {
	SetMonitor(ctx context.Context, key string, s monitor.Settings) error
}

// checkMonitorOnAdd rejects bad settings before anything is added.
func checkMonitorOnAdd(lib Library, s *monitor.Settings) error {
	if s == nil {
		return nil
	}
	if _, ok := lib.(MonitorOnAdd); !ok {
		return NewError(http.StatusServiceUnavailable, CodeUnavailable, "Monitoring is not available", nil)
	}
	_, err := s.Normalize()
	return err
}

func setMonitorOnAdd(ctx context.Context, lib Library, key string, s *monitor.Settings) error {
	if s == nil {
		return nil
	}
	return lib.(MonitorOnAdd).SetMonitor(ctx, key, *s)
}

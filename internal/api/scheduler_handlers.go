package api

import (
	"context"

	"github.com/danielgtaylor/huma/v2"

	"github.com/aniworld/aniworld/internal/config"
	"github.com/aniworld/aniworld/internal/scheduler"
)

// SchedulerControl is what the scheduler routes need from the scheduler.
type SchedulerControl interface {
	Status() scheduler.Status
	// Trigger starts a rescan now; scheduler.ErrRunning (a conflict) while one runs.
	Trigger() error
}

// SchedulerDeps is what the scheduler routes use; both are required.
type SchedulerDeps struct {
	Scheduler SchedulerControl
	Config    *config.Manager
}

type schedulerStatusOutput struct{ Body scheduler.Status }

type schedulerConfigInput struct {
	Body struct {
		Enabled             *bool `json:"enabled,omitempty"`
		IntervalMinutes     *int  `json:"interval_minutes,omitempty" minimum:"1" maximum:"10080"`
		AutoDownloadMissing *bool `json:"auto_download_missing,omitempty" doc:"After each rescan, queue every missing episode"`
	}
}

type triggerOutput struct {
	Body struct {
		Success bool   `json:"success"`
		Status  string `json:"status"`
		Message string `json:"message"`
	}
}

// schedulerHandlers are /api/scheduler/* (rows in routes.go).
type schedulerHandlers struct{ SchedulerDeps }

// Descriptions of the scheduler operations.
const (
	docSchedulerConfig = "`next_run` is null while disabled; `last_result` describes the last rescan (null before the first)."
	docTriggerRescan   = "Starts the rescan in the background and answers at once; its outcome shows in " +
		"GET /api/scheduler/config `last_result` (and the scan_progress/scan_complete events). " +
		"409 while a rescan runs (also one started by POST /api/anime/rescan)."
)

var triggerRescanResponses = map[string]*huma.Response{"409": {Description: "A rescan is already running"}}

func (h schedulerHandlers) get(ctx context.Context, _ *struct{}) (*schedulerStatusOutput, error) {
	return &schedulerStatusOutput{Body: h.Scheduler.Status()}, nil
}

func (h schedulerHandlers) update(ctx context.Context, in *schedulerConfigInput) (*schedulerStatusOutput, error) {
	// The scheduler applies the saved section itself (scheduler.FollowConfig).
	_, err := h.Config.Update(func(c *config.AppConfig) error {
		if in.Body.Enabled != nil {
			c.Scheduler.Enabled = *in.Body.Enabled
		}
		if in.Body.IntervalMinutes != nil {
			c.Scheduler.IntervalMinutes = *in.Body.IntervalMinutes
		}
		if in.Body.AutoDownloadMissing != nil {
			c.Scheduler.AutoDownloadMissing = *in.Body.AutoDownloadMissing
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &schedulerStatusOutput{Body: h.Scheduler.Status()}, nil
}

func (h schedulerHandlers) trigger(ctx context.Context, _ *struct{}) (*triggerOutput, error) {
	if err := h.Scheduler.Trigger(); err != nil {
		return nil, err
	}
	out := &triggerOutput{}
	out.Body.Success, out.Body.Status, out.Body.Message = true, "success", "Rescan started successfully"
	return out, nil
}

package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/queue"
)

// Queue is what the queue routes need from the download queue.
type Queue interface {
	Status(ctx context.Context) (queue.QueueStatus, error)
	Add(ctx context.Context, req queue.AddRequest) ([]string, []queue.FailedItem, error)
	Start(ctx context.Context) error
	Stop(ctx context.Context) error
	Pause(ctx context.Context) error
	Resume(ctx context.Context) error
	Remove(ctx context.Context, id string) error
	RemoveMany(ctx context.Context, ids []string) error
	ClearCompleted(ctx context.Context) (int, error)
	ClearFailed(ctx context.Context) (int, error)
	ClearPending(ctx context.Context) (int, error)
	Reorder(ctx context.Context, ids []string) error
	Retry(ctx context.Context, ids []string) ([]string, error)
	Get(ctx context.Context, id string) (queue.Item, error)
	SetPriority(ctx context.Context, id string, p anime.Priority) error
}

// MaxQueueAdd bounds the episodes of one add request.
const MaxQueueAdd = 5000

type queueAddInput struct {
	Body struct {
		SerieID     string            `json:"serie_id" minLength:"1" maxLength:"200" doc:"Series key"`
		SerieFolder string            `json:"serie_folder,omitempty" maxLength:"500" doc:"Folder name (metadata)"`
		SerieName   string            `json:"serie_name,omitempty" maxLength:"500"`
		Episodes    []json.RawMessage `json:"episodes" minItems:"1" maxItems:"5000" doc:"Objects {season, episode, title} or strings \"S01E01\", mixed freely"`
		Priority    json.RawMessage   `json:"priority,omitempty" doc:"\"LOW\"|\"NORMAL\"|\"HIGH\", or an integer: 0 NORMAL, negative LOW, positive HIGH"`
	}
}

// QueueAddBody answers POST /api/queue/add.
type QueueAddBody struct {
	Status      string             `json:"status"`
	Success     bool               `json:"success"`
	Message     string             `json:"message"`
	AddedItems  []string           `json:"added_items"`
	ItemIDs     []string           `json:"item_ids"`
	FailedItems []queue.FailedItem `json:"failed_items"`
}

type queueAddOutput struct {
	Status int
	Body   QueueAddBody
}

// QueueMessage is {status:"success", success:true, message}.
type QueueMessage struct {
	Status  string `json:"status"`
	Success bool   `json:"success"`
	Message string `json:"message"`
}

type queueMessageOutput struct{ Body QueueMessage }

// QueueCountBody answers the clear routes.
type QueueCountBody struct {
	QueueMessage
	Count int `json:"count"`
}

type queueIDsInput struct {
	Body struct {
		ItemIDs []string `json:"item_ids" maxItems:"10000"`
	}
}

// RetryBody answers POST /api/queue/retry.
type RetryBody struct {
	QueueMessage
	RetriedCount int      `json:"retried_count"`
	RetriedIDs   []string `json:"retried_ids"`
}

type retryInput struct {
	Body *struct {
		ItemIDs []string `json:"item_ids,omitempty" maxItems:"10000" doc:"Items to retry; empty or absent retries every failed item"`
	} `required:"false"`
}

type queueItemInput struct {
	ItemID string `path:"item_id" maxLength:"100"`
}

func ok(msg string) *queueMessageOutput {
	return &queueMessageOutput{Body: QueueMessage{Status: "success", Success: true, Message: msg}}
}

// QueueRoutes registers /api/queue*.
func QueueRoutes(q Queue) func(huma.API) {
	return func(api huma.API) {
		tags := []string{"Queue"}
		reg := func(op huma.Operation) huma.Operation { op.Tags = tags; return Protected(op) }

		huma.Register(api, reg(huma.Operation{
			OperationID: "queue-status", Method: http.MethodGet, Path: "/api/queue/status",
			Summary:     "Queue state, items and statistics",
			Description: "Lists are capped (status.list_limit, the first pending in run order and the most recent completed/failed); statistics always count everything.",
		}), func(ctx context.Context, _ *struct{}) (*struct{ Body queue.QueueStatus }, error) {
			st, err := q.Status(ctx)
			if err != nil {
				return nil, err
			}
			return &struct{ Body queue.QueueStatus }{st}, nil
		})

		huma.Register(api, reg(huma.Operation{
			OperationID: "queue-add", Method: http.MethodPost, Path: "/api/queue/add",
			Summary: "Add episodes to the queue", DefaultStatus: http.StatusCreated,
			Description: "Duplicates of an item already pending or downloading are reported in failed_items, not queued twice.",
		}), func(ctx context.Context, in *queueAddInput) (*queueAddOutput, error) {
			req := queue.AddRequest{SerieID: strings.TrimSpace(in.Body.SerieID), SerieFolder: in.Body.SerieFolder, SerieName: in.Body.SerieName}
			for i, raw := range in.Body.Episodes {
				ep, err := queue.DecodeEpisode(raw)
				if err != nil {
					return nil, NewError(http.StatusUnprocessableEntity, CodeValidation, fmt.Sprintf("episodes[%d]: %v", i, err),
						map[string]any{"field": fmt.Sprintf("episodes[%d]", i)})
				}
				req.Episodes = append(req.Episodes, ep)
			}
			pr, err := queue.DecodePriority(in.Body.Priority)
			if err != nil {
				return nil, NewError(http.StatusUnprocessableEntity, CodeValidation, "priority: "+err.Error(), map[string]any{"field": "priority"})
			}
			req.Priority = pr
			added, failed, err := q.Add(ctx, req)
			if err != nil {
				return nil, err
			}
			if added == nil {
				added = []string{}
			}
			if failed == nil {
				failed = []queue.FailedItem{}
			}
			return &queueAddOutput{Status: http.StatusCreated, Body: QueueAddBody{
				Status: "success", Success: true, Message: fmt.Sprintf("Added %d episode(s) to download queue", len(added)),
				AddedItems: added, ItemIDs: added, FailedItems: failed,
			}}, nil
		})

		for _, c := range []struct {
			path, id, summary, msg string
			fn                     func(context.Context) error
		}{
			{"/api/queue/start", "queue-start", "Start processing the queue", "Queue processing started", q.Start},
			{"/api/queue/stop", "queue-stop", "Stop starting new downloads (active ones finish)", "Queue processing stopped (current download will continue)", q.Stop},
			{"/api/queue/pause", "queue-pause", "Pause the queue (active downloads finish)", "Queue processing paused", q.Pause},
			{"/api/queue/resume", "queue-resume", "Resume the queue", "Queue processing resumed", q.Resume},
		} {
			huma.Register(api, reg(huma.Operation{OperationID: c.id, Method: http.MethodPost, Path: c.path, Summary: c.summary}),
				func(ctx context.Context, _ *struct{}) (*queueMessageOutput, error) {
					if err := c.fn(ctx); err != nil {
						return nil, err
					}
					return ok(c.msg), nil
				})
		}

		for _, c := range []struct {
			name, verb string
			fn         func(context.Context) (int, error)
		}{
			{"completed", "Cleared %d completed item(s)", q.ClearCompleted},
			{"failed", "Cleared %d failed item(s)", q.ClearFailed},
			{"pending", "Removed %d pending item(s)", q.ClearPending},
		} {
			huma.Register(api, reg(huma.Operation{
				OperationID: "queue-clear-" + c.name, Method: http.MethodDelete, Path: "/api/queue/" + c.name,
				Summary: "Clear " + c.name + " items",
			}), func(ctx context.Context, _ *struct{}) (*struct{ Body QueueCountBody }, error) {
				n, err := c.fn(ctx)
				if err != nil {
					return nil, err
				}
				return &struct{ Body QueueCountBody }{QueueCountBody{
					QueueMessage: QueueMessage{Status: "success", Success: true, Message: fmt.Sprintf(c.verb, n)}, Count: n}}, nil
			})
		}

		huma.Register(api, reg(huma.Operation{
			OperationID: "queue-item", Method: http.MethodGet, Path: "/api/queue/{item_id}",
			Summary:     "One item, with its attempt log",
			Description: "Beyond the seeds: the attempts field lists every resolve/download try (hoster, language, error), e.g. why a hoster was skipped.",
			Errors:      []int{404},
		}), func(ctx context.Context, in *queueItemInput) (*struct{ Body queue.Item }, error) {
			it, err := q.Get(ctx, in.ItemID)
			if err != nil {
				return nil, err
			}
			return &struct{ Body queue.Item }{it}, nil
		})
		type priorityInput struct {
			ItemID string `path:"item_id" maxLength:"100"`
			Body   struct {
				Priority json.RawMessage `json:"priority" doc:"\"LOW\"|\"NORMAL\"|\"HIGH\", or an integer (0 NORMAL, negative LOW, positive HIGH)"`
			}
		}
		huma.Register(api, reg(huma.Operation{
			OperationID: "queue-priority", Method: http.MethodPost, Path: "/api/queue/{item_id}/priority",
			Summary:     "Change a pending item's priority",
			Description: "Beyond the seeds (the web UI uses it). 404 for an unknown item, 409 for one that is no longer pending.",
			Errors:      []int{404, 409, 422},
		}), func(ctx context.Context, in *priorityInput) (*queueMessageOutput, error) {
			if len(in.Body.Priority) == 0 {
				return nil, NewError(http.StatusUnprocessableEntity, CodeValidation, "priority is required", map[string]any{"field": "priority"})
			}
			p, err := queue.DecodePriority(in.Body.Priority)
			if err != nil {
				return nil, NewError(http.StatusUnprocessableEntity, CodeValidation, "priority: "+err.Error(), map[string]any{"field": "priority"})
			}
			if err := q.SetPriority(ctx, in.ItemID, p); err != nil {
				return nil, err
			}
			return ok("Priority set to " + string(p)), nil
		})
		huma.Register(api, reg(huma.Operation{
			OperationID: "queue-remove", Method: http.MethodDelete, Path: "/api/queue/{item_id}",
			Summary: "Remove one item (cancels an active download and deletes its partial data)", DefaultStatus: http.StatusNoContent,
			Errors: []int{404},
		}), func(ctx context.Context, in *queueItemInput) (*struct{}, error) {
			return nil, q.Remove(ctx, in.ItemID)
		})
		huma.Register(api, reg(huma.Operation{
			OperationID: "queue-remove-many", Method: http.MethodDelete, Path: "/api/queue",
			Summary: "Remove several items", DefaultStatus: http.StatusNoContent,
		}), func(ctx context.Context, in *queueIDsInput) (*struct{}, error) {
			if len(in.Body.ItemIDs) == 0 {
				return nil, NewError(http.StatusUnprocessableEntity, CodeValidation, "item_ids must not be empty", map[string]any{"field": "item_ids"})
			}
			return nil, q.RemoveMany(ctx, in.Body.ItemIDs)
		})
		huma.Register(api, reg(huma.Operation{
			OperationID: "queue-reorder", Method: http.MethodPost, Path: "/api/queue/reorder",
			Summary: "Reorder pending items", Description: "Sets the order of the pending items named, within their priority.",
		}), func(ctx context.Context, in *queueIDsInput) (*queueMessageOutput, error) {
			if len(in.Body.ItemIDs) == 0 {
				return nil, NewError(http.StatusUnprocessableEntity, CodeValidation, "item_ids must not be empty", map[string]any{"field": "item_ids"})
			}
			if err := q.Reorder(ctx, in.Body.ItemIDs); err != nil {
				return nil, err
			}
			return ok(fmt.Sprintf("Queue reordered with %d items", len(in.Body.ItemIDs))), nil
		})
		huma.Register(api, reg(huma.Operation{
			OperationID: "queue-retry", Method: http.MethodPost, Path: "/api/queue/retry",
			Summary: "Retry failed items", Description: "Empty item_ids retries every failed item.",
		}), func(ctx context.Context, in *retryInput) (*struct{ Body RetryBody }, error) {
			var want []string
			if in.Body != nil {
				want = in.Body.ItemIDs
			}
			ids, err := q.Retry(ctx, want)
			if err != nil {
				return nil, err
			}
			if ids == nil {
				ids = []string{}
			}
			return &struct{ Body RetryBody }{RetryBody{
				QueueMessage: QueueMessage{Status: "success", Success: true, Message: fmt.Sprintf("Retrying %d failed item(s)", len(ids))},
				RetriedCount: len(ids), RetriedIDs: ids,
			}}, nil
		})
	}
}

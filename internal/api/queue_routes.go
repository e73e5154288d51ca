package api

import (
	"context"
	"encoding/json"
	"net/http"

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

// QueueRoutes registers /api/queue*: the resource's route table; the
// handlers are queueHandlers' methods (queue_handlers.go).
func QueueRoutes(q Queue) func(huma.API) {
	h := queueHandlers{q}
	return func(api huma.API) {
		op := func(id, method, path, summary string, opts ...opOption) huma.Operation {
			return Protected(operation([]string{"Queue"}, id, method, path, summary, opts...))
		}
		huma.Register(api, op("queue-status", http.MethodGet, "/api/queue/status", "Queue state, items and statistics",
			withDescription("Lists are capped (status.list_limit, the first pending in run order and the most recent completed/failed); statistics always count everything.")), h.status)
		huma.Register(api, op("queue-add", http.MethodPost, "/api/queue/add", "Add episodes to the queue", withStatus(http.StatusCreated),
			withDescription("Duplicates of an item already pending or downloading are reported in failed_items, not queued twice.")), h.add)
		huma.Register(api, op("queue-start", http.MethodPost, "/api/queue/start", "Start processing the queue"), h.start)
		huma.Register(api, op("queue-stop", http.MethodPost, "/api/queue/stop", "Stop starting new downloads (active ones finish)"), h.stop)
		huma.Register(api, op("queue-pause", http.MethodPost, "/api/queue/pause", "Pause the queue (active downloads finish)"), h.pause)
		huma.Register(api, op("queue-resume", http.MethodPost, "/api/queue/resume", "Resume the queue"), h.resume)
		huma.Register(api, op("queue-clear-completed", http.MethodDelete, "/api/queue/completed", "Clear completed items"), h.clearCompleted)
		huma.Register(api, op("queue-clear-failed", http.MethodDelete, "/api/queue/failed", "Clear failed items"), h.clearFailed)
		huma.Register(api, op("queue-clear-pending", http.MethodDelete, "/api/queue/pending", "Clear pending items"), h.clearPending)
		huma.Register(api, op("queue-item", http.MethodGet, "/api/queue/{item_id}", "One item, with its attempt log", withErrors(404),
			withDescription("Beyond the seeds: the attempts field lists every resolve/download try (hoster, language, error, engine warnings), e.g. why a hoster was skipped.")), h.item)
		huma.Register(api, op("queue-priority", http.MethodPost, "/api/queue/{item_id}/priority", "Change a pending item's priority", withErrors(404, 409, 422),
			withDescription("Beyond the seeds (the web UI uses it). 404 for an unknown item, 409 for one that is no longer pending.")), h.setPriority)
		huma.Register(api, op("queue-remove", http.MethodDelete, "/api/queue/{item_id}",
			"Remove one item (cancels an active download and deletes its partial data)", withStatus(http.StatusNoContent), withErrors(404)), h.remove)
		huma.Register(api, op("queue-remove-many", http.MethodDelete, "/api/queue", "Remove several items", withStatus(http.StatusNoContent)), h.removeMany)
		huma.Register(api, op("queue-reorder", http.MethodPost, "/api/queue/reorder", "Reorder pending items",
			withDescription("Sets the order of the pending items named, within their priority.")), h.reorder)
		huma.Register(api, op("queue-retry", http.MethodPost, "/api/queue/retry", "Retry failed items",
			withDescription("Empty item_ids retries every failed item.")), h.retry)
	}
}

package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

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

// queueHandlers are the /api/queue* operations (rows in routes.go): each
// decodes, calls one queue method and encodes.
type queueHandlers struct{ q Queue }

// Descriptions of the queue operations.
const (
	docQueueStatus   = "Lists are capped (status.list_limit, the first pending in run order and the most recent completed/failed); statistics always count everything."
	docQueueAdd      = "Duplicates of an item already pending or downloading are reported in failed_items, not queued twice."
	docQueueItem     = "Beyond the seeds: the attempts field lists every resolve/download try (hoster, language, error, engine warnings), e.g. why a hoster was skipped."
	docQueuePriority = "Beyond the seeds (the web UI uses it). 404 for an unknown item, 409 for one that is no longer pending."
)

type queueStatusOutput struct{ Body queue.QueueStatus }

type queueCountOutput struct{ Body QueueCountBody }

type queueItemOutput struct{ Body queue.Item }

type retryOutput struct{ Body RetryBody }

type priorityInput struct {
	ItemID string `path:"item_id" maxLength:"100"`
	Body   struct {
		Priority json.RawMessage `json:"priority" doc:"\"LOW\"|\"NORMAL\"|\"HIGH\", or an integer (0 NORMAL, negative LOW, positive HIGH)"`
	}
}

func ok(msg string) *queueMessageOutput {
	return &queueMessageOutput{Body: QueueMessage{Status: "success", Success: true, Message: msg}}
}

func validation(field, msg string) *Error {
	return NewError(http.StatusUnprocessableEntity, CodeValidation, msg, map[string]any{"field": field})
}

func (h queueHandlers) status(ctx context.Context, _ *struct{}) (*queueStatusOutput, error) {
	st, err := h.q.Status(ctx)
	if err != nil {
		return nil, err
	}
	return &queueStatusOutput{st}, nil
}

func (h queueHandlers) add(ctx context.Context, in *queueAddInput) (*queueAddOutput, error) {
	req := queue.AddRequest{SerieID: strings.TrimSpace(in.Body.SerieID), SerieFolder: in.Body.SerieFolder, SerieName: in.Body.SerieName}
	for i, raw := range in.Body.Episodes {
		ep, err := queue.DecodeEpisode(raw)
		if err != nil {
			field := fmt.Sprintf("episodes[%d]", i)
			return nil, validation(field, fmt.Sprintf("%s: %v", field, err))
		}
		req.Episodes = append(req.Episodes, ep)
	}
	pr, err := queue.DecodePriority(in.Body.Priority)
	if err != nil {
		return nil, validation("priority", "priority: "+err.Error())
	}
	req.Priority = pr
	added, failed, err := h.q.Add(ctx, req)
	if err != nil {
		return nil, err
	}
	return queueAdded(added, failed), nil
}

// stateChange answers a start/stop/pause/resume operation.
func stateChange(fn func(context.Context) error, msg string) func(context.Context, *struct{}) (*queueMessageOutput, error) {
	return func(ctx context.Context, _ *struct{}) (*queueMessageOutput, error) {
		if err := fn(ctx); err != nil {
			return nil, err
		}
		return ok(msg), nil
	}
}

func (h queueHandlers) start(ctx context.Context, in *struct{}) (*queueMessageOutput, error) {
	return stateChange(h.q.Start, "Queue processing started")(ctx, in)
}

func (h queueHandlers) stop(ctx context.Context, in *struct{}) (*queueMessageOutput, error) {
	return stateChange(h.q.Stop, "Queue processing stopped (current download will continue)")(ctx, in)
}

func (h queueHandlers) pause(ctx context.Context, in *struct{}) (*queueMessageOutput, error) {
	return stateChange(h.q.Pause, "Queue processing paused")(ctx, in)
}

func (h queueHandlers) resume(ctx context.Context, in *struct{}) (*queueMessageOutput, error) {
	return stateChange(h.q.Resume, "Queue processing resumed")(ctx, in)
}

// cleared answers a clear operation.
func cleared(ctx context.Context, fn func(context.Context) (int, error), verb string) (*queueCountOutput, error) {
	n, err := fn(ctx)
	if err != nil {
		return nil, err
	}
	return &queueCountOutput{QueueCountBody{
		QueueMessage: QueueMessage{Status: "success", Success: true, Message: fmt.Sprintf(verb, n)}, Count: n}}, nil
}

func (h queueHandlers) clearCompleted(ctx context.Context, _ *struct{}) (*queueCountOutput, error) {
	return cleared(ctx, h.q.ClearCompleted, "Cleared %d completed item(s)")
}

func (h queueHandlers) clearFailed(ctx context.Context, _ *struct{}) (*queueCountOutput, error) {
	return cleared(ctx, h.q.ClearFailed, "Cleared %d failed item(s)")
}

func (h queueHandlers) clearPending(ctx context.Context, _ *struct{}) (*queueCountOutput, error) {
	return cleared(ctx, h.q.ClearPending, "Removed %d pending item(s)")
}

func (h queueHandlers) item(ctx context.Context, in *queueItemInput) (*queueItemOutput, error) {
	it, err := h.q.Get(ctx, in.ItemID)
	if err != nil {
		return nil, err
	}
	return &queueItemOutput{it}, nil
}

func (h queueHandlers) setPriority(ctx context.Context, in *priorityInput) (*queueMessageOutput, error) {
	if len(in.Body.Priority) == 0 {
		return nil, validation("priority", "priority is required")
	}
	p, err := queue.DecodePriority(in.Body.Priority)
	if err != nil {
		return nil, validation("priority", "priority: "+err.Error())
	}
	if err := h.q.SetPriority(ctx, in.ItemID, p); err != nil {
		return nil, err
	}
	return ok("Priority set to " + string(p)), nil
}

func (h queueHandlers) remove(ctx context.Context, in *queueItemInput) (*struct{}, error) {
	return nil, h.q.Remove(ctx, in.ItemID)
}

func (h queueHandlers) removeMany(ctx context.Context, in *queueIDsInput) (*struct{}, error) {
	if len(in.Body.ItemIDs) == 0 {
		return nil, validation("item_ids", "item_ids must not be empty")
	}
	return nil, h.q.RemoveMany(ctx, in.Body.ItemIDs)
}

func (h queueHandlers) reorder(ctx context.Context, in *queueIDsInput) (*queueMessageOutput, error) {
	if len(in.Body.ItemIDs) == 0 {
		return nil, validation("item_ids", "item_ids must not be empty")
	}
	if err := h.q.Reorder(ctx, in.Body.ItemIDs); err != nil {
		return nil, err
	}
	return ok(fmt.Sprintf("Queue reordered with %d items", len(in.Body.ItemIDs))), nil
}

func (h queueHandlers) retry(ctx context.Context, in *retryInput) (*retryOutput, error) {
	var want []string
	if in.Body != nil {
		want = in.Body.ItemIDs
	}
	ids, err := h.q.Retry(ctx, want)
	if err != nil {
		return nil, err
	}
	if ids == nil {
		ids = []string{}
	}
	return &retryOutput{RetryBody{
		QueueMessage: QueueMessage{Status: "success", Success: true, Message: fmt.Sprintf("Retrying %d failed item(s)", len(ids))},
		RetriedCount: len(ids), RetriedIDs: ids,
	}}, nil
}

// queueAdded is the 201 answer of every route that adds to the queue.
func queueAdded(added []string, failed []queue.FailedItem) *queueAddOutput {
	if added == nil {
		added = []string{}
	}
	if failed == nil {
		failed = []queue.FailedItem{}
	}
	return &queueAddOutput{Status: http.StatusCreated, Body: QueueAddBody{
		Status: "success", Success: true, Message: fmt.Sprintf("Added %d episode(s) to download queue", len(added)),
		AddedItems: added, ItemIDs: added, FailedItems: failed,
	}}
}

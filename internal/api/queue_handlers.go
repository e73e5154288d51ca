package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/aniworld/aniworld/internal/queue"
)

// queueHandlers are the /api/queue* operations: each decodes, calls one
// queue method and encodes (the table is QueueRoutes).
type queueHandlers struct{ q Queue }

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

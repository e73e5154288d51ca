package app

import (
	"net/http/httptest"
	"testing"

	"github.com/aniworld/aniworld/internal/fake/site"
)

func TestQueuePriorityChange(t *testing.T) {
	fake := httptest.NewServer(site.New(site.Options{Catalog: site.Demo()}))
	defer fake.Close()
	ta := startApp(t, t.TempDir(), map[string]string{"ANIWORLD_PROVIDER_URL": fake.URL, "ANIWORLD_ANIME_DIR": t.TempDir()})
	tok := ta.setupAndLogin(testPassword)
	if code, _, b := ta.do("POST", "/api/anime/add", tok, map[string]any{"link": fake.URL + "/anime/stream/demo"}); code != 200 {
		t.Fatalf("add: %d %v", code, b)
	}
	// The queue is not started: the items stay pending.
	code, _, b := ta.do("POST", "/api/queue/add", tok, map[string]any{"serie_id": "demo", "episodes": []string{"S01E01", "S01E02", "S01E03"}})
	if code != 201 {
		t.Fatalf("queue add: %d %v", code, b)
	}
	ids := b["item_ids"].([]any)
	last := ids[2].(string)
	tests := []struct {
		name   string
		id     string
		body   map[string]any
		status int
	}{
		{"raise the last to HIGH", last, map[string]any{"priority": "HIGH"}, 200},
		{"integer form", ids[0].(string), map[string]any{"priority": -1}, 200},
		{"bad value", last, map[string]any{"priority": "URGENT"}, 422},
		{"missing value", last, map[string]any{}, 422},
		{"unknown item", "no-such-item", map[string]any{"priority": "LOW"}, 404},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, b := ta.do("POST", "/api/queue/"+tc.id+"/priority", tok, tc.body)
			if code != tc.status {
				t.Fatalf("%d %v", code, b)
			}
		})
	}
	_, _, st := ta.do("GET", "/api/queue/status", tok, nil)
	pending := st["status"].(map[string]any)["pending_queue"].([]any)
	order := []string{}
	for _, p := range pending {
		order = append(order, p.(map[string]any)["id"].(string)+":"+p.(map[string]any)["priority"].(string))
	}
	want := []string{last + ":HIGH", ids[1].(string) + ":NORMAL", ids[0].(string) + ":LOW"}
	for i := range want {
		if i >= len(order) || order[i] != want[i] {
			t.Fatalf("order %v, want %v", order, want)
		}
	}
}

package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/aniworld/aniworld/internal/config"
)

// apiCall sends one JSON request and answers status and body.
func apiCall(t *testing.T, client *http.Client, method, url, token string, body any) (int, []byte) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, url, rd)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return res.StatusCode, raw
}

// loadDoc parses the config file the way the server does at start, and
// answers it as comparable JSON.
func loadDoc(t *testing.T, path string) (config.AppConfig, string) {
	t.Helper()
	c, exists, err := config.Load(path)
	if err != nil || !exists {
		raw, _ := os.ReadFile(path)
		t.Fatalf("config file unusable after kill -9 (exists=%v): %v\n%s", exists, err, raw)
	}
	b, _ := json.Marshal(c)
	return c, string(b)
}

// TestConfigSurvivesKill9DuringUpdate fires PUT /api/config and kills the
// server with SIGKILL at a random moment 0-20 ms later, 50 times. Every
// time, the file must parse and be either the old or the new document,
// and the server must start again on it.
func TestConfigSurvivesKill9DuringUpdate(t *testing.T) {
	if testing.Short() {
		t.Skip("process-level kill test")
	}
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "config.json")
	p := start(t, dir)
	base := "http://" + p.addr
	client := &http.Client{Timeout: 10 * time.Second}
	if code, raw := apiCall(t, client, "POST", base+"/api/auth/setup", "", map[string]any{"master_password": "Kill-9-Test!pw"}); code != 201 {
		t.Fatalf("setup: %d %s", code, raw)
	}
	code, raw := apiCall(t, client, "POST", base+"/api/auth/login", "", map[string]any{"password": "Kill-9-Test!pw"})
	if code != 200 {
		t.Fatalf("login: %d %s", code, raw)
	}
	var login struct {
		Token string `json:"access_token"`
	}
	json.Unmarshal(raw, &login)
	if code, raw := apiCall(t, client, "GET", base+"/api/config", login.Token, nil); code != 200 {
		t.Fatalf("GET /api/config: %d %s", code, raw)
	}

	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 9))
	sawOld, sawNew := 0, 0
	start50 := time.Now()
	for i := range 50 {
		old, oldDoc := loadDoc(t, cfgPath)
		patch := map[string]any{
			"name":      fmt.Sprintf("kill-run-%d", i),
			"scheduler": map[string]any{"interval_minutes": 2 + i},
			"logging":   map[string]any{"backup_count": i % 7},
			"other":     map[string]any{"filler": string(bytes.Repeat([]byte{'x'}, 4096+i))},
		}
		pb, _ := json.Marshal(patch)
		want, err := config.Merge(old, pb)
		if err != nil {
			t.Fatal(err)
		}
		wb, _ := json.Marshal(want)
		newDoc := string(wb)

		sent := make(chan struct{})
		go func() {
			defer close(sent)
			req, _ := http.NewRequest("PUT", base+"/api/config", bytes.NewReader(pb))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+login.Token)
			if res, err := client.Do(req); err == nil {
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
			}
		}()
		// The kill moment is the variable under test, not a synchronisation.
		time.Sleep(time.Duration(rng.IntN(20_001)) * time.Microsecond)
		p.cmd.Process.Kill()
		<-p.done
		<-sent

		_, got := loadDoc(t, cfgPath)
		switch got {
		case oldDoc:
			sawOld++
		case newDoc:
			sawNew++
		default:
			var g, o, n map[string]any
			json.Unmarshal([]byte(got), &g)
			json.Unmarshal([]byte(oldDoc), &o)
			json.Unmarshal([]byte(newDoc), &n)
			t.Fatalf("run %d: config is neither the old nor the new document\n got %v\n old equal %v, new equal %v",
				i, g["name"], reflect.DeepEqual(g, o), reflect.DeepEqual(g, n))
		}
		p = start(t, dir)
		base = "http://" + p.addr
	}
	t.Logf("50 kills in %v: old document %d times, new document %d times", time.Since(start50).Round(time.Millisecond), sawOld, sawNew)
	// The last server still serves the surviving document.
	code, raw = apiCall(t, client, "GET", base+"/api/config", login.Token, nil)
	if code != 200 {
		t.Fatalf("after the kills: %d %s", code, raw)
	}
	if code := p.stop(t); code != 0 {
		t.Fatalf("exit %d\n%s", code, p.stderr.String())
	}
}

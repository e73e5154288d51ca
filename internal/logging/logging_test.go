package logging

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRequestIDAndLevels(t *testing.T) {
	var buf bytes.Buffer
	l, err := New(&buf, Settings{Level: "INFO"})
	if err != nil {
		t.Fatal(err)
	}
	ctx := WithRequestID(context.Background(), "req-123")
	l.Logger().DebugContext(ctx, "hidden")
	l.Logger().InfoContext(ctx, "shown")
	if strings.Contains(buf.String(), "hidden") || !strings.Contains(buf.String(), "request_id=req-123") {
		t.Fatalf("log = %q", buf.String())
	}
	if err := l.SetLevel("DEBUG"); err != nil {
		t.Fatal(err)
	}
	l.Logger().DebugContext(ctx, "now visible")
	if !strings.Contains(buf.String(), "now visible") {
		t.Fatal("runtime level change had no effect")
	}
}

func TestRedaction(t *testing.T) {
	var buf bytes.Buffer
	l, _ := New(&buf, Settings{Level: "INFO"})
	l.Logger().Info("x", "password", "hunter2", "jwt_secret", "s3cr3t", "tmdb_api_key", "k")
	for _, s := range []string{"hunter2", "s3cr3t", "=k"} {
		if strings.Contains(buf.String(), s) {
			t.Fatalf("secret %q leaked: %s", s, buf.String())
		}
	}
}

func TestFileRotationSettings(t *testing.T) {
	dir := t.TempDir()
	var buf bytes.Buffer
	p := filepath.Join(dir, "logs", "app.log")
	l, err := New(&buf, Settings{Level: "INFO", File: p, MaxBytes: 2048, Backups: 2})
	if err != nil {
		t.Fatal(err)
	}
	l.Logger().Info("to file")
	data, _ := os.ReadFile(p)
	if !strings.Contains(string(data), `"msg":"to file"`) {
		t.Fatalf("file = %q", data)
	}
	st, _ := os.Stat(p)
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v", st.Mode().Perm())
	}
	if err := l.Reconfigure(Settings{Level: "INFO"}); err != nil {
		t.Fatal(err)
	}
	l.Logger().Info("not in file")
	data, _ = os.ReadFile(p)
	if strings.Contains(string(data), "not in file") {
		t.Fatal("wrote to file after it was turned off")
	}
	l.Close()
}

func TestParseLevel(t *testing.T) {
	for _, tc := range []struct {
		in string
		ok bool
	}{{"debug", true}, {"WARNING", true}, {"critical", true}, {"", true}, {"loud", false}} {
		if _, err := ParseLevel(tc.in); (err == nil) != tc.ok {
			t.Errorf("ParseLevel(%q) err=%v", tc.in, err)
		}
	}
}

func TestLevelNames(t *testing.T) {
	var buf bytes.Buffer
	l, _ := New(&buf, Settings{Level: "DEBUG"})
	l.Logger().Log(context.Background(), slog.LevelError+4, "boom")
	l.Logger().Warn("careful")
	if !strings.Contains(buf.String(), "level=CRITICAL") || !strings.Contains(buf.String(), "level=WARNING") {
		t.Fatalf("log = %q", buf.String())
	}
}

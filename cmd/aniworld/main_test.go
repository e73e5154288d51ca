package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// binPath is the aniworld binary built once for these process-level tests.
var binPath string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "aniworld-bin-")
	if err != nil {
		panic(err)
	}
	binPath = filepath.Join(dir, "aniworld")
	build := exec.Command("go", "build", "-o", binPath, ".")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build failed:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// proc is a running aniworld server.
type proc struct {
	cmd    *exec.Cmd
	addr   string
	stderr *bytes.Buffer
	done   chan error
}

func start(t *testing.T, dataDir string, extra ...string) *proc {
	t.Helper()
	return startEnv(t, dataDir, []string{"ANIWORLD_PROVIDER_URL=http://127.0.0.1:1", "ANIWORLD_TMDB_API_URL=http://127.0.0.1:1/3"}, extra...)
}

// startEnv is start with the given extra environment.
func startEnv(t *testing.T, dataDir string, env []string, extra ...string) *proc {
	t.Helper()
	addr := freeAddr(t)
	args := append([]string{"--addr", addr, "--data-dir", dataDir}, extra...)
	cmd := exec.Command(binPath, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	cmd.Env = append(os.Environ(), env...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &proc{cmd: cmd, addr: addr, stderr: &stderr, done: make(chan error)}
	go func() { cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-p.done
	})
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		res, err := http.Get("http://" + addr + "/health")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return p
			}
		}
		select {
		case <-p.done:
			t.Fatalf("server exited early: %v\n%s", cmd.ProcessState, stderr.String())
		case <-time.After(10 * time.Millisecond):
		}
	}
	t.Fatalf("server did not answer /health\n%s", stderr.String())
	return nil
}

func (p *proc) stop(t *testing.T) int {
	t.Helper()
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(40 * time.Second):
		t.Fatal("server did not exit after SIGTERM")
	}
	return p.cmd.ProcessState.ExitCode()
}

func TestVersionAndHelp(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
		want []string
	}{
		{"version", []string{"version"}, 0, []string{"aniworld"}},
		{"help", []string{"--help"}, 0, []string{"--addr", "--data-dir", "--anime-dir", "--config", "--log-level", "ANIWORLD_ADDR", "precedence"}},
		{"unknown command", []string{"frobnicate"}, 2, []string{"unknown command"}},
		{"bad flag", []string{"--nope"}, 2, []string{"nope"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, _ := exec.Command(binPath, tc.args...).CombinedOutput()
			cmd := exec.Command(binPath, tc.args...)
			cmd.Run()
			if cmd.ProcessState.ExitCode() != tc.code {
				t.Fatalf("exit %d, want %d: %s", cmd.ProcessState.ExitCode(), tc.code, out)
			}
			for _, w := range tc.want {
				if !strings.Contains(strings.ToLower(string(out)), strings.ToLower(w)) {
					t.Fatalf("output lacks %q:\n%s", w, out)
				}
			}
		})
	}
}

func TestCorruptConfigRefusesStartAndIsUntouched(t *testing.T) {
	tests := []struct{ name, content string }{
		{"truncated", `{"name": "Aniworld", "scheduler": {`},
		{"invalid value", `{"scheduler": {"interval_minutes": -5}}`},
		{"binary garbage", "\x00\xff\xfe garbage"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			cfg := filepath.Join(dir, "config.json")
			os.WriteFile(cfg, []byte(tc.content), 0o600)
			cmd := exec.Command(binPath, "--data-dir", dir, "--addr", freeAddr(t))
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			done := make(chan error, 1)
			cmd.Start()
			go func() { done <- cmd.Wait() }()
			select {
			case <-done:
			case <-ctx.Done():
				cmd.Process.Kill()
				t.Fatal("server started despite a corrupt config")
			}
			if cmd.ProcessState.ExitCode() == 0 {
				t.Fatal("exit code 0")
			}
			lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
			if len(lines) != 1 || !strings.Contains(lines[0], cfg) {
				t.Fatalf("want one line naming %s, got:\n%s", cfg, stderr.String())
			}
			got, _ := os.ReadFile(cfg)
			if !bytes.Equal(got, []byte(tc.content)) {
				t.Fatal("config file was modified")
			}
		})
	}
}

func TestServeAndGracefulExit(t *testing.T) {
	dir := t.TempDir()
	p := start(t, dir)
	res, err := http.Get("http://" + p.addr + "/health/detailed")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if !strings.Contains(string(body), `"database":{"status":"healthy"`) {
		t.Fatalf("detailed health: %s", body)
	}
	if code := p.stop(t); code != 0 {
		t.Fatalf("exit code %d\n%s", code, p.stderr.String())
	}
	for _, f := range []string{"config.json", "aniworld.db"} {
		st, err := os.Stat(filepath.Join(dir, f))
		if err != nil || st.Mode().Perm() != 0o600 {
			t.Fatalf("%s: %v %v", f, err, st)
		}
	}
	// A clean shutdown checkpoints the WAL.
	if st, err := os.Stat(filepath.Join(dir, "aniworld.db-wal")); err == nil && st.Size() > 0 {
		t.Fatalf("WAL not checkpointed: %d bytes", st.Size())
	}
	// Restart on the same data directory works (migrations are idempotent).
	p2 := start(t, dir)
	if code := p2.stop(t); code != 0 {
		t.Fatalf("second run exit code %d", code)
	}
}

// TestSIGTERMDuringSlowRequest: a request whose body is still arriving when
// SIGTERM comes completes, and the process then exits 0.
func TestSIGTERMDuringSlowRequest(t *testing.T) {
	p := start(t, t.TempDir())
	conn, err := net.Dial("tcp", p.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	body := `{"master_password": "Sup3r-Secret!pw"}`
	head := fmt.Sprintf("POST /api/auth/setup HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n", p.addr, len(body))
	if _, err := conn.Write([]byte(head + body[:10])); err != nil {
		t.Fatal(err)
	}
	// Make sure the server is inside the request before the signal.
	time.Sleep(500 * time.Millisecond)
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
		t.Fatal("process exited while a request was in flight")
	case <-time.After(300 * time.Millisecond):
	}
	if _, err := conn.Write([]byte(body[10:])); err != nil {
		t.Fatal(err)
	}
	conn.SetReadDeadline(time.Now().Add(20 * time.Second))
	resp, err := io.ReadAll(conn)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(resp), "HTTP/1.1 201") {
		t.Fatalf("response: %q", resp)
	}
	select {
	case <-p.done:
	case <-time.After(40 * time.Second):
		t.Fatal("no exit after the request completed")
	}
	if code := p.cmd.ProcessState.ExitCode(); code != 0 {
		t.Fatalf("exit code %d\n%s", code, p.stderr.String())
	}
}

package browser

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"
)

// xvfb is a virtual X display for the headed mode, started on a free
// display number that Xvfb picks itself (-displayfd).
type xvfb struct {
	cmd     *exec.Cmd
	display string // ":N"
	done    chan struct{}
}

// startXvfb starts Xvfb and waits until it names its display.
func startXvfb(path string) (*xvfb, error) {
	if path == "" {
		return nil, fmt.Errorf("%w: the headed mode needs Xvfb; install it: apt-get install xvfb", ErrUnavailable)
	}
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	cmd := exec.Command(path, "-displayfd", "3", "-screen", "0", "1280x800x24", "-nolisten", "tcp")
	cmd.ExtraFiles = []*os.File{w}
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		w.Close()
		return nil, fmt.Errorf("start Xvfb: %w", err)
	}
	w.Close()
	x := &xvfb{cmd: cmd, done: make(chan struct{})}
	go func() {
		_ = cmd.Wait()
		close(x.done)
	}()
	line := make(chan string, 1)
	go func() {
		s, _ := bufio.NewReader(r).ReadString('\n')
		line <- strings.TrimSpace(s)
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	select {
	case s := <-line:
		if s == "" {
			x.stop()
			return nil, fmt.Errorf("Xvfb exited without a display")
		}
		x.display = ":" + s
		return x, nil
	case <-ctx.Done():
		x.stop()
		return nil, fmt.Errorf("Xvfb named no display within 10s")
	}
}

// stop ends Xvfb and waits for it.
func (x *xvfb) stop() {
	if x == nil {
		return
	}
	_ = x.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-x.done:
	case <-time.After(5 * time.Second):
		_ = x.cmd.Process.Kill()
		<-x.done
	}
}

package attempt

import (
	"context"
	"errors"
	"strings"
	"syscall"
	"testing"
	"time"
)

// blockingBody answers its bytes, then blocks until ctx is done.
type blockingBody struct {
	ctx  context.Context
	data []byte
}

func (b *blockingBody) Read(p []byte) (int, error) {
	if len(b.data) > 0 {
		n := copy(p, b.data)
		b.data = b.data[n:]
		return n, nil
	}
	<-b.ctx.Done()
	return 0, b.ctx.Err()
}

func (b *blockingBody) Close() error { return nil }

func TestGuardErr(t *testing.T) {
	refused := &wrapped{syscall.ECONNREFUSED}
	tests := []struct {
		name        string
		fire        bool // wait for the stall timer
		cancelFirst bool // cancel the parent instead
		err         error
		wantStall   bool
		wantIs      error
	}{
		{name: "dial error stays a dial error", err: refused, wantIs: syscall.ECONNREFUSED},
		{name: "nil stays nil", err: nil},
		{name: "timer fired: stall", fire: true, err: context.Canceled, wantStall: true, wantIs: ErrStalled},
		{name: "parent cancelled: not a stall", cancelFirst: true, err: context.Canceled, wantIs: context.Canceled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			parent, cancel := context.WithCancel(context.Background())
			defer cancel()
			d := time.Hour
			if tt.fire {
				d = time.Millisecond
			}
			ctx, g := Watch(parent, d)
			defer g.Stop()
			if tt.cancelFirst {
				cancel()
			}
			if tt.fire {
				<-ctx.Done()
			}
			got := g.Err(tt.err)
			var se *StallError
			if errors.As(got, &se) != tt.wantStall {
				t.Fatalf("Err(%v) = %v, stall %v, want %v", tt.err, got, !tt.wantStall, tt.wantStall)
			}
			if tt.wantStall && !strings.HasPrefix(got.Error(), "no progress for ") {
				t.Errorf("stall wording %q", got)
			}
			if !tt.wantStall && got != tt.err {
				t.Errorf("Err(%v) = %v, want it unchanged", tt.err, got)
			}
			if tt.wantIs != nil && !errors.Is(got, tt.wantIs) {
				t.Errorf("Err = %v, want errors.Is %v", got, tt.wantIs)
			}
		})
	}
}

type wrapped struct{ err error }

func (w *wrapped) Error() string { return "dial tcp 127.0.0.1:1: connect: " + w.err.Error() }
func (w *wrapped) Unwrap() error { return w.err }

// TestGuardBody: reads that bring bytes re-arm the timer; a body that stops
// is ended as a stall; Close releases the attempt's context.
func TestGuardBody(t *testing.T) {
	ctx, g := Watch(context.Background(), 50*time.Millisecond)
	body := g.Body(&blockingBody{ctx: ctx, data: []byte("first")})
	buf := make([]byte, 16)
	if n, err := body.Read(buf); n != 5 || err != nil {
		t.Fatalf("first read: %d %v", n, err)
	}
	_, err := body.Read(buf)
	if !errors.Is(err, ErrStalled) {
		t.Fatalf("stalled read: %v, want ErrStalled", err)
	}
	if err := body.Close(); err != nil {
		t.Fatal(err)
	}
	if ctx.Err() == nil {
		t.Error("Close left the attempt's context running")
	}
}

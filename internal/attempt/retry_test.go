package attempt

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"
)

func TestDelayGrowsExponentially(t *testing.T) {
	p := Policy{Base: 100 * time.Millisecond, Max: time.Second}
	for n, want := range []time.Duration{100 * time.Millisecond, 200 * time.Millisecond, 400 * time.Millisecond, 800 * time.Millisecond, time.Second, time.Second} {
		got := p.Delay(n, 0)
		if got < want*8/10 || got > want*12/10 {
			t.Errorf("attempt %d: delay %v, want %v ±20%%", n, got, want)
		}
	}
}

func TestDelayHonoursHint(t *testing.T) {
	p := Policy{Base: 100 * time.Millisecond, Max: time.Minute}
	tests := []struct {
		name string
		hint time.Duration
		want time.Duration
	}{
		{"hint below the backoff is taken as is", 7 * time.Millisecond, 7 * time.Millisecond},
		{"hint above the backoff", 7 * time.Second, 7 * time.Second},
		{"hint capped by max", time.Hour, time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := p.Delay(3, tt.hint); got != tt.want {
				t.Errorf("Delay(3, %v) = %v, want %v", tt.hint, got, tt.want)
			}
		})
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 22, 6, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		in   string
		want time.Duration
	}{
		{"seconds", "12", 12 * time.Second},
		{"seconds with spaces", " 3 ", 3 * time.Second},
		{"http date", now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second},
		{"past date", now.Add(-time.Hour).Format(http.TimeFormat), 0},
		{"negative", "-5", 0},
		{"garbage", "soon", 0},
		{"empty", "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := RetryAfter(tt.in, now); got != tt.want {
				t.Errorf("RetryAfter(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestCallerRetriesMark(t *testing.T) {
	if RetriedByCaller(context.Background()) {
		t.Error("an unmarked context claims the caller retries")
	}
	if !RetriedByCaller(CallerRetries(context.Background())) {
		t.Error("a marked context lost its mark")
	}
}

func TestSleepCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := Sleep(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Errorf("Sleep on a cancelled context = %v, want context.Canceled", err)
	}
	if err := Sleep(context.Background(), time.Microsecond); err != nil {
		t.Errorf("Sleep = %v", err)
	}
}

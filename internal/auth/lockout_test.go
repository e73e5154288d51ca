package auth

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
)

func TestBruteForceLockout(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	s := e.configured()
	const attacker, bystander = "203.0.113.7", "198.51.100.2"
	for i := 0; i < 5; i++ {
		if _, err := s.Login(ctx, "Wr0ng-guess!", false, attacker); !errors.Is(err, ErrInvalidCredentials) {
			t.Fatalf("attempt %d: %v; want ErrInvalidCredentials", i+1, err)
		}
	}
	_, err := s.Login(ctx, goodPassword, false, attacker)
	var le *LockedError
	if !errors.As(err, &le) || !errors.Is(err, anime.ErrRateLimited) {
		t.Fatalf("right password while locked: %v; want *LockedError", err)
	}
	if le.RetryAfter != DefaultLockoutPolicy().Duration {
		t.Fatalf("RetryAfter = %v; want %v", le.RetryAfter, DefaultLockoutPolicy().Duration)
	}
	if _, err := s.Login(ctx, goodPassword, false, bystander); err != nil {
		t.Fatalf("other client affected: %v", err)
	}
	e.clk.Advance(4 * time.Minute)
	if _, err := s.Login(ctx, goodPassword, false, attacker); !errors.As(err, &le) || le.RetryAfter != time.Minute {
		t.Fatalf("still locked after 4m: %v", err)
	}
	e.clk.Advance(time.Minute)
	if _, err := s.Login(ctx, goodPassword, false, attacker); err != nil {
		t.Fatalf("after lockout: %v", err)
	}
}

func TestLockoutWindowAndReset(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name       string
		steps      []string // "F" wrong, "S" right, "+61s" advance
		wantLocked bool
	}{
		{"four failures do not lock", []string{"F", "F", "F", "F"}, false},
		{"five failures lock", []string{"F", "F", "F", "F", "F"}, true},
		{"failures outside the window fall out", []string{"F", "F", "F", "F", "+61s", "F"}, false},
		{"success clears failures", []string{"F", "F", "F", "F", "S", "F", "F", "F", "F"}, false},
		{"window slides", []string{"F", "F", "+30s", "F", "F", "+31s", "F", "F", "F"}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			s := e.configured()
			for _, st := range tc.steps {
				var err error
				switch st {
				case "F":
					_, err = s.Login(ctx, "Wr0ng-guess!", false, "c")
					if !errors.Is(err, ErrInvalidCredentials) {
						t.Fatalf("step %s: %v", st, err)
					}
				case "S":
					if _, err = s.Login(ctx, goodPassword, false, "c"); err != nil {
						t.Fatalf("step %s: %v", st, err)
					}
				default:
					d, perr := time.ParseDuration(strings.TrimPrefix(st, "+"))
					if perr != nil {
						t.Fatal(perr)
					}
					e.clk.Advance(d)
				}
			}
			_, err := s.Login(ctx, goodPassword, false, "c")
			var le *LockedError
			if got := errors.As(err, &le); got != tc.wantLocked {
				t.Fatalf("locked = %v (%v); want %v", got, err, tc.wantLocked)
			}
		})
	}
}

func TestParallelBurstCannotExceedLockout(t *testing.T) {
	ctx := context.Background()
	s := newEnv(t).configured()
	const n = 32
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, errs[i] = s.Login(ctx, "Wr0ng-guess!", false, "burst")
		}()
	}
	close(start)
	wg.Wait()
	var wrong, locked int
	for _, err := range errs {
		var le *LockedError
		switch {
		case errors.Is(err, ErrInvalidCredentials):
			wrong++
		case errors.As(err, &le):
			locked++
		default:
			t.Fatalf("unexpected: %v", err)
		}
	}
	if wrong != 5 || locked != n-5 {
		t.Fatalf("%d password checks, %d locked; want exactly 5 checks", wrong, locked)
	}
	var le *LockedError
	if _, err := s.Login(ctx, goodPassword, false, "burst"); !errors.As(err, &le) {
		t.Fatalf("after burst: %v; want locked", err)
	}
}

func TestLockoutCancelledContextDoesNotCount(t *testing.T) {
	s := newEnv(t).configured()
	// Fill every hash slot so Login must wait, then cancel.
	for i := 0; i < cap(s.hashSlots); i++ {
		s.hashSlots <- struct{}{}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for i := 0; i < 10; i++ {
		if _, err := s.Login(ctx, "Wr0ng-guess!", false, "c"); !errors.Is(err, context.Canceled) {
			t.Fatalf("attempt %d: %v; want context.Canceled", i, err)
		}
	}
	for i := 0; i < cap(s.hashSlots); i++ {
		<-s.hashSlots
	}
	if _, err := s.Login(context.Background(), goodPassword, false, "c"); err != nil {
		t.Fatalf("aborted attempts were counted: %v", err)
	}
}

func TestLockoutClientsBounded(t *testing.T) {
	l := newLockout(DefaultLockoutPolicy(), 100)
	now := time.Now()
	for i := 0; i < 10000; i++ {
		c := "client-" + strings.Repeat("x", i%7) + string(rune(i))
		if err := l.begin(c, now); err != nil {
			t.Fatal(err)
		}
		l.fail(c, now)
	}
	if n := l.clients.len(); n > 100 {
		t.Fatalf("tracking %d clients; bound is 100", n)
	}
}

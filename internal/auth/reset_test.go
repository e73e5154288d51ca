package auth

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

func TestResetRemovesPasswordAndInvalidatesTokens(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	s := e.configured()
	sess, err := s.Login(ctx, goodPassword, false, "10.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	oldSecret, _ := os.ReadFile(filepath.Join(e.dir, SecretFile))

	if err := s.Reset(ctx); err != nil {
		t.Fatal(err)
	}
	if s.Configured() {
		t.Fatal("still configured after reset")
	}
	if _, err := os.Stat(filepath.Join(e.dir, PasswordFile)); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("password file still there: %v", err)
	}
	if _, err := s.Verify(ctx, sess.Token); !errors.Is(err, ErrTokenSignature) {
		t.Fatalf("old token after reset: %v; want ErrTokenSignature", err)
	}
	newSecret, _ := os.ReadFile(filepath.Join(e.dir, SecretFile))
	if string(newSecret) == string(oldSecret) {
		t.Fatal("secret file not rotated")
	}
	if _, err := s.Login(ctx, goodPassword, false, "10.0.0.1"); !errors.Is(err, ErrNotConfigured) {
		t.Fatalf("login after reset: %v", err)
	}

	// Setup works again, and a restart keeps the rotated secret: the old
	// token stays dead, a new one verifies.
	if err := s.Setup(ctx, "N3w-Passw0rd!x"); err != nil {
		t.Fatal(err)
	}
	fresh, err := s.Login(ctx, "N3w-Passw0rd!x", false, "10.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	e.restart()
	s2 := e.service()
	if _, err := s2.Verify(ctx, fresh.Token); err != nil {
		t.Fatalf("new token after restart: %v", err)
	}
	if _, err := s2.Verify(ctx, sess.Token); err == nil {
		t.Fatal("pre-reset token verifies after restart")
	}
}

func TestResetUnconfiguredAndCancelled(t *testing.T) {
	e := newEnv(t)
	s := e.service()
	if err := s.Reset(context.Background()); err != nil {
		t.Fatalf("reset without a password: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.Reset(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled reset: %v", err)
	}
}

// TestResetWhileVerifying runs Reset while other goroutines verify tokens;
// the race detector checks that the secret is swapped safely.
func TestResetWhileVerifying(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	s := e.configured()
	sess, err := s.Login(ctx, goodPassword, false, "10.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-done:
					return
				default:
					_, _ = s.Verify(ctx, sess.Token)
				}
			}
		}()
	}
	if err := s.Reset(ctx); err != nil {
		t.Fatal(err)
	}
	close(done)
	wg.Wait()
	if _, err := s.Verify(ctx, sess.Token); !errors.Is(err, ErrTokenSignature) {
		t.Fatalf("old token after reset: %v", err)
	}
}

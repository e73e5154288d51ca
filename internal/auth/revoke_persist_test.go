package auth

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aniworld/aniworld/internal/store"
)

// failingStore is the real store whose RevokeToken fails while broken is
// set (a full disk, a locked database).
type failingStore struct {
	*store.DB
	broken atomic.Bool
}

func (f *failingStore) RevokeToken(ctx context.Context, jti string, exp time.Time) error {
	if f.broken.Load() {
		return errors.New("disk full")
	}
	return f.DB.RevokeToken(ctx, jti, exp)
}

// TestRevokeTakesEffectWhenStoreFails: a logout whose revocation cannot be
// persisted still kills the token at once (and tells the OnInvalidate
// hooks); the record reaches the store once it works again, so the token
// stays dead after a restart.
func TestRevokeTakesEffectWhenStoreFails(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	e.configured()
	fs := &failingStore{DB: e.db}
	s, err := New(ctx, Options{DataDir: e.dir, Store: fs, Now: e.clk.Now, hashParams: fastParams})
	if err != nil {
		t.Fatal(err)
	}
	var hooks atomic.Int32
	s.OnInvalidate(func() { hooks.Add(1) })
	sess, err := s.Login(ctx, goodPassword, false, "c")
	if err != nil {
		t.Fatal(err)
	}

	fs.broken.Store(true)
	if err := s.Revoke(ctx, sess.Token); !errors.Is(err, ErrRevocationNotPersisted) {
		t.Fatalf("revoke with a failing store = %v, want ErrRevocationNotPersisted", err)
	}
	if _, err := s.Verify(ctx, sess.Token); !errors.Is(err, ErrTokenRevoked) {
		t.Fatalf("verify after failed persist = %v, want ErrTokenRevoked", err)
	}
	if hooks.Load() != 1 {
		t.Fatalf("OnInvalidate ran %d times, want 1", hooks.Load())
	}

	fs.broken.Store(false)
	if err := s.PruneRevoked(ctx); err != nil {
		t.Fatalf("prune (retries the write): %v", err)
	}
	e.restart()
	if _, err := e.service().Verify(ctx, sess.Token); !errors.Is(err, ErrTokenRevoked) {
		t.Fatalf("after restart = %v, want ErrTokenRevoked", err)
	}
}

// TestResetRunsInvalidateHooks: a reset ends every session; the hooks
// hear of it (the WebSocket hub closes the sockets).
func TestResetRunsInvalidateHooks(t *testing.T) {
	e := newEnv(t)
	s := e.configured()
	var hooks atomic.Int32
	s.OnInvalidate(func() { hooks.Add(1) })
	if err := s.Reset(context.Background()); err != nil {
		t.Fatal(err)
	}
	if hooks.Load() != 1 {
		t.Fatalf("OnInvalidate ran %d times, want 1", hooks.Load())
	}
}

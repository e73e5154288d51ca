package api

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/aniworld/aniworld/internal/auth"
	"github.com/aniworld/aniworld/internal/store"
)

// brokenRevocations is the real store whose revocation writes fail (a
// full disk).
type brokenRevocations struct {
	*store.DB
	broken atomic.Bool
}

func (b *brokenRevocations) RevokeToken(ctx context.Context, jti string, exp time.Time) error {
	if b.broken.Load() {
		return errors.New("database or disk is full")
	}
	return b.DB.RevokeToken(ctx, jti, exp)
}

// TestLogoutRevokesWhenPersistingFails: with a store that cannot record
// the revocation, logout still answers 200 and the token is refused at
// once (it used to answer 500 and leave the token valid).
func TestLogoutRevokesWhenPersistingFails(t *testing.T) {
	dir := t.TempDir()
	db, err := store.Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	st := &brokenRevocations{DB: db}
	svc, err := auth.New(context.Background(), auth.Options{DataDir: dir, Store: st})
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.Setup(context.Background(), "Sup3r-Secret!pw"); err != nil {
		t.Fatal(err)
	}
	sess, err := svc.Login(context.Background(), "Sup3r-Secret!pw", false, "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	s := New(Deps{DB: db, Version: "t", Gate: &Gate{Verifier: AuthVerifier{Svc: svc}},
		Services: Services{Auth: svc}, testRoutes: []func(huma.API){testRoutes}})
	call := func(method, path string) (int, string) {
		req := httptest.NewRequest(method, path, nil)
		req.Header.Set("Authorization", "Bearer "+sess.Token)
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		return rec.Code, rec.Body.String()
	}
	if code, body := call(http.MethodGet, "/api/test/missing"); code == http.StatusUnauthorized {
		t.Fatalf("token refused before logout: %s", body)
	}
	st.broken.Store(true)
	if code, body := call(http.MethodPost, "/api/auth/logout"); code != 200 || !strings.Contains(body, `"success":true`) {
		t.Fatalf("logout with a failing store: %d %s", code, body)
	}
	if code, body := call(http.MethodGet, "/api/test/missing"); code != http.StatusUnauthorized || !strings.Contains(body, "revoked") {
		t.Fatalf("after logout: %d %s, want 401 revoked", code, body)
	}
}

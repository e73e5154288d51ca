package auth

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/store"
)

const goodPassword = "Corr3ct-Horse!"

// fastParams keep tests quick; TestHashDefaultParams covers the real cost.
var fastParams = HashParams{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 11, 22, 6, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// env is one data directory with its database, reopenable like a restart.
type env struct {
	t   testing.TB
	dir string
	clk *clock
	db  *store.DB
}

func newEnv(t testing.TB) *env {
	t.Helper()
	e := &env{t: t, dir: t.TempDir(), clk: newClock()}
	e.openDB()
	return e
}

func (e *env) openDB() {
	e.t.Helper()
	db, err := store.Open(context.Background(), e.dir)
	if err != nil {
		e.t.Fatal(err)
	}
	e.db = db
	e.t.Cleanup(func() { db.Close() })
}

// restart closes and reopens the database, as a process restart would.
func (e *env) restart() {
	e.t.Helper()
	e.db.Close()
	e.openDB()
}

func (e *env) service() *Service {
	e.t.Helper()
	s, err := New(context.Background(), Options{DataDir: e.dir, Store: e.db, Now: e.clk.Now, hashParams: fastParams})
	if err != nil {
		e.t.Fatal(err)
	}
	return s
}

func (e *env) configured() *Service {
	e.t.Helper()
	s := e.service()
	if err := s.Setup(context.Background(), goodPassword); err != nil {
		e.t.Fatal(err)
	}
	return s
}

func TestSetupAndLogin(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	s := e.service()
	if s.Configured() {
		t.Fatal("configured before setup")
	}
	if _, err := s.Login(ctx, goodPassword, false, "10.0.0.1"); !errors.Is(err, ErrNotConfigured) {
		t.Fatalf("login before setup: %v; want ErrNotConfigured", err)
	}
	err := s.Setup(ctx, "short")
	var pe *PolicyError
	if !errors.As(err, &pe) || !errors.Is(err, anime.ErrInvalid) || len(pe.Failed) == 0 {
		t.Fatalf("weak setup: %v; want *PolicyError wrapping ErrInvalid", err)
	}
	if s.Configured() {
		t.Fatal("weak password configured")
	}
	if err := s.Setup(ctx, goodPassword); err != nil {
		t.Fatal(err)
	}
	if !s.Configured() {
		t.Fatal("not configured after setup")
	}
	err = s.Setup(ctx, "An0ther-Passw0rd!")
	if !errors.Is(err, ErrAlreadyConfigured) || !errors.Is(err, anime.ErrInvalid) {
		t.Fatalf("second setup: %v; want ErrAlreadyConfigured wrapping ErrInvalid", err)
	}
	if errors.As(err, &pe) {
		t.Fatal("ErrAlreadyConfigured must be distinguishable from *PolicyError")
	}
	_, err = s.Login(ctx, "Wrong-passw0rd", false, "10.0.0.1")
	if !errors.Is(err, ErrInvalidCredentials) || !errors.Is(err, anime.ErrUnauthorized) {
		t.Fatalf("wrong password: %v", err)
	}

	for _, tc := range []struct {
		name     string
		remember bool
		ttl      time.Duration
	}{
		{"session", false, DefaultSessionTimeout},
		{"remember", true, DefaultRememberFor},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sess, err := s.Login(ctx, goodPassword, tc.remember, "10.0.0.1")
			if err != nil {
				t.Fatal(err)
			}
			if want := e.clk.Now().Add(tc.ttl); !sess.ExpiresAt.Equal(want) {
				t.Fatalf("ExpiresAt = %v; want %v", sess.ExpiresAt, want)
			}
			c, err := s.Verify(ctx, sess.Token)
			if err != nil {
				t.Fatal(err)
			}
			if c.JTI != sess.JTI || c.Subject != tokenSubject || !c.ExpiresAt.Equal(sess.ExpiresAt) {
				t.Fatalf("claims = %+v; session = %+v", c, sess)
			}
			e.clk.Advance(tc.ttl - time.Second)
			if _, err := s.Verify(ctx, sess.Token); err != nil {
				t.Fatalf("just before expiry: %v", err)
			}
			e.clk.Advance(time.Second)
			if _, err := s.Verify(ctx, sess.Token); !errors.Is(err, ErrTokenExpired) {
				t.Fatalf("at expiry: %v; want ErrTokenExpired", err)
			}
		})
	}
}

func TestLoginIssuesUniqueJTIs(t *testing.T) {
	s := newEnv(t).configured()
	seen := map[string]bool{}
	for i := 0; i < 20; i++ {
		sess, err := s.Login(context.Background(), goodPassword, false, "c")
		if err != nil {
			t.Fatal(err)
		}
		if seen[sess.JTI] || len(sess.JTI) < 20 {
			t.Fatalf("jti %q repeated or short", sess.JTI)
		}
		seen[sess.JTI] = true
	}
}

func TestConcurrentFirstSetup(t *testing.T) {
	for _, tc := range []struct {
		name      string
		instances int // distinct Services on one data dir, like two processes
		callers   int
	}{
		{"one service", 1, 8},
		{"two services one dir", 2, 8},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			svcs := make([]*Service, tc.instances)
			for i := range svcs {
				svcs[i] = e.service()
			}
			start := make(chan struct{})
			errs := make([]error, tc.callers)
			var wg sync.WaitGroup
			for i := 0; i < tc.callers; i++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					errs[i] = svcs[i%tc.instances].Setup(context.Background(), goodPassword+string(rune('a'+i)))
				}()
			}
			close(start)
			wg.Wait()
			wins := 0
			for _, err := range errs {
				switch {
				case err == nil:
					wins++
				case errors.Is(err, ErrAlreadyConfigured):
				default:
					t.Fatalf("unexpected error: %v", err)
				}
			}
			if wins != 1 {
				t.Fatalf("%d setups succeeded; want exactly 1", wins)
			}
			// A restarted service sees the one winning password.
			s := e.service()
			ok := 0
			for i := 0; i < tc.callers; i++ {
				if _, err := s.Login(context.Background(), goodPassword+string(rune('a'+i)), false, "c"+string(rune('a'+i))); err == nil {
					ok++
				}
			}
			if ok != 1 {
				t.Fatalf("%d passwords log in; want 1", ok)
			}
		})
	}
}

func TestTokenSurvivesRestartUntilRevoked(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	sess, err := e.configured().Login(ctx, goodPassword, true, "c")
	if err != nil {
		t.Fatal(err)
	}
	e.restart()
	s := e.service()
	if _, err := s.Verify(ctx, sess.Token); err != nil {
		t.Fatalf("after restart: %v", err)
	}
	other, err := s.Login(ctx, goodPassword, false, "c")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Revoke(ctx, sess.Token); err != nil {
		t.Fatal(err)
	}
	if err := s.Revoke(ctx, sess.Token); err != nil {
		t.Fatalf("second revoke: %v", err)
	}
	if _, err := s.Verify(ctx, sess.Token); !errors.Is(err, ErrTokenRevoked) || !errors.Is(err, anime.ErrUnauthorized) {
		t.Fatalf("after revoke: %v; want ErrTokenRevoked", err)
	}
	e.restart()
	s = e.service()
	if _, err := s.Verify(ctx, sess.Token); !errors.Is(err, ErrTokenRevoked) {
		t.Fatalf("revoked token after restart: %v; want ErrTokenRevoked", err)
	}
	if _, err := s.Verify(ctx, other.Token); err != nil {
		t.Fatalf("unrevoked token after restart: %v", err)
	}
}

func TestRevokeRefusesForeignAndIgnoresExpired(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	s := e.configured()
	sess, err := s.Login(ctx, goodPassword, false, "c")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Revoke(ctx, "not.a.token"); !errors.Is(err, anime.ErrUnauthorized) {
		t.Fatalf("revoke garbage: %v", err)
	}
	e.clk.Advance(DefaultSessionTimeout)
	if err := s.Revoke(ctx, sess.Token); err != nil {
		t.Fatalf("revoke expired: %v", err)
	}
	if n := s.RevokedCount(); n != 0 {
		t.Fatalf("expired token stored: %d revocations", n)
	}
}

func TestPruneRevoked(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	s := e.configured()
	short, _ := s.Login(ctx, goodPassword, false, "c")
	long, _ := s.Login(ctx, goodPassword, true, "c")
	for _, tok := range []string{short.Token, long.Token} {
		if err := s.Revoke(ctx, tok); err != nil {
			t.Fatal(err)
		}
	}
	if n := s.RevokedCount(); n != 2 {
		t.Fatalf("RevokedCount = %d; want 2", n)
	}
	e.clk.Advance(DefaultSessionTimeout)
	if err := s.PruneRevoked(ctx); err != nil {
		t.Fatal(err)
	}
	if n := s.RevokedCount(); n != 1 {
		t.Fatalf("after prune RevokedCount = %d; want 1", n)
	}
	left, err := e.db.RevokedTokens(ctx, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := left[long.JTI]; len(left) != 1 || !ok {
		t.Fatalf("store holds %v; want only the long token", left)
	}
	if _, err := s.Verify(ctx, long.Token); !errors.Is(err, ErrTokenRevoked) {
		t.Fatalf("long token after prune: %v", err)
	}
}

func TestSecretFiles(t *testing.T) {
	e := newEnv(t)
	e.configured()
	secretPath := filepath.Join(e.dir, SecretFile)
	for _, name := range []string{PasswordFile, SecretFile} {
		st, err := os.Stat(filepath.Join(e.dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != 0o600 {
			t.Fatalf("%s mode %v; want 0600", name, st.Mode().Perm())
		}
	}
	before, err := os.ReadFile(secretPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(secretPath, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(filepath.Join(e.dir, PasswordFile), 0o640); err != nil {
		t.Fatal(err)
	}
	s := e.service()
	if !s.Configured() {
		t.Fatal("not configured after reopen")
	}
	for _, name := range []string{PasswordFile, SecretFile} {
		st, _ := os.Stat(filepath.Join(e.dir, name))
		if st.Mode().Perm() != 0o600 {
			t.Fatalf("%s not re-secured: %v", name, st.Mode().Perm())
		}
	}
	after, _ := os.ReadFile(secretPath)
	if string(before) != string(after) {
		t.Fatal("secret changed across restart")
	}
	entries, _ := os.ReadDir(e.dir)
	for _, de := range entries {
		if filepath.Ext(de.Name()) != ".db" && de.Name() != PasswordFile && de.Name() != SecretFile &&
			de.Name() != store.FileName+"-wal" && de.Name() != store.FileName+"-shm" {
			t.Fatalf("stray file %q left in data dir", de.Name())
		}
	}
}

func TestNewRefusesBadFiles(t *testing.T) {
	for _, tc := range []struct {
		name  string
		file  string
		data  string
		plant func(t *testing.T, path string)
	}{
		{name: "short secret", file: SecretFile, data: "c2hvcnQ=\n"},
		{name: "secret not base64", file: SecretFile, data: "%%%%\n"},
		{name: "auth not json", file: PasswordFile, data: "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA"},
		{name: "auth malformed hash", file: PasswordFile, data: `{"password_hash":"$argon2id$v=19$m=64,t=1,p=1$!!$secretish"}`},
		{name: "secret is a directory", file: SecretFile, plant: func(t *testing.T, path string) {
			if err := os.Mkdir(path, 0o700); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			path := filepath.Join(e.dir, tc.file)
			if tc.plant != nil {
				tc.plant(t, path)
			} else if err := os.WriteFile(path, []byte(tc.data), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := New(context.Background(), Options{DataDir: e.dir, Store: e.db})
			if err == nil {
				t.Fatal("New accepted a bad file")
			}
			if tc.data != "" && containsAny(err.Error(), tc.data, "secretish", "c2FsdHNhbHRzYWx0") {
				t.Fatalf("error leaks file content: %v", err)
			}
		})
	}
}

func TestLoginUpgradesOutdatedHash(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	e.configured() // fastParams
	stronger := HashParams{Memory: 128, Time: 2, Threads: 1, SaltLen: 16, KeyLen: 32}
	s, err := New(ctx, Options{DataDir: e.dir, Store: e.db, Now: e.clk.Now, hashParams: stronger})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Login(ctx, "Wr0ng-guess!", false, "c"); !errors.Is(err, ErrInvalidCredentials) {
		t.Fatal(err)
	}
	if p, _, _, _ := ParseHash(s.passwordHash()); p != fastParams {
		t.Fatal("a failed login rehashed")
	}
	if _, err := s.Login(ctx, goodPassword, false, "c"); err != nil {
		t.Fatal(err)
	}
	reopened, err := New(ctx, Options{DataDir: e.dir, Store: e.db, Now: e.clk.Now, hashParams: stronger})
	if err != nil {
		t.Fatal(err)
	}
	if p, _, _, err := ParseHash(reopened.passwordHash()); err != nil || p != stronger {
		t.Fatalf("stored params %+v, %v; want %+v", p, err, stronger)
	}
	if _, err := reopened.Login(ctx, goodPassword, false, "c"); err != nil {
		t.Fatalf("login after upgrade: %v", err)
	}
	st, err := os.Stat(filepath.Join(e.dir, PasswordFile))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("auth.json mode after upgrade: %v, %v", st.Mode().Perm(), err)
	}
}

package auth

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSecretsNeverInErrors drives every error path and checks no error
// string contains the password, the stored hash (or its parts), the JWT
// secret or a token.
func TestSecretsNeverInErrors(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	s := e.service()
	const weak = "weakpassword"
	var errs []error
	collect := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	_, err := s.Login(ctx, goodPassword, false, "c")
	collect(err)
	collect(s.Setup(ctx, weak))
	collect(s.Setup(ctx, goodPassword))
	collect(s.Setup(ctx, goodPassword))
	for i := 0; i < 7; i++ {
		_, err := s.Login(ctx, goodPassword+"x", false, "c")
		collect(err)
	}
	_, err = s.Login(ctx, goodPassword, false, "c")
	collect(err)
	sess, err := s.Login(ctx, goodPassword, false, "other")
	if err != nil {
		t.Fatal(err)
	}
	for _, tok := range []string{sess.Token + "x", sess.Token[:len(sess.Token)-5], strings.Replace(sess.Token, ".", "..", 1)} {
		_, err := s.Verify(ctx, tok)
		collect(err)
		collect(s.Revoke(ctx, tok))
	}
	collect(s.Revoke(ctx, sess.Token))
	_, err = s.Verify(ctx, sess.Token)
	collect(err)

	raw, err := os.ReadFile(filepath.Join(e.dir, PasswordFile))
	if err != nil {
		t.Fatal(err)
	}
	var rec passwordRecord
	if err := json.Unmarshal(raw, &rec); err != nil {
		t.Fatal(err)
	}
	secretB64, err := os.ReadFile(filepath.Join(e.dir, SecretFile))
	if err != nil {
		t.Fatal(err)
	}
	phcParts := strings.Split(rec.PasswordHash, "$")

	// Corrupt files: New's errors must not quote them either.
	for name, data := range map[string]string{
		PasswordFile: `{"password_hash":"` + rec.PasswordHash + `$!"}`,
		SecretFile:   strings.TrimSpace(string(secretB64))[:20] + "\n",
	} {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := New(ctx, Options{DataDir: dir, Store: e.db})
		if err == nil {
			t.Fatalf("corrupt %s accepted", name)
		}
		collect(err)
	}

	secrets := []string{
		goodPassword, weak, rec.PasswordHash, phcParts[4], phcParts[5],
		strings.TrimSpace(string(secretB64)), strings.TrimSpace(string(secretB64))[:20],
		base64.RawURLEncoding.EncodeToString(s.secret), string(s.secret),
		sess.Token, strings.Split(sess.Token, ".")[2],
	}
	if len(errs) < 15 {
		t.Fatalf("only %d errors collected; the scenario did not run", len(errs))
	}
	for _, err := range errs {
		if containsAny(err.Error(), secrets...) {
			t.Fatalf("error leaks a secret: %q", err)
		}
	}
}

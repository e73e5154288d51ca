package auth

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/golang-jwt/jwt/v5"
)

// sign makes a token with arbitrary method, key and claims.
func sign(t *testing.T, m jwt.SigningMethod, key any, claims jwt.Claims) string {
	t.Helper()
	s, err := jwt.NewWithClaims(m, claims).SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestVerifyRejectsTokenDefects(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	s := e.configured()
	now := e.clk.Now()
	good := func() jwt.RegisteredClaims {
		return jwt.RegisteredClaims{
			Issuer: tokenIssuer, Subject: tokenSubject, ID: "jti-" + rand.Text(),
			IssuedAt: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(now.Add(time.Hour)),
		}
	}
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	otherSecret := make([]byte, 64)
	rand.Read(otherSecret)

	valid, err := s.Login(ctx, goodPassword, false, "c")
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(valid.Token, ".")
	revoked, _ := s.Login(ctx, goodPassword, false, "c")
	if err := s.Revoke(ctx, revoked.Token); err != nil {
		t.Fatal(err)
	}

	tamperedSig := []byte(parts[2])
	if tamperedSig[10] == 'A' {
		tamperedSig[10] = 'B'
	} else {
		tamperedSig[10] = 'A'
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var pm map[string]any
	if err := json.Unmarshal(payload, &pm); err != nil {
		t.Fatal(err)
	}
	pm["exp"] = now.Add(10 * 365 * 24 * time.Hour).Unix()
	forged, _ := json.Marshal(pm)

	rsHeader := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"RS256","typ":"JWT"}`))
	confused := sign(t, jwt.SigningMethodHS256, s.secret, good())
	confusedParts := strings.Split(confused, ".")

	noJTI := good()
	noJTI.ID = ""
	noExp := good()
	noExp.ExpiresAt = nil
	futureIAT := good()
	futureIAT.IssuedAt = jwt.NewNumericDate(now.Add(time.Hour))
	wrongIss := good()
	wrongIss.Issuer = "someone-else"
	wrongSub := good()
	wrongSub.Subject = "admin"
	expired := good()
	expired.IssuedAt = jwt.NewNumericDate(now.Add(-2 * time.Hour))
	expired.ExpiresAt = jwt.NewNumericDate(now.Add(-time.Hour))
	expiredBadSig := sign(t, jwt.SigningMethodHS256, otherSecret, expired)

	for _, tc := range []struct {
		name  string
		token string
		want  error
	}{
		{"empty", "", ErrTokenMalformed},
		{"garbage", "not-a-jwt", ErrTokenMalformed},
		{"two segments", parts[0] + "." + parts[1], ErrTokenMalformed},
		{"bad base64 payload", parts[0] + ".%%%." + parts[2], ErrTokenMalformed},
		{"oversized", strings.Repeat("a", maxTokenLength+1), ErrTokenMalformed},
		{"expired", sign(t, jwt.SigningMethodHS256, s.secret, expired), ErrTokenExpired},
		{"expired with foreign signature", expiredBadSig, ErrTokenSignature},
		{"revoked", revoked.Token, ErrTokenRevoked},
		{"tampered signature", parts[0] + "." + parts[1] + "." + string(tamperedSig), ErrTokenSignature},
		{"tampered payload", parts[0] + "." + base64.RawURLEncoding.EncodeToString(forged) + "." + parts[2], ErrTokenSignature},
		{"stripped signature", parts[0] + "." + parts[1] + ".", ErrTokenSignature},
		{"alg none", sign(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, good()), ErrTokenSignature},
		{"HS384 with our secret", sign(t, jwt.SigningMethodHS384, s.secret, good()), ErrTokenSignature},
		{"HS512 with our secret", sign(t, jwt.SigningMethodHS512, s.secret, good()), ErrTokenSignature},
		{"RS256 real key", sign(t, jwt.SigningMethodRS256, rsaKey, good()), ErrTokenSignature},
		{"RS256 header HMAC body", rsHeader + "." + confusedParts[1] + "." + confusedParts[2], ErrTokenSignature},
		{"other installation's secret", sign(t, jwt.SigningMethodHS256, otherSecret, good()), ErrTokenSignature},
		{"missing jti", sign(t, jwt.SigningMethodHS256, s.secret, noJTI), ErrTokenInvalid},
		{"missing exp", sign(t, jwt.SigningMethodHS256, s.secret, noExp), ErrTokenInvalid},
		{"iat in the future", sign(t, jwt.SigningMethodHS256, s.secret, futureIAT), ErrTokenInvalid},
		{"wrong issuer", sign(t, jwt.SigningMethodHS256, s.secret, wrongIss), ErrTokenInvalid},
		{"wrong subject", sign(t, jwt.SigningMethodHS256, s.secret, wrongSub), ErrTokenInvalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.Verify(ctx, tc.token)
			if !errors.Is(err, tc.want) || !errors.Is(err, anime.ErrUnauthorized) {
				t.Fatalf("Verify = %v; want %v wrapping ErrUnauthorized", err, tc.want)
			}
		})
	}
	t.Run("baseline valid", func(t *testing.T) {
		if _, err := s.Verify(ctx, valid.Token); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Verify(ctx, sign(t, jwt.SigningMethodHS256, s.secret, good())); err != nil {
			t.Fatalf("hand-made good token: %v", err)
		}
	})
}

func TestVerifyHeaderIsHS256(t *testing.T) {
	s := newEnv(t).configured()
	sess, err := s.Login(context.Background(), goodPassword, false, "c")
	if err != nil {
		t.Fatal(err)
	}
	head, _ := base64.RawURLEncoding.DecodeString(strings.Split(sess.Token, ".")[0])
	var h map[string]any
	if err := json.Unmarshal(head, &h); err != nil || h["alg"] != "HS256" {
		t.Fatalf("header = %s, %v; want alg HS256", head, err)
	}
}

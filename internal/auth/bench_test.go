package auth

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/aniworld/aniworld/internal/store"
)

var _ RevocationStore = (*store.DB)(nil)

func BenchmarkVerifyPasswordDefault(b *testing.B) {
	phc, err := HashPassword(goodPassword, DefaultHashParams())
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if ok, _ := VerifyPassword(goodPassword, phc); !ok {
			b.Fatal("mismatch")
		}
	}
}

func BenchmarkVerifyToken(b *testing.B) {
	s := newEnv(b).configured()
	sess, err := s.Login(context.Background(), goodPassword, false, "c")
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := s.Verify(context.Background(), sess.Token); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLimiterAllow(b *testing.B) {
	l := NewLimiter(60, time.Minute, DefaultMaxKeys)
	keys := make([]string, 50000)
	for i := range keys {
		keys[i] = "192.0." + strconv.Itoa(i>>8&255) + "." + strconv.Itoa(i&255) + "-" + strconv.Itoa(i)
	}
	i := 0
	for b.Loop() {
		l.Allow(keys[i%len(keys)])
		i++
	}
}

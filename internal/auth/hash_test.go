package auth

import (
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestHashDefaultParams(t *testing.T) {
	p := DefaultHashParams()
	if p.Memory < 19456 || p.Time < 2 || p.Threads < 1 || p.SaltLen < 16 || p.KeyLen < 32 {
		t.Fatalf("defaults %+v below the OWASP minimum", p)
	}
	phc, err := HashPassword(goodPassword, p)
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`)
	if !re.MatchString(phc) {
		t.Fatalf("PHC %q has the wrong shape", phc)
	}
	start := time.Now()
	ok, err := VerifyPassword(goodPassword, phc)
	if err != nil || !ok {
		t.Fatalf("verify = %v, %v", ok, err)
	}
	t.Logf("argon2id verify with default params: %v", time.Since(start))
	if ok, err := VerifyPassword(goodPassword+"x", phc); err != nil || ok {
		t.Fatalf("wrong password verify = %v, %v", ok, err)
	}
	other, _ := HashPassword(goodPassword, p)
	if other == phc {
		t.Fatal("two hashes of one password are equal: salt not random")
	}
}

func TestHashRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		name string
		p    HashParams
		pw   string
	}{
		{"fast", fastParams, goodPassword},
		{"two lanes", HashParams{Memory: 128, Time: 3, Threads: 2, SaltLen: 32, KeyLen: 64}, "Ünïcødé-Pässwörd-1"},
		{"empty password", fastParams, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			phc, err := HashPassword(tc.pw, tc.p)
			if err != nil {
				t.Fatal(err)
			}
			got, salt, key, err := ParseHash(phc)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.p || len(salt) != int(tc.p.SaltLen) || len(key) != int(tc.p.KeyLen) {
				t.Fatalf("parsed %+v (salt %d, key %d); want %+v", got, len(salt), len(key), tc.p)
			}
			if ok, err := VerifyPassword(tc.pw, phc); !ok || err != nil {
				t.Fatalf("verify = %v, %v", ok, err)
			}
			if ok, _ := VerifyPassword(tc.pw+"!", phc); ok {
				t.Fatal("verify accepted a different password")
			}
		})
	}
}

func TestHashPasswordRejectsWeakParams(t *testing.T) {
	for _, p := range []HashParams{{}, {Memory: 64, Time: 0, Threads: 1, SaltLen: 16, KeyLen: 32}, {Memory: 64, Time: 1, Threads: 1, SaltLen: 4, KeyLen: 32}} {
		if _, err := HashPassword("x", p); err == nil {
			t.Errorf("params %+v accepted", p)
		}
	}
}

const (
	testSalt = "c2FsdHNhbHRzYWx0c2FsdA"                      // 16 bytes
	testKey  = "aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g" // 32 bytes
)

func TestParseHashRejectsMalformed(t *testing.T) {
	good := "$argon2id$v=19$m=64,t=1,p=1$" + testSalt + "$" + testKey
	if _, _, _, err := ParseHash(good); err != nil {
		t.Fatalf("baseline: %v", err)
	}
	for _, tc := range []struct{ name, phc string }{
		{"empty", ""},
		{"plain text", "hunter2"},
		{"bcrypt", "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy"},
		{"argon2i", "$argon2i$v=19$m=64,t=1,p=1$" + testSalt + "$" + testKey},
		{"argon2d", "$argon2d$v=19$m=64,t=1,p=1$" + testSalt + "$" + testKey},
		{"old version", "$argon2id$v=16$m=64,t=1,p=1$" + testSalt + "$" + testKey},
		{"missing version", "$argon2id$m=64,t=1,p=1$" + testSalt + "$" + testKey},
		{"no leading dollar", "argon2id$v=19$m=64,t=1,p=1$" + testSalt + "$" + testKey},
		{"extra field", good + "$extra"},
		{"missing param", "$argon2id$v=19$m=64,t=1$" + testSalt + "$" + testKey},
		{"duplicate param", "$argon2id$v=19$m=64,t=1,t=2,p=1$" + testSalt + "$" + testKey},
		{"unknown param", "$argon2id$v=19$m=64,t=1,p=1,x=3$" + testSalt + "$" + testKey},
		{"negative", "$argon2id$v=19$m=-64,t=1,p=1$" + testSalt + "$" + testKey},
		{"leading zero", "$argon2id$v=19$m=064,t=1,p=1$" + testSalt + "$" + testKey},
		{"zero time", "$argon2id$v=19$m=64,t=0,p=1$" + testSalt + "$" + testKey},
		{"zero threads", "$argon2id$v=19$m=64,t=1,p=0$" + testSalt + "$" + testKey},
		{"threads overflow", "$argon2id$v=19$m=64,t=1,p=256$" + testSalt + "$" + testKey},
		{"memory too small for lanes", "$argon2id$v=19$m=8,t=1,p=4$" + testSalt + "$" + testKey},
		{"memory huge", "$argon2id$v=19$m=4294967295,t=1,p=1$" + testSalt + "$" + testKey},
		{"time huge", "$argon2id$v=19$m=64,t=100000,p=1$" + testSalt + "$" + testKey},
		{"salt not base64", "$argon2id$v=19$m=64,t=1,p=1$!!!!$" + testKey},
		{"salt padded", "$argon2id$v=19$m=64,t=1,p=1$" + testSalt + "==$" + testKey},
		{"salt too short", "$argon2id$v=19$m=64,t=1,p=1$c2FsdA$" + testKey},
		{"hash too short", "$argon2id$v=19$m=64,t=1,p=1$" + testSalt + "$aGFzaA"},
		{"hash empty", "$argon2id$v=19$m=64,t=1,p=1$" + testSalt + "$"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, _, err := ParseHash(tc.phc)
			if !errors.Is(err, ErrMalformedHash) {
				t.Fatalf("ParseHash = %v; want ErrMalformedHash", err)
			}
			if containsAny(err.Error(), testSalt, testKey, "hunter2") {
				t.Fatalf("error echoes the hash: %v", err)
			}
			if ok, err := VerifyPassword("hunter2", tc.phc); ok || !errors.Is(err, ErrMalformedHash) {
				t.Fatalf("VerifyPassword = %v, %v; want false, ErrMalformedHash", ok, err)
			}
		})
	}
}

func FuzzParseHash(f *testing.F) {
	for _, s := range []string{
		"$argon2id$v=19$m=64,t=1,p=1$" + testSalt + "$" + testKey,
		"$argon2id$v=19$m=19456,t=2,p=1$" + testSalt + "$" + testKey,
		"$argon2id$v=19$p=1,t=1,m=64$" + testSalt + "$" + testKey,
		"$argon2i$v=19$m=64,t=1,p=1$$",
		"", "$", "$$$$$", "$argon2id$v=19$m=,t=,p=$a$b",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, salt, key, err := ParseHash(s)
		if err != nil {
			if !errors.Is(err, ErrMalformedHash) {
				t.Fatalf("error %v does not wrap ErrMalformedHash", err)
			}
			if len(s) > 12 && strings.Contains(err.Error(), s) {
				t.Fatalf("error echoes input")
			}
			return
		}
		if p.Memory > maxHashMemory || p.Time > maxHashTime || p.Threads == 0 ||
			len(salt) < minSaltLen || len(key) < minKeyLen || int(p.KeyLen) != len(key) {
			t.Fatalf("accepted out-of-bounds %+v", p)
		}
	})
}

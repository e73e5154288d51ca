package auth

import (
	"net/http/httptest"
	"testing"
)

func TestBearerToken(t *testing.T) {
	for _, tc := range []struct {
		name, header, want string
		ok                 bool
	}{
		{"absent", "", "", false},
		{"bearer", "Bearer abc.def.ghi", "abc.def.ghi", true},
		{"lower-case scheme", "bearer abc", "abc", true},
		{"extra spaces", "  Bearer   abc  ", "abc", true},
		{"basic", "Basic dXNlcjpwYXNz", "", false},
		{"scheme only", "Bearer", "", false},
		{"empty token", "Bearer   ", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			if tc.header != "" {
				r.Header.Set("Authorization", tc.header)
			}
			got, ok := BearerToken(r)
			if got != tc.want || ok != tc.ok {
				t.Fatalf("BearerToken = %q, %v; want %q, %v", got, ok, tc.want, tc.ok)
			}
		})
	}
}

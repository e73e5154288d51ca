package auth

import (
	"runtime"
	"strconv"
	"testing"
	"time"
)

func TestLimiterWindow(t *testing.T) {
	type step struct {
		advance time.Duration
		key     string
		allowed bool
		remain  int // checked when allowed
	}
	for _, tc := range []struct {
		name  string
		steps []step
	}{
		{"burst to limit then refuse", []step{
			{0, "a", true, 4}, {0, "a", true, 3}, {0, "a", true, 2}, {0, "a", true, 1}, {0, "a", true, 0},
			{0, "a", false, 0}, {59 * time.Second, "a", false, 0},
		}},
		{"keys are independent", []step{
			{0, "a", true, 4}, {0, "a", true, 3}, {0, "a", true, 2}, {0, "a", true, 1}, {0, "a", true, 0},
			{0, "a", false, 0}, {0, "b", true, 4},
		}},
		{"previous window slides out gradually", []step{
			{0, "a", true, 4}, {0, "a", true, 3}, {0, "a", true, 2}, {0, "a", true, 1}, {0, "a", true, 0},
			{60 * time.Second, "a", false, 0}, // estimate is still 5
			{time.Second, "a", true, 0},       // 5*59/60 < 5
			{0, "a", false, 0},
			{11 * time.Second, "a", false, 0}, // 5*48/60 + 1 = 5, not below the limit
			{time.Second, "a", true, 0},       // 5*47/60 + 1 < 5
		}},
		{"no double burst across the boundary", []step{
			{0, "a", true, 4}, {59 * time.Second, "a", true, 3}, {0, "a", true, 2}, {0, "a", true, 1}, {0, "a", true, 0},
			{2 * time.Second, "a", true, 0}, {0, "a", false, 0},
		}},
		{"idle key starts afresh after two windows", []step{
			{0, "a", true, 4}, {0, "a", true, 3}, {0, "a", true, 2}, {0, "a", true, 1}, {0, "a", true, 0},
			{120 * time.Second, "a", true, 4},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clk := newClock()
			l := NewLimiter(5, time.Minute, 100, WithClock(clk.Now))
			for i, s := range tc.steps {
				clk.Advance(s.advance)
				d := l.Allow(s.key)
				if d.Allowed != s.allowed || d.Limit != 5 {
					t.Fatalf("step %d: %+v; want allowed=%v", i, d, s.allowed)
				}
				if d.Allowed && (d.Remaining != s.remain || d.RetryAfter != 0) {
					t.Fatalf("step %d: %+v; want remaining %d", i, d, s.remain)
				}
				if !d.Allowed && (d.Remaining != 0 || d.RetryAfter <= 0) {
					t.Fatalf("step %d: refused %+v without a retry time", i, d)
				}
			}
		})
	}
}

// TestLimiterRetryAfterIsExact checks that a refused key is still refused
// 1ns before RetryAfter and allowed 1ns after it, in several states.
func TestLimiterRetryAfterIsExact(t *testing.T) {
	for _, tc := range []struct {
		name   string
		limit  int
		before []time.Duration // advances, one request after each
	}{
		{"full current window", 5, []time.Duration{0, 0, 0, 0, 0}},
		{"limit one", 1, []time.Duration{0}},
		{"spread over two windows", 5, []time.Duration{0, 10 * time.Second, 20 * time.Second, 20 * time.Second, 5 * time.Second, 10 * time.Second, 3 * time.Second}},
		{"mostly previous window", 4, []time.Duration{0, 0, 0, 0, 61 * time.Second}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clk := newClock()
			l := NewLimiter(tc.limit, time.Minute, 10, WithClock(clk.Now))
			for _, adv := range tc.before {
				clk.Advance(adv)
				l.Allow("k")
			}
			var d Decision
			for d = l.Allow("k"); d.Allowed; d = l.Allow("k") {
			}
			wait := d.RetryAfter
			clk.Advance(wait - time.Nanosecond)
			if d2 := l.Allow("k"); d2.Allowed {
				t.Fatalf("allowed 1ns before RetryAfter %v", wait)
			}
			clk.Advance(2 * time.Nanosecond)
			if d2 := l.Allow("k"); !d2.Allowed {
				t.Fatalf("refused just after RetryAfter %v: %+v", wait, d2)
			}
		})
	}
}

func TestLimiterDisabled(t *testing.T) {
	for _, l := range []*Limiter{NewLimiter(0, time.Minute, 1), NewLimiter(5, 0, 1)} {
		for i := 0; i < 100; i++ {
			if !l.Allow("k").Allowed {
				t.Fatal("disabled limiter refused")
			}
		}
		if l.Len() != 0 {
			t.Fatal("disabled limiter tracked keys")
		}
	}
}

func TestLimiterEvictsLeastRecentlyUsed(t *testing.T) {
	clk := newClock()
	l := NewLimiter(2, time.Minute, 2, WithClock(clk.Now))
	for _, k := range []string{"a", "a", "b", "b"} {
		l.Allow(k)
	}
	if l.Allow("a").Allowed || l.Allow("b").Allowed {
		t.Fatal("a and b should be exhausted")
	}
	l.Allow("a") // touch a: b is now least recently used
	l.Allow("c") // evicts b
	if l.Len() != 2 {
		t.Fatalf("Len = %d; want 2", l.Len())
	}
	if l.Allow("a").Allowed {
		t.Fatal("a was evicted; want b evicted")
	}
	if !l.Allow("b").Allowed {
		t.Fatal("b kept its count; want it evicted and fresh")
	}
}

// TestLimiterFloodBound floods a limiter with 100k distinct addresses and
// checks entries and heap stay bounded.
func TestLimiterFloodBound(t *testing.T) {
	const maxKeys, flood = 1000, 100_000
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	l := NewLimiter(5, time.Minute, maxKeys)
	for i := 0; i < flood; i++ {
		ip := "10." + strconv.Itoa(i>>16&255) + "." + strconv.Itoa(i>>8&255) + "." + strconv.Itoa(i&255)
		if !l.Allow(ip).Allowed {
			t.Fatalf("fresh key %s refused", ip)
		}
		if n := l.Len(); n > maxKeys {
			t.Fatalf("after %d keys Len = %d > %d", i+1, n, maxKeys)
		}
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	grown := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	perKey := grown / maxKeys
	t.Logf("%d distinct keys -> %d entries, heap +%d bytes (~%d bytes/entry)", flood, l.Len(), grown, perKey)
	if grown > maxKeys*1024 {
		t.Fatalf("heap grew %d bytes for %d entries; want < 1 KiB/entry", grown, maxKeys)
	}
	runtime.KeepAlive(l)
}

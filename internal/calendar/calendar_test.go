package calendar

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestICS(t *testing.T) {
	now := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	long := strings.Repeat("Überlänge ", 12)
	got := string(ICS("aniworld", []Entry{
		{Kind: "downloaded", At: now.Add(-time.Hour), SeriesKey: "demo", SeriesName: "Demo & Friends", Season: 1, Episode: 4, Title: "Tom, Jerry; and \\ more", Language: "German Dub"},
		{Kind: "found", At: now.Add(-2 * time.Hour), SeriesKey: "demo", SeriesName: "Demo", Season: 2, Episode: 1, Title: long},
		{Kind: "check", At: now.Add(time.Hour), SeriesKey: "demo", SeriesName: "Demo"},
	}, now))
	unfolded := strings.ReplaceAll(got, "\r\n ", "")
	for _, want := range []string{
		"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n",
		"SUMMARY:Downloaded: Demo & Friends S01E04 – Tom\\, Jerry\\; and \\\\ more (German Dub)\r\n",
		"DTSTART:20261203T090000Z\r\nDTEND:20261203T093000Z\r\n",
		"SUMMARY:Check for new episodes: Demo\r\n",
		"UID:downloaded-demo-1-4-",
		"END:VCALENDAR\r\n",
	} {
		if !strings.Contains(unfolded, want) {
			t.Errorf("feed lacks %q:\n%s", want, got)
		}
	}
	for _, l := range strings.Split(got, "\r\n") {
		if len(l) > 75 {
			t.Errorf("line longer than 75 octets: %q", l)
		}
	}
	if !strings.Contains(unfolded, "New episode: Demo S02E01 – "+long) {
		t.Error("folded line does not unfold to the summary")
	}
}

func TestTokens(t *testing.T) {
	p := filepath.Join(t.TempDir(), "calendar_feed_token")
	tk := NewTokens(p)
	a, err := tk.Get()
	if err != nil || len(a) != 48 {
		t.Fatalf("Get = %q, %v", a, err)
	}
	if st, _ := os.Stat(p); st.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v", st.Mode())
	}
	if b, _ := NewTokens(p).Get(); b != a {
		t.Fatal("token not kept across instances")
	}
	if !tk.Check(a) || tk.Check("") || tk.Check(a[:47]) {
		t.Fatal("Check")
	}
	b, _ := tk.Rotate()
	if b == a || tk.Check(a) || !tk.Check(b) {
		t.Fatal("rotate did not replace the token")
	}
}

func FuzzFold(f *testing.F) {
	f.Add("SUMMARY:" + strings.Repeat("ä", 80))
	f.Add("x")
	f.Fuzz(func(t *testing.T, s string) {
		out := fold(s)
		if strings.ReplaceAll(out, "\r\n ", "") != s {
			t.Fatalf("fold does not round-trip %q", s)
		}
	})
}

package covers

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestCacheEvictsLeastRecentlyUsedByBytes(t *testing.T) {
	dir := t.TempDir()
	clk := &clock{t: time.Unix(1_700_000_000, 0)}
	c, err := openCache(dir, 3000, clk.Now)
	if err != nil {
		t.Fatal(err)
	}
	put := func(name string, n int) {
		t.Helper()
		clk.Add(time.Second)
		if err := c.put(name, make([]byte, n)); err != nil {
			t.Fatal(err)
		}
	}
	put("s-01", 1000)
	put("s-02", 1000)
	put("s-03", 1000)
	clk.Add(time.Second)
	if _, ok := c.get("s-01"); !ok { // now the most recent
		t.Fatal("s-01 missing")
	}
	put("s-04", 1000) // over the cap: s-02 is the least recently used
	if _, ok := c.get("s-02"); ok {
		t.Fatal("s-02 kept")
	}
	if _, err := os.Stat(filepath.Join(dir, "s-02")); !os.IsNotExist(err) {
		t.Fatalf("s-02 file still there: %v", err)
	}
	if total, n := c.usage(); total != 3000 || n != 3 {
		t.Fatalf("usage %d bytes in %d files", total, n)
	}
	put("s-05", 5000) // larger than the cap: not kept, nothing evicted for it
	if _, ok := c.get("s-05"); ok {
		t.Fatal("oversized entry kept")
	}

	// A restart with a smaller cap keeps the most recently used (by mtime).
	clk.Add(time.Second)
	c.get("s-03")
	os.WriteFile(filepath.Join(dir, ".s-09.tmp-123"), []byte("half"), 0o600) // an interrupted write
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("not ours"), 0o600)
	c2, err := openCache(dir, 2000, clk.Now)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := c2.get("s-03"); !ok {
		t.Fatal("most recent entry evicted on reopen")
	}
	if _, ok := c2.get("s-01"); ok {
		t.Fatal("least recent entry kept on reopen")
	}
	if _, err := os.Stat(filepath.Join(dir, ".s-09.tmp-123")); !os.IsNotExist(err) {
		t.Fatal("temp file left behind")
	}
	if _, err := os.Stat(filepath.Join(dir, "notes.txt")); err != nil {
		t.Fatal("a foreign file was removed")
	}
}

func TestCacheForgetsFilesRemovedBehindItsBack(t *testing.T) {
	dir := t.TempDir()
	c, _ := openCache(dir, 1<<20, time.Now)
	c.put("r-aa", []byte("x"))
	os.Remove(filepath.Join(dir, "r-aa"))
	if _, ok := c.get("r-aa"); ok {
		t.Fatal("hit on a removed file")
	}
	if total, n := c.usage(); total != 0 || n != 0 {
		t.Fatalf("usage %d/%d", total, n)
	}
}

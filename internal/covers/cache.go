package covers

import (
	"container/list"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aniworld/aniworld/internal/atomicfile"
)

// cache keeps image files in one directory, capped by their total size:
// when a write takes it over the cap, the least recently used files go.
// The use order survives restarts through the files' modification times
// (a hit touches its file).
type cache struct {
	dir string
	max int64
	now func() time.Time

	mu    sync.Mutex
	total int64
	order *list.List               // of *cacheEntry, most recently used first
	byKey map[string]*list.Element // name -> element
}

type cacheEntry struct {
	name string
	size int64
}

// openCache indexes dir (created 0700 when missing); leftovers of
// interrupted writes are removed, and the oldest files go if the cap
// shrank since the last run.
func openCache(dir string, max int64, now func() time.Time) (*cache, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("cover cache: %w", err)
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("cover cache: %w", err)
	}
	type found struct {
		name string
		size int64
		mod  time.Time
	}
	var files []found
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), ".") { // an interrupted atomic write
			_ = os.Remove(filepath.Join(dir, e.Name()))
			continue
		}
		if !e.Type().IsRegular() || !validName(e.Name()) {
			continue
		}
		fi, err := e.Info()
		if err != nil {
			continue
		}
		files = append(files, found{e.Name(), fi.Size(), fi.ModTime()})
	}
	slices.SortFunc(files, func(a, b found) int { return a.mod.Compare(b.mod) })
	c := &cache{dir: dir, max: max, now: now, order: list.New(), byKey: map[string]*list.Element{}}
	for _, f := range files { // oldest first, so the newest ends at the front
		c.byKey[f.name] = c.order.PushFront(&cacheEntry{name: f.name, size: f.size})
		c.total += f.size
	}
	c.mu.Lock()
	c.evictLocked("")
	c.mu.Unlock()
	return c, nil
}

// validName accepts the names the service makes: a kind letter, '-', hex.
func validName(n string) bool {
	if len(n) < 3 || n[1] != '-' || !strings.ContainsRune("slr", rune(n[0])) {
		return false
	}
	for _, r := range n[2:] {
		if !strings.ContainsRune("0123456789abcdef", r) {
			return false
		}
	}
	return true
}

// get reads a cached file and marks it as used.
func (c *cache) get(name string) ([]byte, bool) {
	c.mu.Lock()
	el, ok := c.byKey[name]
	if ok {
		c.order.MoveToFront(el)
	}
	c.mu.Unlock()
	if !ok {
		return nil, false
	}
	p := filepath.Join(c.dir, name)
	b, err := os.ReadFile(p)
	if err != nil { // removed behind our back: forget it
		c.forget(name)
		return nil, false
	}
	t := c.now()
	_ = os.Chtimes(p, t, t)
	return b, true
}

// put stores data under name atomically and evicts the least recently
// used files beyond the cap (never the one just written). A file larger
// than the whole cap is not kept.
func (c *cache) put(name string, data []byte) error {
	if int64(len(data)) > c.max {
		return nil
	}
	if err := atomicfile.Write(filepath.Join(c.dir, name), data, 0o600); err != nil {
		return fmt.Errorf("cover cache: %w", err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.byKey[name]; ok {
		e := el.Value.(*cacheEntry)
		c.total += int64(len(data)) - e.size
		e.size = int64(len(data))
		c.order.MoveToFront(el)
	} else {
		c.byKey[name] = c.order.PushFront(&cacheEntry{name: name, size: int64(len(data))})
		c.total += int64(len(data))
	}
	c.evictLocked(name)
	return nil
}

// evictLocked removes least recently used files until the total fits,
// keeping keep.
func (c *cache) evictLocked(keep string) {
	for c.total > c.max {
		el := c.order.Back()
		if el == nil {
			return
		}
		e := el.Value.(*cacheEntry)
		if e.name == keep {
			if el = el.Prev(); el == nil {
				return
			}
			e = el.Value.(*cacheEntry)
		}
		if err := os.Remove(filepath.Join(c.dir, e.name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return // cannot free it now; try again on the next write
		}
		c.order.Remove(el)
		delete(c.byKey, e.name)
		c.total -= e.size
	}
}

func (c *cache) forget(name string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.byKey[name]; ok {
		c.total -= el.Value.(*cacheEntry).size
		c.order.Remove(el)
		delete(c.byKey, name)
	}
}

// usage answers the cached bytes and file count.
func (c *cache) usage() (int64, int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.total, len(c.byKey)
}

package library

import (
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/aniworld/aniworld/internal/store"
)

// maxWalkDepth bounds how deep below a series folder files are looked for.
const maxWalkDepth = 6

// dirStamp is one folder's path below the series folder and its mtime.
type dirStamp struct {
	rel   string
	mtime int64
}

// walkSeries lists the episode files under dir and the folders it read.
// With sizes set it reads each file's size as it goes (one fstatat per file,
// relative to its open folder) and leaves out files that vanished or are not
// regular; without, regular files get Size -1 (see fillSizes). It never
// descends into symbolic links, and accepts a symlinked file only when its
// target lies inside the library. Hidden folders and "@…" NAS folders are
// skipped. Entries come unsorted (the fingerprint sorts); a rescan's cost
// is its system calls, so there is one fstat per folder and none per file.
// With sizes set, the walker may also read the series' marker through the
// open folder (markerRead says whether it did).
func (sc *scanner) walkSeries(dir string, sizes bool) (*walker, error) {
	// Room for a typical series' files up front: appending one by one
	// was a third of a first scan's allocations.
	w := &walker{sc: sc, sizes: sizes, files: make([]store.EpisodeFile, 0, 32)}
	if b, ok := sc.dirBufs.Get().(*[]byte); ok {
		w.buf = *b
	}
	defer func() {
		b := w.buf
		w.buf = nil
		sc.dirBufs.Put(&b)
	}()
	if err := w.walk(dir); err != nil {
		return w, fmt.Errorf("walk: %w", err)
	}
	return w, nil
}

// walker is one walkSeries call's state and result.
type walker struct {
	sc    *scanner
	sizes bool
	files []store.EpisodeFile
	dirs  []dirStamp
	buf   []byte // directory entries buffer, where the platform walker uses one

	markerRead bool // marker and markerErr are ReadMarker's answer for the folder
	marker     Marker
	markerErr  error
}

// descend says whether the walker enters the sub-folder name of a folder at
// depth.
func descend(name string, depth int) bool {
	return !strings.HasPrefix(name, ".") && !strings.HasPrefix(name, "@") && depth < maxWalkDepth
}

// relPath joins a folder's path below the series folder and an entry name.
func relPath(rel string, name []byte) string {
	if rel == "" {
		return string(name)
	}
	return rel + "/" + string(name) // one allocation
}

// file records the non-folder entry r (its path below the series folder,
// ending in its name of nameLen bytes) of folder absDir when its name
// parses as an episode. stat reads its size (relative to the open folder)
// and is called only when sizes are wanted.
func (w *walker) file(absDir, r string, nameLen int, symlink bool, stat func(string) (int64, bool)) {
	name := r[len(r)-nameLen:]
	parsed, ok := ParseEpisodeFile(r)
	if !ok {
		return
	}
	size := int64(-1)
	switch {
	case symlink:
		if size, ok = w.sc.insideLibrary(filepath.Join(absDir, name)); !ok {
			return
		}
	case w.sizes:
		if size, ok = stat(name); !ok {
			return
		}
	}
	for _, ep := range parsed.Episodes {
		w.files = append(w.files, store.EpisodeFile{Season: parsed.Season, Episode: ep, Language: parsed.Language, Path: r, Size: size})
	}
}

// fillSizes reads the size of every file whose size is unknown, dropping
// files that vanished meanwhile.
func fillSizes(dir string, files []store.EpisodeFile) []store.EpisodeFile {
	sizes := map[string]int64{}
	out := files[:0]
	for _, f := range files {
		if f.Size < 0 {
			size, ok := sizes[f.Path]
			if !ok {
				size = -1
				if fi, err := os.Lstat(filepath.Join(dir, filepath.FromSlash(f.Path))); err == nil && fi.Mode().IsRegular() {
					size = fi.Size()
				}
				sizes[f.Path] = size
			}
			if size < 0 {
				continue
			}
			f.Size = size
		}
		out = append(out, f)
	}
	return out
}

// insideLibrary resolves a symlinked file and answers its size when it is a
// regular file inside the library.
func (sc *scanner) insideLibrary(p string) (int64, bool) {
	target, err := filepath.EvalSymlinks(p)
	if err != nil {
		return 0, false
	}
	rel, err := filepath.Rel(sc.realRoot, target)
	if err != nil || !filepath.IsLocal(rel) {
		return 0, false
	}
	info, err := os.Stat(target)
	if err != nil || !info.Mode().IsRegular() {
		return 0, false
	}
	return info.Size(), true
}

// fingerprint identifies a folder's state without a stat per file: the
// episode files (path, season, episode, language) and every folder's mtime
// (a file added, removed, renamed or replaced by rename changes its
// folder's mtime). Sizes are not part of it; a file rewritten in place keeps
// its stored size until its folder changes.
func fingerprint(files []store.EpisodeFile, dirs []dirStamp) string {
	sorted := files // sorted in place: the order means nothing to callers
	slices.SortFunc(sorted, func(a, b store.EpisodeFile) int {
		if c := strings.Compare(a.Path, b.Path); c != 0 {
			return c
		}
		return a.Episode - b.Episode
	})
	slices.SortFunc(dirs, func(a, b dirStamp) int { return strings.Compare(a.rel, b.rel) })
	h := fnv.New64a()
	buf := make([]byte, 0, 256)
	for _, f := range sorted {
		buf = append(buf[:0], f.Path...)
		buf = append(buf, 0)
		buf = strconv.AppendInt(buf, int64(f.Season), 10)
		buf = append(buf, 0)
		buf = strconv.AppendInt(buf, int64(f.Episode), 10)
		buf = append(buf, 0)
		buf = strconv.AppendInt(buf, int64(f.Language), 10)
		buf = append(buf, '\n')
		h.Write(buf)
	}
	for _, d := range dirs {
		buf = append(buf[:0], 1)
		buf = append(buf, d.rel...)
		buf = append(buf, 0)
		buf = strconv.AppendInt(buf, d.mtime, 10)
		buf = append(buf, '\n')
		h.Write(buf)
	}
	return "v2-" + strconv.FormatUint(h.Sum64(), 16)
}

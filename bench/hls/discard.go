package main

import (
	"io/fs"
	"strings"
	"sync/atomic"

	"github.com/aniworld/aniworld/internal/download"
)

// discardFS is the real file system except that writes to .part files are
// counted and dropped: it isolates the engine's network pipeline from the
// cost of writing to a file system.
type discardFS struct {
	download.OSFS
	written atomic.Int64
}

func (d *discardFS) OpenFile(name string, flag int, perm fs.FileMode) (download.File, error) {
	f, err := d.OSFS.OpenFile(name, flag, perm)
	if err != nil || !strings.HasSuffix(name, ".part") {
		return f, err
	}
	return &discardFile{File: f, n: &d.written}, nil
}

type discardFile struct {
	download.File
	n *atomic.Int64
}

func (d *discardFile) Write(p []byte) (int, error) {
	d.n.Add(int64(len(p)))
	return len(p), nil
}

func (d *discardFile) WriteAt(p []byte, _ int64) (int, error) {
	d.n.Add(int64(len(p)))
	return len(p), nil
}

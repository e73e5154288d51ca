//go:build !linux

package download

// directIO is unused where O_DIRECT is not available: every write goes
// through the normal descriptor.
type directIO struct{}

const directAlign = 4096

func openDirect(File, string) *directIO                 { return nil }
func (d *directIO) close()                              {}
func (d *directIO) enabled() bool                       { return false }
func (d *directIO) reserve(int64, int64) error          { return nil }
func (d *directIO) writeAt([]byte, int64) (bool, error) { return false, nil }
func alignedBuffer(n int) []byte                        { return make([]byte, n) }

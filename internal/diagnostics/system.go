package diagnostics

import (
	"context"
	"os"
	"runtime"
	"strings"

	"github.com/shirou/gopsutil/v4/cpu"
	"github.com/shirou/gopsutil/v4/host"
)

// System describes the host: platform, Go version, architecture,
// processor, host name, OS and CPU count.
type System struct {
	Platform      string
	GoVersion     string
	PythonVersion string // the Go version again, for clients of the older Python server
	Architecture  string
	Processor     string
	Hostname      string
	OS            string
	NumCPU        int
}

// SystemInfo describes the host the server runs on.
func SystemInfo(ctx context.Context) System {
	b := System{GoVersion: runtime.Version(), PythonVersion: runtime.Version(), OS: runtime.GOOS,
		Architecture: runtime.GOARCH, Processor: runtime.GOARCH, NumCPU: runtime.NumCPU()}
	b.Hostname, _ = os.Hostname()
	kernel := ""
	if hi, err := host.InfoWithContext(ctx); err == nil {
		kernel = hi.KernelVersion
		if hi.KernelArch != "" {
			b.Architecture, b.Processor = hi.KernelArch, hi.KernelArch
		}
	}
	if ci, err := cpu.InfoWithContext(ctx); err == nil && len(ci) > 0 && ci[0].ModelName != "" {
		b.Processor = ci[0].ModelName
	}
	osName := runtime.GOOS
	if osName != "" {
		osName = strings.ToUpper(osName[:1]) + osName[1:]
	}
	parts := []string{osName}
	if kernel != "" {
		parts = append(parts, kernel)
	}
	b.Platform = strings.Join(append(parts, b.Architecture), "-")
	return b
}

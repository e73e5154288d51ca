// Package version reports the program's version.
package version

import "runtime/debug"

// Version is the release version; release builds set it with
// -ldflags "-X github.com/aniworld/aniworld/internal/version.Version=1.2.3".
var Version = "1.0.0-dev"

// String is the version plus the VCS revision when the build recorded one.
func String() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return Version
	}
	rev, dirty := "", false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if rev == "" {
		return Version
	}
	if dirty {
		rev += "-dirty"
	}
	return Version + " (" + rev + ")"
}

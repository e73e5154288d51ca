package browser

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"
)

// ErrUnavailable is returned when no browser can be used: switched off, or
// Chromium not installed. The error text says what is missing and how to
// install it.
var ErrUnavailable = errors.New("browser unavailable")

// ErrBudget is returned when a host has used its solves for the hour.
var ErrBudget = errors.New("browser budget exhausted")

// ErrTimeout is returned when a page did not get past its challenge (or
// did not play) within the time limit.
var ErrTimeout = errors.New("browser time limit reached")

// Candidates are the executable names looked up on PATH, in order.
var Candidates = []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"}

// InstallHint says how to get a browser on the system this project targets.
const InstallHint = "install Debian's chromium: apt-get install chromium"

// Enabled is the download.browser.enabled setting.
type Enabled string

// The accepted values of Enabled.
const (
	Auto Enabled = "auto" // use Chromium when it is installed
	On   Enabled = "on"   // use it; a missing browser is a health problem
	Off  Enabled = "off"  // never start a browser
)

// ParseEnabled reads a setting value ("" means Auto).
func ParseEnabled(s string) (Enabled, error) {
	switch Enabled(strings.ToLower(strings.TrimSpace(s))) {
	case "", Auto:
		return Auto, nil
	case On, "true", "yes":
		return On, nil
	case Off, "false", "no":
		return Off, nil
	}
	return "", fmt.Errorf("browser enabled %q must be auto, on or off", s)
}

// locate finds the browser executable: the configured path, else the first
// candidate on PATH. On failure it returns an error wrapping ErrUnavailable
// (naming the path) and the same reason without any filesystem path, for
// health reports.
func locate(configured string, lookPath func(string) (string, error)) (path, reason string, err error) {
	if configured != "" {
		st, err := os.Stat(configured)
		switch {
		case err != nil:
			reason = "chromium not found at the configured path (download.browser.path); " + InstallHint + " or fix the path"
			return "", reason, fmt.Errorf("%w: chromium not found at the configured path %s (%v); %s or fix download.browser.path",
				ErrUnavailable, configured, errors.Unwrap(err), InstallHint)
		case st.IsDir() || st.Mode()&0o111 == 0:
			reason = "download.browser.path is not an executable; " + InstallHint
			return "", reason, fmt.Errorf("%w: %s (download.browser.path) is not an executable; %s", ErrUnavailable, configured, InstallHint)
		}
		return configured, "", nil
	}
	for _, name := range Candidates {
		if p, err := lookPath(name); err == nil {
			return p, "", nil
		}
	}
	reason = fmt.Sprintf("chromium not found (looked for %s on PATH); %s, or set download.browser.path",
		strings.Join(Candidates, ", "), InstallHint)
	return "", reason, fmt.Errorf("%w: %s", ErrUnavailable, reason)
}

// Clock is the time source of the idle close and the hourly budget; tests
// inject a fake one.
type Clock interface {
	Now() time.Time
	// AfterFunc calls f in its own goroutine after d, unless stopped.
	AfterFunc(d time.Duration, f func()) Timer
}

// Timer is a pending AfterFunc call.
type Timer interface {
	// Stop prevents the call; it reports whether it did.
	Stop() bool
}

// RealClock is the wall clock.
type RealClock struct{}

// Now is time.Now.
func (RealClock) Now() time.Time { return time.Now() }

// AfterFunc is time.AfterFunc.
func (RealClock) AfterFunc(d time.Duration, f func()) Timer { return time.AfterFunc(d, f) }

// findXvfb finds Xvfb for the headed mode ("" when it is not installed).
func findXvfb(configured string, lookPath func(string) (string, error)) string {
	if configured != "" {
		return configured
	}
	if p, err := lookPath("Xvfb"); err == nil {
		return p
	}
	return ""
}

// defaultLookPath is exec.LookPath.
var defaultLookPath = exec.LookPath

package library

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package if any goroutine (scan workers, background
// rescans) outlives the tests.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

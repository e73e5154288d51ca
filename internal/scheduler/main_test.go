package scheduler

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package if any goroutine outlives its test: Run
// must stop and wait for everything it started.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

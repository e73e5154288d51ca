package scheduler

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/aniworld/aniworld/internal/config"
)

// TestFollowConfig: whoever saves the scheduler section, the running
// scheduler applies it, and the section needs no restart.
func TestFollowConfig(t *testing.T) {
	dir := t.TempDir()
	base := config.Default()
	base.DataDir = dir // backups go beside the file, not into the source tree
	base.Scheduler = config.SchedulerConfig{Enabled: true, IntervalMinutes: 60}
	m := config.NewManager(filepath.Join(dir, "config.json"), base, config.Overrides{})
	sc, clk, _ := startScheduler(t, newFakeLibrary(false), SettingsFrom(m.Get().Scheduler))
	sc.FollowConfig(m)
	clk.waitArmed(t, 60*time.Minute)

	old := m.Get()
	next, err := m.Update(func(c *config.AppConfig) error {
		c.Scheduler.IntervalMinutes, c.Scheduler.AutoDownloadMissing = 15, true
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	clk.waitArmed(t, 15*time.Minute)
	if st := sc.Status(); st.IntervalMinutes != 15 || !st.AutoDownloadMissing || !st.Enabled {
		t.Fatalf("status after the update %+v", st)
	}
	if r := m.RestartRequired(old, next); len(r) != 0 {
		t.Fatalf("restart required for %v", r)
	}
	if _, err := m.Update(func(c *config.AppConfig) error { c.Scheduler.Enabled = false; return nil }); err != nil {
		t.Fatal(err)
	}
	if st := sc.Status(); st.Enabled || st.NextRun != nil {
		t.Fatalf("disabled in the config, still scheduled: %+v", st)
	}
}

package scheduler

import "github.com/aniworld/aniworld/internal/config"

// SettingsFrom is the scheduler section of a configuration as Settings.
func SettingsFrom(c config.SchedulerConfig) Settings {
	return Settings{Enabled: c.Enabled, IntervalMinutes: c.IntervalMinutes, AutoDownloadMissing: c.AutoDownloadMissing}
}

// FollowConfig applies every change of the configuration's scheduler
// section as it is saved, whoever saved it (the scheduler route, the
// config route, a restore), and declares that section live.
func (s *Scheduler) FollowConfig(m *config.Manager) {
	m.Live([]string{"scheduler"}, func(old, next config.AppConfig) {
		if old.Scheduler != next.Scheduler {
			s.Configure(SettingsFrom(next.Scheduler))
		}
	})
}

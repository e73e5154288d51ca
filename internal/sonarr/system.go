package sonarr

import (
	"context"
	"os"
	"runtime"
	"strings"
	"time"
	"unicode/utf8"
)

// SonarrVersion is the Sonarr version the surface reports. Seerr asks the
// language profiles of a v3 server only, and this surface is Sonarr v3's.
const SonarrVersion = "3.0.10.1567"

// Status answers GET /system/status.
func (s *Service) Status() SystemStatus {
	_, err := os.Stat("/.dockerenv")
	return SystemStatus{
		AppName: "Sonarr", InstanceName: s.o.Name, Version: SonarrVersion,
		BuildTime: s.o.StartedAt.UTC().Format(time.RFC3339), IsProduction: true, IsAdmin: false,
		StartupPath: "/", AppData: "/", OsName: runtime.GOOS, OsVersion: runtime.GOARCH,
		IsNetCore: true, IsLinux: runtime.GOOS == "linux", IsOsx: runtime.GOOS == "darwin", IsWindows: runtime.GOOS == "windows",
		IsDocker: err == nil, Mode: "console", Branch: "aniworld " + s.o.Version, Authentication: "none",
		SqliteVersion: "3", MigrationVersion: 9, URLBase: "", RuntimeVersion: runtime.Version(), RuntimeName: "go",
		StartTime: s.o.StartedAt.UTC().Format(time.RFC3339), PackageUpdateMechanism: "builtIn",
	}
}

// QualityProfiles answers GET /qualityProfile.
func QualityProfiles() []map[string]any {
	out := make([]map[string]any, 0, len(Profiles))
	for _, p := range Profiles {
		out = append(out, map[string]any{"id": p.ID, "name": p.Name, "upgradeAllowed": false, "cutoff": 0, "items": []any{}})
	}
	return out
}

// LanguageProfiles answers GET /languageprofile: the same lists.
func LanguageProfiles() []map[string]any {
	out := make([]map[string]any, 0, len(Profiles))
	for _, p := range Profiles {
		langs := []map[string]any{}
		for _, l := range p.Languages {
			langs = append(langs, map[string]any{"language": NamedID{ID: int(l), Name: l.String()}, "allowed": true})
		}
		out = append(out, map[string]any{"id": p.ID, "name": p.Name, "upgradeAllowed": false, "languages": langs})
	}
	return out
}

// RootFolders answers GET /rootfolder: the anime directory with its real
// free and total space.
func (s *Service) RootFolders(ctx context.Context) []RootFolder {
	dir := s.o.Library.Directory()
	if dir == "" {
		return []RootFolder{}
	}
	rf := RootFolder{ID: 1, Path: dir, UnmappedFolders: []struct{}{}}
	if fi, err := os.Stat(dir); err == nil && fi.IsDir() {
		rf.Accessible = true
	}
	if s.o.DiskUsage != nil {
		if free, total, err := s.o.DiskUsage(ctx, dir); err == nil {
			rf.FreeSpace, rf.TotalSpace = int64(free), int64(total)
		}
	}
	return []RootFolder{rf}
}

// Tags answers GET /tag.
func (s *Service) Tags(ctx context.Context) ([]Tag, error) {
	rows, err := s.o.Store.SonarrTags(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Tag, 0, len(rows))
	for _, t := range rows {
		out = append(out, Tag{ID: t.ID, Label: t.Label})
	}
	return out, nil
}

// AddTag answers POST /tag: the tag with this label, created when new.
func (s *Service) AddTag(ctx context.Context, label string) (Tag, error) {
	label = strings.TrimSpace(label)
	if label == "" || utf8.RuneCountInString(label) > 100 || !utf8.ValidString(label) {
		return Tag{}, invalid("Label", "'Label' must be 1 to 100 characters", label)
	}
	t, err := s.o.Store.AddSonarrTag(ctx, label)
	if err != nil {
		return Tag{}, err
	}
	return Tag{ID: t.ID, Label: t.Label}, nil
}

package config

import (
	"strings"
	"testing"
)

// TestNamingTemplateValidatedByTheLibrary: download.naming_template is
// checked by the library's one rule (library.ValidateTemplate), so a
// template whose names the scanner cannot read back is refused here too.
func TestNamingTemplateValidatedByTheLibrary(t *testing.T) {
	tests := []struct {
		tmpl    string
		wantErr string
	}{
		{"Season {season:02}/{title} - S{season:02}E{episode:03} - {episode_title} [{resolution}] ({language}).mkv", ""},
		{"{title} - S{season:02}E{episode:02} - {absolute:04}.mp4", ""},
		{"{title} {season}{episode:02}.mp4", "scanner would not read"},
		{"{title} - {season}.{episode}.mp4", "scanner would not read"},
		{"S{season}E{episode} {episode_titel}.mp4", "unknown placeholder"},
		{"../S{season}E{episode}.mp4", "escapes the series folder"},
		{"", "empty"},
	}
	for _, tt := range tests {
		t.Run(tt.tmpl, func(t *testing.T) {
			c := Default()
			c.Download.NamingTemplate = tt.tmpl
			var msg string
			for _, e := range c.Validate() {
				if e.Field == "download.naming_template" {
					msg += e.Message
				}
			}
			if (tt.wantErr == "") != (msg == "") || !strings.Contains(msg, tt.wantErr) {
				t.Fatalf("errors for naming_template: %q; want one containing %q", msg, tt.wantErr)
			}
		})
	}
}

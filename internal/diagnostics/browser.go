package diagnostics

import (
	browserstate "github.com/aniworld/aniworld/internal/browser"
)

// BrowserStatuser reports the built-in browser's state (*browserstate.Browser).
type BrowserStatuser interface {
	Status() browserstate.Status
}

// BrowserHealth is dependencies.browser: the Chromium that solves
// challenges and plays embeds whose extractor failed. It names no
// filesystem path.
type BrowserHealth struct {
	Status               string                    `json:"status"`
	Message              string                    `json:"message"`
	Enabled              string                    `json:"enabled" enum:"auto,on,off"`
	Available            bool                      `json:"available"`
	Running              bool                      `json:"running"`
	Headed               bool                      `json:"headed"`
	HeadedPossible       bool                      `json:"headed_possible" doc:"Xvfb is installed for the headed fallback"`
	OpenTabs             int                       `json:"open_tabs"`
	MaxTabs              int                       `json:"max_tabs"`
	Starts               int                       `json:"starts"`
	MaxSolvesPerHostHour int                       `json:"max_solves_per_host_hour"`
	Hosts                []browserstate.HostStatus `json:"hosts" doc:"Solves and captures per host: counts, attempts in the last hour and the last run"`
}

// browserHealth is the browser entry: healthy when available (or off or
// auto without Chromium, which the product works without), degraded when
// it is switched on but cannot run.
func browserHealth(st browserstate.Status) BrowserHealth {
	h := BrowserHealth{
		Status: Healthy, Message: st.Summary(), Enabled: string(st.Enabled), Available: st.Available,
		Running: st.Running, Headed: st.Headed, HeadedPossible: st.HeadedPossible, OpenTabs: st.OpenTabs,
		MaxTabs: st.MaxTabs, Starts: st.Starts, MaxSolvesPerHostHour: st.MaxSolvesPerHostHour, Hosts: st.Hosts,
	}
	if h.Hosts == nil {
		h.Hosts = []browserstate.HostStatus{}
	}
	if !st.Available && st.Enabled == browserstate.On {
		h.Status = Degraded
	}
	return h
}

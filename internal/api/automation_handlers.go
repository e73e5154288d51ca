package api

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/calendar"
	"github.com/aniworld/aniworld/internal/notify"
)

// AutomationDeps is what the notification, media-server and calendar
// routes use. Every field is required.
type AutomationDeps struct {
	// TestNotification sends a test message to the named target.
	TestNotification func(ctx context.Context, name string) error
	// NotificationStats are the targets' delivery counters.
	NotificationStats func() []notify.TargetStats
	// Failing are the health checks failing now, with their errors.
	Failing func() map[string]string
	// TestMediaServer checks the named media server's URL and credentials.
	TestMediaServer func(ctx context.Context, name string) error
	// MediaServerErrors are each server's last update error.
	MediaServerErrors func() map[string]string
	// Calendar lists the entries of the last days and the next checks.
	Calendar func(ctx context.Context, since time.Time) ([]calendar.Entry, error)
	// Feed is the calendar feed token keeper.
	Feed *calendar.Tokens
	// Name is the calendar's display name.
	Name func() string
	// Now is the clock (time.Now).
	Now func() time.Time
}

type nameInput struct {
	Body struct {
		Name string `json:"name" minLength:"1" maxLength:"100" doc:"The configured name of the target or server"`
	}
}

// ActionBody answers a test action.
type ActionBody struct {
	Success bool   `json:"success"`
	Message string `json:"message"`
}

// NotificationStatusBody answers GET /api/notifications/status.
type NotificationStatusBody struct {
	Targets      []notify.TargetStats `json:"targets"`
	Health       map[string]string    `json:"health_failing"`
	MediaServers map[string]string    `json:"media_server_errors"`
}

// FeedBody names the calendar feed.
type FeedBody struct {
	Path string `json:"path" doc:"Path of the feed with its token; prefix the server's address"`
}

type calendarInput struct {
	Days int `query:"days" minimum:"1" maximum:"30" default:"14" doc:"How many days back"`
}

type feedInput struct {
	Token string `query:"token" maxLength:"200" doc:"The feed token (GET /api/calendar/feed)"`
}

type feedOutput struct {
	ContentType  string `header:"Content-Type"`
	CacheControl string `header:"Cache-Control"`
	Body         []byte
}

// testFailed is a test action whose far side failed: 502 with the reason.
func testFailed(what string, err error) error {
	if errors.Is(err, anime.ErrNotFound) {
		return err
	}
	return NewError(http.StatusBadGateway, CodeUnavailable, what+" failed: "+err.Error(), nil)
}

// automationHandlers are the notification, media-server and calendar
// operations (rows in routes.go).
type automationHandlers struct{ AutomationDeps }

func newAutomationHandlers(d AutomationDeps) automationHandlers {
	if d.Now == nil {
		d.Now = time.Now
	}
	return automationHandlers{d}
}

// Descriptions and documented responses of the automation operations.
const (
	docNotificationsTest = "Sends one message to the named target at once (no retries) and answers whether it was delivered; 502 with the reason when not."
	docMediaServersTest  = "Jellyfin/Emby: GET /System/Info; Plex: GET /library/sections; Kodi: JSONRPC.Ping — with the configured token or user."
	docCalendar          = "Episodes found, queued and downloaded in the last `days` days and the refreshes the monitor will run next, oldest first."
	docCalendarICS       = "text/calendar (RFC 5545) for calendar apps: episodes downloaded and found in the last 14 days and the next checks. " +
		"Protected by the feed token in the query (calendar apps cannot send headers), not by the bearer token."
)

var calendarICSResponses = map[string]*huma.Response{"200": {Description: "The calendar", Content: map[string]*huma.MediaType{"text/calendar": {}}}}

func (h automationHandlers) testNotification(ctx context.Context, in *nameInput) (*struct{ Body ActionBody }, error) {
	if err := h.TestNotification(ctx, in.Body.Name); err != nil {
		return nil, testFailed("Test notification", err)
	}
	return &struct{ Body ActionBody }{ActionBody{Success: true, Message: "Test notification delivered to " + in.Body.Name}}, nil
}

func (h automationHandlers) notificationStatus(ctx context.Context, _ *struct{}) (*struct{ Body NotificationStatusBody }, error) {
	st := h.NotificationStats()
	if st == nil {
		st = []notify.TargetStats{}
	}
	return &struct{ Body NotificationStatusBody }{NotificationStatusBody{Targets: st, Health: h.Failing(), MediaServers: h.MediaServerErrors()}}, nil
}

func (h automationHandlers) testMediaServer(ctx context.Context, in *nameInput) (*struct{ Body ActionBody }, error) {
	if err := h.TestMediaServer(ctx, in.Body.Name); err != nil {
		return nil, testFailed("Connection test", err)
	}
	return &struct{ Body ActionBody }{ActionBody{Success: true, Message: "Connected to " + in.Body.Name}}, nil
}

func (h automationHandlers) calendar(ctx context.Context, in *calendarInput) (*struct{ Body []calendar.Entry }, error) {
	es, err := h.Calendar(ctx, h.Now().Add(-time.Duration(in.Days)*24*time.Hour))
	if err != nil {
		return nil, err
	}
	if es == nil {
		es = []calendar.Entry{}
	}
	return &struct{ Body []calendar.Entry }{es}, nil
}

func feedPath(tok string) *struct{ Body FeedBody } {
	return &struct{ Body FeedBody }{FeedBody{Path: "/feed/calendar.ics?token=" + tok}}
}

func (h automationHandlers) feed(ctx context.Context, _ *struct{}) (*struct{ Body FeedBody }, error) {
	tok, err := h.Feed.Get()
	if err != nil {
		return nil, err
	}
	return feedPath(tok), nil
}

func (h automationHandlers) rotateFeed(ctx context.Context, _ *struct{}) (*struct{ Body FeedBody }, error) {
	tok, err := h.Feed.Rotate()
	if err != nil {
		return nil, err
	}
	return feedPath(tok), nil
}

// addFeedTokenScheme documents the calendar feed's credential.
func addFeedTokenScheme(api huma.API) {
	if oa := api.OpenAPI(); oa.Components != nil {
		if oa.Components.SecuritySchemes == nil {
			oa.Components.SecuritySchemes = map[string]*huma.SecurityScheme{}
		}
		oa.Components.SecuritySchemes["feedToken"] = &huma.SecurityScheme{Type: "apiKey", In: "query", Name: "token",
			Description: "The calendar feed token from GET /api/calendar/feed"}
	}
}

func (h automationHandlers) ics(ctx context.Context, in *feedInput) (*feedOutput, error) {
	if !h.Feed.Check(strings.TrimSpace(in.Token)) {
		return nil, NewError(http.StatusUnauthorized, CodeAuthentication, "A valid feed token is required (GET /api/calendar/feed)", nil)
	}
	now := h.Now()
	es, err := h.Calendar(ctx, now.Add(-calendar.Window))
	if err != nil {
		return nil, err
	}
	return &feedOutput{ContentType: "text/calendar; charset=utf-8", CacheControl: "no-store", Body: calendar.ICS(h.Name(), es, now)}, nil
}

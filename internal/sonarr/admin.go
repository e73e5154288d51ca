package sonarr

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/aniworld/aniworld/internal/anime"
)

// Overview is what the settings page shows: how to add aniworld in Seerr,
// the masked key, the profiles, and the requests waiting for a person.
type Overview struct {
	APIKeyMasked string          `json:"api_key_masked" doc:"The key with all but its last four characters hidden"`
	BasePath     string          `json:"base_path" doc:"Seerr's URL Base field: empty (Seerr appends /api/v3 itself)"`
	APIPath      string          `json:"api_path" doc:"Where the Sonarr v3 API answers"`
	RootFolder   string          `json:"root_folder" doc:"The root folder to choose in Seerr"`
	Profiles     []ProfileInfo   `json:"profiles"`
	Unmatched    []UnmatchedInfo `json:"unmatched" doc:"Requests no site series was found for, newest first"`
}

// ProfileInfo is a profile with its languages named.
type ProfileInfo struct {
	ID        int      `json:"id"`
	Name      string   `json:"name"`
	Languages []string `json:"languages" doc:"In order of preference; empty: download.language_order"`
}

// UnmatchedInfo is a request waiting for a person to pick its series.
type UnmatchedInfo struct {
	TVDBID      int       `json:"tvdb_id"`
	Title       string    `json:"title"`
	Year        int       `json:"year,omitempty"`
	Reason      string    `json:"reason"`
	Requested   bool      `json:"requested" doc:"Seerr sent the add request (seasons and profile are kept and applied on assign)"`
	RequestedAt time.Time `json:"requested_at"`
}

// Mask hides all but the last four characters of a key.
func Mask(key string) string {
	if len(key) <= 4 {
		return strings.Repeat("•", len(key))
	}
	return strings.Repeat("•", len(key)-4) + key[len(key)-4:]
}

// Overview answers the settings page's section.
func (s *Service) Overview(ctx context.Context) (Overview, error) {
	key, err := s.o.Keys.Get()
	if err != nil {
		return Overview{}, err
	}
	reqs, err := s.o.Store.SonarrRequests(ctx)
	if err != nil {
		return Overview{}, err
	}
	out := Overview{APIKeyMasked: Mask(key), BasePath: "", APIPath: Base, RootFolder: s.o.Library.Directory(),
		Profiles: []ProfileInfo{}, Unmatched: []UnmatchedInfo{}}
	for _, p := range Profiles {
		out.Profiles = append(out.Profiles, ProfileInfo{ID: p.ID, Name: p.Name, Languages: p.languageNames()})
	}
	for _, r := range reqs {
		out.Unmatched = append(out.Unmatched, UnmatchedInfo{TVDBID: r.TVDBID, Title: r.Title, Year: r.Year, Reason: r.Reason,
			Requested: r.RequestJSON != "", RequestedAt: r.RequestedAt})
	}
	return out, nil
}

// Assign settles an unmatched request by hand: the site series (link and
// key from a search result) joins the library if needed and is mapped to
// the TVDB id. A request Seerr had sent in full is applied as sent
// (seasons, profile, search); one Seerr only looked up is mapped
// unmonitored, and Seerr's retry of the request then sets its seasons.
func (s *Service) Assign(ctx context.Context, tvdbID int, key, link string) (Series, error) {
	req, err := s.o.Store.SonarrRequest(ctx, tvdbID)
	if err != nil {
		return Series{}, err
	}
	key, link = strings.TrimSpace(key), strings.TrimSpace(link)
	if key == "" || link == "" {
		return Series{}, fmt.Errorf("%w: key and link of a search result are required", anime.ErrInvalid)
	}
	s.adding.Lock()
	defer s.adding.Unlock()
	if m, err := s.o.Store.SonarrSeriesByTVDB(ctx, tvdbID); err == nil {
		return Series{}, fmt.Errorf("%w: tvdb id %d is already mapped to %s", anime.ErrConflict, tvdbID, m.Key)
	}
	if m, err := s.o.Store.SonarrSeriesByKey(ctx, key); err == nil && m.TVDBID != 0 {
		return Series{}, fmt.Errorf("%w: %s is already mapped to tvdb id %d", anime.ErrConflict, key, m.TVDBID)
	}
	res, err := s.o.Library.Add(ctx, link, "")
	switch {
	case err == nil:
		key = res.Key
	case !errors.Is(err, anime.ErrConflict):
		return Series{}, err
	}
	if _, _, err := s.o.Library.SeriesDir(ctx, key); err != nil {
		return Series{}, fmt.Errorf("%w: %s is not the series of %s", anime.ErrInvalid, key, link)
	}
	in := SeriesInput{TVDBID: tvdbID}
	if req.RequestJSON != "" {
		if err := json.Unmarshal([]byte(req.RequestJSON), &in); err != nil {
			return Series{}, fmt.Errorf("%w: stored request: %v", anime.ErrInvalid, err)
		}
	} else {
		no := false
		in.Monitored = &no
	}
	in.TVDBID = tvdbID
	if err := s.check(&in); err != nil {
		return Series{}, fmt.Errorf("%w: stored request: %v", anime.ErrInvalid, err)
	}
	return s.adopt(ctx, key, in)
}

// Dismiss forgets an unmatched request.
func (s *Service) Dismiss(ctx context.Context, tvdbID int) error {
	if _, err := s.o.Store.SonarrRequest(ctx, tvdbID); err != nil {
		return err
	}
	return s.o.Store.DeleteSonarrRequest(ctx, tvdbID)
}

type keyBody struct {
	APIKey string `json:"api_key" doc:"The key to enter in Seerr"`
}

type assignInput struct {
	TVDBID int `path:"tvdb_id" minimum:"1"`
	Body   struct {
		Key  string `json:"key" minLength:"1" maxLength:"200" doc:"The series key of a search result"`
		Link string `json:"link" minLength:"1" maxLength:"2000" doc:"The series link of a search result"`
	}
}

type tvdbInput struct {
	TVDBID int `path:"tvdb_id" minimum:"1"`
}

// RegisterAdmin adds the settings operations (the key, the unmatched
// requests) to api; declare marks them as needing the user's token. Their
// errors are the product API's.
func (s *Service) RegisterAdmin(api huma.API, declare Declare) {
	tags := []string{"Seerr"}
	huma.Register(api, declare(huma.Operation{OperationID: "seerr-overview", Method: http.MethodGet, Path: "/api/seerr",
		Summary: "Seerr connection: masked key, profiles, unmatched requests", Tags: tags}),
		func(ctx context.Context, _ *struct{}) (*struct{ Body Overview }, error) {
			o, err := s.Overview(ctx)
			return &struct{ Body Overview }{o}, err
		})
	type keyOut struct {
		CacheControl string `header:"Cache-Control"`
		Body         keyBody
	}
	huma.Register(api, declare(huma.Operation{OperationID: "seerr-key", Method: http.MethodGet, Path: "/api/seerr/key",
		Summary: "The Seerr API key in clear (to copy into Seerr)", Tags: tags}),
		func(ctx context.Context, _ *struct{}) (*keyOut, error) {
			k, err := s.o.Keys.Get()
			return &keyOut{CacheControl: "no-store", Body: keyBody{k}}, err
		})
	huma.Register(api, declare(huma.Operation{OperationID: "seerr-key-rotate", Method: http.MethodPost, Path: "/api/seerr/key/rotate",
		Summary: "Replace the Seerr API key (the old one stops working at once)", Tags: tags}),
		func(ctx context.Context, _ *struct{}) (*keyOut, error) {
			k, err := s.o.Keys.Rotate()
			return &keyOut{CacheControl: "no-store", Body: keyBody{k}}, err
		})
	huma.Register(api, declare(huma.Operation{OperationID: "seerr-assign", Method: http.MethodPost, Path: "/api/seerr/requests/{tvdb_id}/assign",
		Summary: "Pick the site series for an unmatched request", Tags: tags, Errors: []int{404, 409, 422}}),
		func(ctx context.Context, in *assignInput) (*struct{ Body Series }, error) {
			r, err := s.Assign(ctx, in.TVDBID, in.Body.Key, in.Body.Link)
			return &struct{ Body Series }{r}, err
		})
	huma.Register(api, declare(huma.Operation{OperationID: "seerr-dismiss", Method: http.MethodDelete, Path: "/api/seerr/requests/{tvdb_id}",
		Summary: "Forget an unmatched request", Tags: tags, DefaultStatus: http.StatusNoContent, Errors: []int{404}}),
		func(ctx context.Context, in *tvdbInput) (*struct{}, error) {
			return nil, s.Dismiss(ctx, in.TVDBID)
		})
}

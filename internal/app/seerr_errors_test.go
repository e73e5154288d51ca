package app

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	faketmdb "github.com/aniworld/aniworld/internal/fake/tmdb"
)

// startSeerr starts the app with the Seerr fakes and answers it, a user
// token and a Seerr client.
func startSeerr(t *testing.T) (*testApp, string, seerr, *faketmdb.Server, map[string]string) {
	t.Helper()
	dataDir, animeDir := t.TempDir(), t.TempDir()
	env, tm := seerrFakes(t, dataDir, animeDir)
	ta := startApp(t, dataDir, env)
	tok := ta.setupAndLogin(testPassword)
	_, _, kb := ta.do("GET", "/api/seerr/key", tok, nil)
	return ta, tok, seerr{t: t, base: ta.URL, key: kb["api_key"].(string)}, tm, env
}

// TestSeerrErrors: a wrong or missing key, the user's bearer token,
// unknown ids and malformed bodies get Sonarr's answers (401 {error},
// 404 {message}, 400 [{propertyName, errorMessage}]), never a 500.
func TestSeerrErrors(t *testing.T) {
	ta, tok, c, _, _ := startSeerr(t)
	type tc struct {
		name, method, path, query, body string
		key                             string // "" = the right key; "-" none
		bearer                          bool
		status                          int
		want                            string // a fragment of the body
	}
	cases := []tc{
		{name: "wrong key", method: "GET", path: "/series", key: "wrong", status: 401, want: `{"error":"Unauthorized"}`},
		{name: "no key", method: "GET", path: "/system/status", key: "-", status: 401, want: `"Unauthorized"`},
		{name: "bearer token is not the key", method: "GET", path: "/series", key: "-", bearer: true, status: 401, want: `"Unauthorized"`},
		{name: "wrong key on a write", method: "POST", path: "/series", key: "wrong", body: `{"tvdbId":1}`, status: 401, want: `"Unauthorized"`},
		{name: "unknown id", method: "GET", path: "/series/999", status: 404, want: `"message":"NotFound"`},
		{name: "id not a number", method: "GET", path: "/series/abc", status: 404, want: `"message":"NotFound"`},
		{name: "negative id", method: "GET", path: "/series/-1", status: 404, want: `"message":"NotFound"`},
		{name: "huge id", method: "GET", path: "/series/99999999999999999999999", status: 404, want: `"NotFound"`},
		{name: "put unknown id in path", method: "PUT", path: "/series/999", body: `{}`, status: 404, want: `"NotFound"`},
		{name: "put unknown id in body", method: "PUT", path: "/series", body: `{"id":999}`, status: 404, want: `"NotFound"`},
		{name: "put without id", method: "PUT", path: "/series", body: `{"title":"x"}`, status: 404, want: `"NotFound"`},
		{name: "delete unknown id", method: "DELETE", path: "/series/999", query: "deleteFiles=true", status: 404, want: `"NotFound"`},
		{name: "episodes of unknown series", method: "GET", path: "/episode", query: "seriesId=999", status: 404, want: `"NotFound"`},
		{name: "episodes without series", method: "GET", path: "/episode", query: "seriesId=x", status: 400, want: `"propertyName":"SeriesId"`},
		{name: "add: truncated JSON", method: "POST", path: "/series", body: `{"tvdbId":`, status: 400, want: `"errorMessage":"Malformed JSON body`},
		{name: "add: empty body", method: "POST", path: "/series", body: ``, status: 400, want: `A request body is required`},
		{name: "add: a list", method: "POST", path: "/series", body: `[1,2]`, status: 400, want: `Malformed JSON`},
		{name: "add: wrong types", method: "POST", path: "/series", body: `{"tvdbId":"abc","seasons":7}`, status: 400, want: `Malformed JSON`},
		{name: "add: no tvdb id", method: "POST", path: "/series", body: `{"title":"x"}`, status: 400, want: `"propertyName":"TvdbId"`},
		{name: "add: unknown profile", method: "POST", path: "/series", body: `{"tvdbId":1,"qualityProfileId":99}`, status: 400, want: `"propertyName":"QualityProfileId"`},
		{name: "add: bad series type", method: "POST", path: "/series", body: `{"tvdbId":1,"seriesType":"movie"}`, status: 400, want: `"propertyName":"SeriesType"`},
		{name: "add: other root folder", method: "POST", path: "/series", body: `{"tvdbId":1,"rootFolderPath":"/etc"}`, status: 400, want: `"propertyName":"RootFolderPath"`},
		{name: "add: season out of range", method: "POST", path: "/series", body: `{"tvdbId":1,"seasons":[{"seasonNumber":9999}]}`, status: 400, want: `"propertyName":"Seasons"`},
		{name: "add: tvdb id nobody knows", method: "POST", path: "/series", body: `{"tvdbId":5555,"title":"Nowhere"}`, status: 400, want: `"errorCode":"SeriesNotFound"`},
		{name: "tag: malformed", method: "POST", path: "/tag", body: `{"label":`, status: 400, want: `Malformed JSON`},
		{name: "tag: empty label", method: "POST", path: "/tag", body: `{"label":"  "}`, status: 400, want: `"propertyName":"Label"`},
		{name: "command: unknown", method: "POST", path: "/command", body: `{"name":"Nope"}`, status: 400, want: `"propertyName":"Name"`},
		{name: "command: unknown series", method: "POST", path: "/command", body: `{"name":"SeriesSearch","seriesId":999}`, status: 404, want: `"NotFound"`},
		{name: "command: no series", method: "POST", path: "/command", body: `{"name":"SeriesSearch"}`, status: 400, want: `"propertyName":"SeriesId"`},
		{name: "command: not JSON", method: "POST", path: "/command", body: `name=SeriesSearch`, status: 400, want: `Malformed JSON`},
		{name: "episode monitor: malformed", method: "PUT", path: "/episode/monitor", body: `{"episodeIds":"x"}`, status: 400, want: `Malformed JSON`},
		{name: "episode monitor: unknown ids are skipped", method: "PUT", path: "/episode/monitor", body: `{"episodeIds":[12345678901],"monitored":true}`, status: 202, want: `[]`},
		{name: "lookup: empty term", method: "GET", path: "/series/lookup", query: "term=", status: 200, want: `[]`},
		{name: "lookup: tvdb id nobody knows", method: "GET", path: "/series/lookup", query: "term=tvdb:999999", status: 200, want: `[]`},
		{name: "lookup: tvdb prefix with garbage is a title", method: "GET", path: "/series/lookup", query: "term=" + url.QueryEscape("tvdb:%%%"), status: 200, want: `[]`},
		{name: "list: bad tvdb filter", method: "GET", path: "/series", query: "tvdbId=abc", status: 200, want: `[]`},
		{name: "queue: bad paging", method: "GET", path: "/queue", query: "page=abc&pageSize=-5", status: 200, want: `"records":[]`},
	}
	for _, k := range cases {
		t.Run(k.name, func(t *testing.T) {
			q := url.Values{}
			if k.query != "" {
				q, _ = url.ParseQuery(k.query)
			}
			switch k.key {
			case "":
				q.Set("apikey", c.key)
			case "-":
			default:
				q.Set("apikey", k.key)
			}
			req, _ := http.NewRequest(k.method, ta.URL+"/api/v3"+k.path+"?"+q.Encode(), strings.NewReader(k.body))
			req.Header.Set("Content-Type", "application/json")
			if k.bearer {
				req.Header.Set("Authorization", "Bearer "+tok)
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			var raw json.RawMessage
			if err := json.NewDecoder(res.Body).Decode(&raw); err != nil {
				t.Fatalf("%d: body is not JSON: %v", res.StatusCode, err)
			}
			if res.StatusCode != k.status || !strings.Contains(string(raw), k.want) {
				t.Fatalf("got %d %s, want %d with %s", res.StatusCode, raw, k.status, k.want)
			}
		})
	}
	// The key in X-Api-Key works as well; it opens nothing of the product API.
	req, _ := http.NewRequest("GET", ta.URL+"/api/v3/system/status", nil)
	req.Header.Set("X-Api-Key", c.key)
	if res, err := http.DefaultClient.Do(req); err != nil || res.StatusCode != 200 {
		t.Fatalf("X-Api-Key: %v %v", res, err)
	}
	if code, _, _ := ta.do("GET", "/api/queue/status?apikey="+c.key, "", nil, "X-Api-Key", c.key); code != 401 {
		t.Fatalf("the Seerr key opened the product API: %d", code)
	}
	// Rotating the key locks the old one out at once.
	code, _, kb := ta.do("POST", "/api/seerr/key/rotate", tok, nil)
	if code != 200 || kb["api_key"] == c.key {
		t.Fatalf("rotate: %d %v", code, kb)
	}
	if code, _ := c.call("GET", "/system/status", nil, nil); code != 401 {
		t.Fatalf("old key after rotation: %d", code)
	}
	// Both requests nobody could match wait in the settings.
	code, _, ov := ta.do("GET", "/api/seerr", tok, nil)
	if code != 200 || strings.Contains(fmt.Sprint(ov), kb["api_key"].(string)) {
		t.Fatalf("overview: %d %v", code, ov)
	}
	un := fmt.Sprint(ov["unmatched"])
	if !strings.Contains(un, "tvdb_id:5555") || !strings.Contains(un, "tvdb_id:999999") || !strings.Contains(un, "Nowhere") {
		t.Fatalf("unmatched: %v", un)
	}
}

// TestSeerrUnmatchedAssign: a request whose show is not on the sites
// answers like Sonarr for an unknown series (lookup [], add 400), is
// listed in the settings, and a person assigns the right site series: the
// request Seerr sent (seasons, profile, search) is applied, Seerr's next
// lookup finds the series with its id, and it downloads.
func TestSeerrUnmatchedAssign(t *testing.T) {
	ta, tok, c, tm, env := startSeerr(t)
	show := faketmdb.DefaultShow()
	show.ID, show.Name, show.OriginalName, show.FirstAirDate, show.TVDBID = 777001, "Ohne Film", "映画なし", "2019-01-01", 777
	tm.Add(show)

	var found []seerrSeries
	c.get("GET", "/series/lookup", url.Values{"term": {"tvdb:777"}}, nil, 200, &found)
	if len(found) != 0 {
		t.Fatalf("lookup of a show the sites lack: %+v", found)
	}
	code, raw := c.call("POST", "/series", nil, map[string]any{"tvdbId": 777, "title": "Ohne Film", "qualityProfileId": 4,
		"seasons": []map[string]any{{"seasonNumber": 1, "monitored": true}}, "monitored": true, "seriesType": "standard",
		"addOptions": map[string]any{"searchForMissingEpisodes": true}})
	if code != 400 || !strings.Contains(string(raw), `"propertyName":"TvdbId"`) {
		t.Fatalf("add of a show the sites lack: %d %s", code, raw)
	}
	code, _, ov := ta.do("GET", "/api/seerr", tok, nil)
	un, _ := ov["unmatched"].([]any)
	if code != 200 || len(un) != 1 || un[0].(map[string]any)["title"] != "Ohne Film" || un[0].(map[string]any)["requested"] != true {
		t.Fatalf("unmatched: %d %v", code, ov)
	}
	// The person searches and picks "Kein Film".
	code, _, b := ta.do("POST", "/api/seerr/requests/777/assign", tok, map[string]any{"key": "no-movies",
		"link": env["ANIWORLD_PROVIDER_URL"] + "/anime/stream/no-movies"})
	if code != 200 || b["tvdbId"].(float64) != 777 || b["seriesType"] != "standard" || b["qualityProfileId"].(float64) != 4 {
		t.Fatalf("assign: %d %v", code, b)
	}
	if code, _, b := ta.do("POST", "/api/seerr/requests/777/assign", tok, map[string]any{"key": "no-movies", "link": "x"}); code != 404 {
		t.Fatalf("second assign: %d %v", code, b)
	}
	c.get("GET", "/series/lookup", url.Values{"term": {"tvdb:777"}}, nil, 200, &found)
	if len(found) != 1 || found[0].ID == 0 || found[0].TitleSlug != "no-movies" {
		t.Fatalf("lookup after the assignment: %+v", found)
	}
	done := waitCompleted(t, ta, tok, 2)
	if done["1-1"] != "German Sub" || done["1-2"] != "German Sub" {
		t.Fatalf("downloads after the assignment: %v", done)
	}
	if code, _, ov = ta.do("GET", "/api/seerr", tok, nil); len(ov["unmatched"].([]any)) != 0 {
		t.Fatalf("still unmatched: %v", ov)
	}
	// Seerr removes the request: the series leaves the library and its folder goes.
	c.get("DELETE", fmt.Sprintf("/series/%d", found[0].ID), url.Values{"deleteFiles": {"true"}, "addImportExclusion": {"false"}}, nil, 200, nil)
	if code, _, _ := ta.do("GET", "/api/anime/no-movies", tok, nil); code != 404 {
		t.Fatalf("series still in the library: %d", code)
	}
	c.get("GET", "/series/lookup", url.Values{"term": {"tvdb:777"}}, nil, 200, &found)
	if len(found) != 0 {
		t.Fatalf("lookup after removal: %+v", found)
	}
}

// TestSeerrRateLimit: the surface is rate-limited per client, wrong keys
// included (guessing the key is slow), with Sonarr's body and Retry-After;
// the product API keeps its own limits.
func TestSeerrRateLimit(t *testing.T) {
	ta, tok, c, _, _ := startSeerr(t)
	wrong := seerr{t: t, base: c.base, key: "guess"}
	var code int
	var raw []byte
	n := 0
	for ; n <= sonarrRateLimit; n++ {
		if code, raw = wrong.call("GET", "/system/status", nil, nil); code != http.StatusUnauthorized {
			break
		}
	}
	if code != http.StatusTooManyRequests || n != sonarrRateLimit || string(raw) != `{"message":"Too many requests"}` {
		t.Fatalf("after %d requests: %d %s", n, code, raw)
	}
	req, _ := http.NewRequest("GET", ta.URL+"/api/v3/system/status?apikey="+c.key, nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" {
		t.Fatalf("the right key within the window: %d, Retry-After %q", res.StatusCode, res.Header.Get("Retry-After"))
	}
	if code, _, _ := ta.do("GET", "/api/queue/status", tok, nil); code != 200 {
		t.Fatalf("the product API is limited by the Seerr rule: %d", code)
	}
}

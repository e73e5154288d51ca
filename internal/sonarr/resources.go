package sonarr

// The JSON shapes of Sonarr's v3 resources, reduced to the
// fields Jellyseerr/Overseerr read or send, plus the ones any v3 client
// expects to find. Field names are Sonarr's.

// Image is a series image (poster, fanart).
type Image struct {
	CoverType string `json:"coverType"`
	URL       string `json:"url"`
	RemoteURL string `json:"remoteUrl,omitempty"`
}

// SeasonStatistics are a season's counts from the library.
type SeasonStatistics struct {
	EpisodeFileCount  int     `json:"episodeFileCount"`
	EpisodeCount      int     `json:"episodeCount"`
	TotalEpisodeCount int     `json:"totalEpisodeCount"`
	SizeOnDisk        int64   `json:"sizeOnDisk"`
	PercentOfEpisodes float64 `json:"percentOfEpisodes"`
}

// Season is one season of a series.
type Season struct {
	SeasonNumber int               `json:"seasonNumber"`
	Monitored    bool              `json:"monitored"`
	Statistics   *SeasonStatistics `json:"statistics,omitempty"`
}

// SeriesStatistics are the whole series' counts.
type SeriesStatistics struct {
	SeasonCount       int      `json:"seasonCount"`
	EpisodeFileCount  int      `json:"episodeFileCount"`
	EpisodeCount      int      `json:"episodeCount"`
	TotalEpisodeCount int      `json:"totalEpisodeCount"`
	SizeOnDisk        int64    `json:"sizeOnDisk"`
	ReleaseGroups     []string `json:"releaseGroups"`
	PercentOfEpisodes float64  `json:"percentOfEpisodes"`
}

// Ratings is Sonarr's rating pair.
type Ratings struct {
	Votes int     `json:"votes"`
	Value float64 `json:"value"`
}

// AddOptions are POST /series' instructions.
type AddOptions struct {
	IgnoreEpisodesWithFiles    bool   `json:"ignoreEpisodesWithFiles"`
	IgnoreEpisodesWithoutFiles bool   `json:"ignoreEpisodesWithoutFiles"`
	SearchForMissingEpisodes   bool   `json:"searchForMissingEpisodes"`
	Monitor                    string `json:"monitor,omitempty"`
}

// Series is Sonarr's SeriesResource. ID is 0 (omitted) for a lookup
// result that is not in the library yet.
type Series struct {
	ID                int               `json:"id,omitempty"`
	Title             string            `json:"title"`
	AlternateTitles   []any             `json:"alternateTitles"`
	SortTitle         string            `json:"sortTitle"`
	SeasonCount       int               `json:"seasonCount"`
	TotalEpisodeCount int               `json:"totalEpisodeCount"`
	EpisodeCount      int               `json:"episodeCount"`
	EpisodeFileCount  int               `json:"episodeFileCount"`
	SizeOnDisk        int64             `json:"sizeOnDisk"`
	Status            string            `json:"status"`
	Overview          string            `json:"overview"`
	Network           string            `json:"network"`
	AirTime           string            `json:"airTime,omitempty"`
	Images            []Image           `json:"images"`
	RemotePoster      string            `json:"remotePoster,omitempty"`
	Seasons           []Season          `json:"seasons"`
	Year              int               `json:"year"`
	Path              string            `json:"path,omitempty"`
	QualityProfileID  int               `json:"qualityProfileId"`
	LanguageProfileID int               `json:"languageProfileId"`
	SeasonFolder      bool              `json:"seasonFolder"`
	Monitored         bool              `json:"monitored"`
	MonitorNewItems   string            `json:"monitorNewItems"`
	UseSceneNumbering bool              `json:"useSceneNumbering"`
	Runtime           int               `json:"runtime"`
	TVDBID            int               `json:"tvdbId"`
	TVRageID          int               `json:"tvRageId"`
	TVMazeID          int               `json:"tvMazeId"`
	TMDBID            int               `json:"tmdbId,omitempty"`
	FirstAired        string            `json:"firstAired,omitempty"`
	SeriesType        string            `json:"seriesType"`
	CleanTitle        string            `json:"cleanTitle"`
	IMDBID            string            `json:"imdbId,omitempty"`
	TitleSlug         string            `json:"titleSlug"`
	RootFolderPath    string            `json:"rootFolderPath,omitempty"`
	Certification     string            `json:"certification,omitempty"`
	Genres            []string          `json:"genres"`
	Tags              []int             `json:"tags"`
	Added             string            `json:"added"`
	Ratings           Ratings           `json:"ratings"`
	Statistics        *SeriesStatistics `json:"statistics,omitempty"`
	AddOptions        *AddOptions       `json:"addOptions,omitempty"`
}

// Episode is Sonarr's EpisodeResource (what Seerr reads of it).
type Episode struct {
	ID                       int64  `json:"id"`
	SeriesID                 int    `json:"seriesId"`
	EpisodeFileID            int64  `json:"episodeFileId"`
	SeasonNumber             int    `json:"seasonNumber"`
	EpisodeNumber            int    `json:"episodeNumber"`
	Title                    string `json:"title"`
	AirDate                  string `json:"airDate,omitempty"`
	AirDateUTC               string `json:"airDateUtc,omitempty"`
	Overview                 string `json:"overview"`
	HasFile                  bool   `json:"hasFile"`
	Monitored                bool   `json:"monitored"`
	AbsoluteEpisodeNumber    int    `json:"absoluteEpisodeNumber,omitempty"`
	UnverifiedSceneNumbering bool   `json:"unverifiedSceneNumbering"`
}

// QueueRecord is one entry of GET /queue.
type QueueRecord struct {
	ID                      int64          `json:"id"`
	SeriesID                int            `json:"seriesId"`
	EpisodeID               int64          `json:"episodeId"`
	SeasonNumber            int            `json:"seasonNumber"`
	Episode                 *Episode       `json:"episode,omitempty"`
	Series                  *Series        `json:"series,omitempty"`
	Languages               []NamedID      `json:"languages"`
	Title                   string         `json:"title"`
	Size                    float64        `json:"size"`
	Sizeleft                float64        `json:"sizeleft"`
	Timeleft                string         `json:"timeleft,omitempty"`
	EstimatedCompletionTime string         `json:"estimatedCompletionTime,omitempty"`
	Added                   string         `json:"added,omitempty"`
	Status                  string         `json:"status"`
	TrackedDownloadStatus   string         `json:"trackedDownloadStatus"`
	TrackedDownloadState    string         `json:"trackedDownloadState"`
	StatusMessages          []StatusNotice `json:"statusMessages"`
	ErrorMessage            string         `json:"errorMessage,omitempty"`
	DownloadID              string         `json:"downloadId"`
	Protocol                string         `json:"protocol"`
	DownloadClient          string         `json:"downloadClient"`
	Indexer                 string         `json:"indexer"`
	OutputPath              string         `json:"outputPath,omitempty"`
}

// StatusNotice is a queue record's status message.
type StatusNotice struct {
	Title    string   `json:"title"`
	Messages []string `json:"messages"`
}

// NamedID is Sonarr's {id, name} pair.
type NamedID struct {
	ID   int    `json:"id"`
	Name string `json:"name"`
}

// QueuePage is GET /queue's paged answer.
type QueuePage struct {
	Page          int           `json:"page"`
	PageSize      int           `json:"pageSize"`
	SortKey       string        `json:"sortKey"`
	SortDirection string        `json:"sortDirection"`
	TotalRecords  int           `json:"totalRecords"`
	Records       []QueueRecord `json:"records"`
}

// RootFolder is a folder series are added under.
type RootFolder struct {
	ID              int        `json:"id"`
	Path            string     `json:"path"`
	Accessible      bool       `json:"accessible"`
	FreeSpace       int64      `json:"freeSpace"`
	TotalSpace      int64      `json:"totalSpace"`
	UnmappedFolders []struct{} `json:"unmappedFolders"`
}

// Tag is a Seerr tag.
type Tag struct {
	ID    int64  `json:"id"`
	Label string `json:"label"`
}

// Command is POST /command's body and answer.
type Command struct {
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	SeriesID  int    `json:"seriesId,omitempty"`
	Status    string `json:"status"`
	Result    string `json:"result"`
	Queued    string `json:"queued"`
	Started   string `json:"started,omitempty"`
	Ended     string `json:"ended,omitempty"`
	Message   string `json:"message,omitempty"`
	Trigger   string `json:"trigger"`
	SendToUI  bool   `json:"sendUpdatesToClient"`
	Priority  string `json:"priority"`
	StateDesc string `json:"stateChangeTime,omitempty"`
}

// SystemStatus is GET /system/status (Sonarr v3's fields).
type SystemStatus struct {
	AppName                string `json:"appName"`
	InstanceName           string `json:"instanceName"`
	Version                string `json:"version"`
	BuildTime              string `json:"buildTime"`
	IsDebug                bool   `json:"isDebug"`
	IsProduction           bool   `json:"isProduction"`
	IsAdmin                bool   `json:"isAdmin"`
	IsUserInteractive      bool   `json:"isUserInteractive"`
	StartupPath            string `json:"startupPath"`
	AppData                string `json:"appData"`
	OsName                 string `json:"osName"`
	OsVersion              string `json:"osVersion"`
	IsNetCore              bool   `json:"isNetCore"`
	IsMono                 bool   `json:"isMono"`
	IsLinux                bool   `json:"isLinux"`
	IsOsx                  bool   `json:"isOsx"`
	IsWindows              bool   `json:"isWindows"`
	IsDocker               bool   `json:"isDocker"`
	Mode                   string `json:"mode"`
	Branch                 string `json:"branch"`
	Authentication         string `json:"authentication"`
	SqliteVersion          string `json:"sqliteVersion"`
	MigrationVersion       int    `json:"migrationVersion"`
	URLBase                string `json:"urlBase"`
	RuntimeVersion         string `json:"runtimeVersion"`
	RuntimeName            string `json:"runtimeName"`
	StartTime              string `json:"startTime"`
	PackageUpdateMechanism string `json:"packageUpdateMechanism"`
}

// ErrorBody is Sonarr's ErrorModel.
type ErrorBody struct {
	Message     string `json:"message"`
	Description string `json:"description,omitempty"`
}

// ValidationFailure is one entry of Sonarr's 400 validation answer (a
// JSON array of these).
type ValidationFailure struct {
	PropertyName   string `json:"propertyName"`
	ErrorMessage   string `json:"errorMessage"`
	AttemptedValue any    `json:"attemptedValue"`
	Severity       string `json:"severity"`
	ErrorCode      string `json:"errorCode,omitempty"`
}

package sonarr

import (
	"errors"
	"testing"
)

// FuzzSeriesBody: any POST/PUT /series body either decodes and validates,
// or fails with Sonarr's validation error (a 400), never a panic; a valid
// body's profile and type are known ones.
func FuzzSeriesBody(f *testing.F) {
	for _, s := range []string{
		`{"tvdbId":1,"qualityProfileId":2,"seasons":[{"seasonNumber":1,"monitored":true}],"seriesType":"anime"}`,
		`{"tvdbId":1,"addOptions":{"searchForMissingEpisodes":true},"tags":[1,2],"monitorNewItems":"none"}`,
		`{"tvdbId":"1"}`, `[]`, `{`, ``, `null`, `{"seasons":[{"seasonNumber":-1}]}`, `{"qualityProfileId":1e99}`,
	} {
		f.Add([]byte(s))
	}
	s := &Service{}
	f.Fuzz(func(t *testing.T, raw []byte) {
		var in SeriesInput
		err := decode(Payload{raw: raw}, &in)
		if err == nil {
			err = s.check(&in)
		}
		if err != nil {
			var v ValidationError
			if !errors.As(err, &v) || len(v) == 0 {
				t.Fatalf("%q: %v is not a validation error", raw, err)
			}
			return
		}
		if _, ok := ProfileByID(in.QualityProfileID); !ok || in.SeriesType == "" || in.MonitorNewItems == "" {
			t.Fatalf("%q accepted as %+v", raw, in)
		}
	})
}

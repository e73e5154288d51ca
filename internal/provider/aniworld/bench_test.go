package aniworld

import "testing"

func BenchmarkParsePages(b *testing.B) {
	c := fixtureClient(b)
	series := readFixture(b, "series_demo.html")
	season := readFixture(b, "season_demo_1.html")
	episode := readFixture(b, "episode_demo_1_1.html")
	search := readFixture(b, "search_demo.json")
	b.Run("series", func(b *testing.B) {
		b.SetBytes(int64(len(series)))
		for b.Loop() {
			if _, err := c.parseSeriesPage(series, "demo"); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("season", func(b *testing.B) {
		b.SetBytes(int64(len(season)))
		for b.Loop() {
			if _, err := c.parseSeasonPage(season, "demo/staffel-1", 1); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("episode", func(b *testing.B) {
		b.SetBytes(int64(len(episode)))
		for b.Loop() {
			if _, err := c.parseEpisodePage(episode, "demo S01E01"); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("search", func(b *testing.B) {
		b.SetBytes(int64(len(search)))
		for b.Loop() {
			if _, err := parseSearchJSON(search); err != nil {
				b.Fatal(err)
			}
		}
	})
}

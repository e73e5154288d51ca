package aniworld

import (
	"reflect"
	"testing"

	"github.com/aniworld/aniworld/internal/anime"
)

// TestSeriesDetailsVariants reads the series page fields the series page
// shows — description, genres, FSK, years, cover — from differently
// written pages: other whitespace and attribute order, extra wrappers and
// classes, entities, a lazy cover, an ended show, and noise around them.
func TestSeriesDetailsVariants(t *testing.T) {
	c := fixtureClient(t)
	type want struct {
		desc       string
		genres     []string
		fsk        int
		start, end int
		ongoing    bool
		cover      string
		seasons    []int
	}
	nav := `<div id="stream" class="hosterSiteDirectNav"><ul><li><span>Staffeln:</span></li>
		<li><a href="/anime/stream/x/filme" title="Alle Filme">Filme</a></li>
		<li><a class="active" href="/anime/stream/x/staffel-1" title="Staffel 1">1</a></li></ul></div>`
	cases := []struct {
		name string
		page string
		want want
	}{
		{"site layout", `<html><body><div class="seriesContentBox"><div class="series-title">
			<h1 itemprop="name" data-alternativetitles="A, B"><span>Show</span></h1>
			<small><span itemprop="startDate"><a href="/animes/jahr/2011">2011</a></span> - <span itemprop="endDate"><a href="/animes/jahr/2014">2014</a></span></small>
			<div class="fsk fsk16" data-fsk="16"></div></div>
			<p class="seri_des" itemprop="accountablePerson" data-description-type="review" data-full-description="Eine &quot;lange&quot; Geschichte &amp; mehr.">Eine "lange" Ges… <span class="showMore">mehr</span></p>
			<div class="genres"><ul data-main-genre="Drama"><li><a class="genreButton clearbutton" itemprop="genre" href="/genre/drama">Drama</a></li>
			<li><a class="genreButton clearbutton" itemprop="genre" href="/genre/ger">Ger</a></li>
			<li><a class="genreButton clearbutton" itemprop="genre" href="/genre/romanze">Romanze</a></li>
			<li><button class="hiddenArea">+</button></li></ul></div>
			<div class="seriesCoverBox"><img src="/public/img/lazy.svg" data-src="/public/img/cover/show_220x330.jpg" alt="Show"></div>
			</div>` + nav + `</body></html>`,
			want{desc: `Eine "lange" Geschichte & mehr.`, genres: []string{"Drama", "Romanze"}, fsk: 16, start: 2011, end: 2014,
				cover: "https://aniworld.to/public/img/cover/show_220x330.jpg", seasons: []int{0, 1}}},
		{"reordered attributes, whitespace, wrappers, ongoing", `<html><body>
			<section><div data-x="1" class="series-title extra">
			  <h1   data-alternativetitles=""   itemprop="name" ><span>
			     Show
			  </span></h1>
			  <small> <span itemprop="startDate" class="y"> <a href="/animes/jahr/1999">
			     1999 </a> </span> -
			    <span itemprop="endDate"><a href="#">Heute</a></span></small></div></section>
			<div class="wrap"><p data-full-description="  Text   über
			    zwei Zeilen.  " class="seri_des x">Text…</p></div>
			<div class="genres"><ul><li><a itemprop="genre" href="/genre/action" class="genreButton">  Action </a></li>
			  <li><a href="/genre/engsub" class="genreButton">EngSub</a></li><li><a class="genreButton" href="/genre/action">Action</a></li></ul></div>
			<div data-fsk=" 12 " class="fsk"></div>
			<div class="seriesCoverBox"><a href="#"><img alt="x" src="/public/img/cover/show_150x225.jpg"></a></div>` + nav + `</body></html>`,
			want{desc: "Text über zwei Zeilen.", genres: []string{"Action"}, fsk: 12, start: 1999, ongoing: true,
				cover: "https://aniworld.to/public/img/cover/show_150x225.jpg", seasons: []int{0, 1}}},
		{"no full description, no fsk, no cover, noise", `<html><body><script>var s = "<div class='series-title'>";</script>
			<div class="series-title"><h1><span>Show</span></h1></div>
			<p class="seri_des">Nur der kurze Text. <span class="showMore">mehr anzeigen</span></p>
			<div class="genres"><ul></ul></div>` + nav + `<div class="comments"><p class="seri_des">Kommentar</p></div></body></html>`,
			want{desc: "Nur der kurze Text.", seasons: []int{0, 1}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d, err := c.parseSeriesPage([]byte(tc.page), "x")
			if err != nil {
				t.Fatal(err)
			}
			got := want{desc: d.Description, genres: d.Genres, fsk: d.FSK, start: d.StartYear, end: d.EndYear, ongoing: d.Ongoing, cover: d.Cover, seasons: d.Seasons}
			if !reflect.DeepEqual(got, tc.want) || d.Title != "Show" {
				t.Errorf("title %q\n got %+v\nwant %+v", d.Title, got, tc.want)
			}
		})
	}
}

// TestSeasonRowsVariants reads each episode's number, German and English
// title and offered languages from differently written season tables.
func TestSeasonRowsVariants(t *testing.T) {
	c := fixtureClient(t)
	type ep struct {
		n      int
		de, en string
		langs  []anime.Language
	}
	cases := []struct {
		name string
		page string
		want []ep
	}{
		{"site layout", `<table class="seasonEpisodesList" data-season-id="1"><tbody id="season1">
			<tr class="" data-episode-id="101" data-episode-season-id="1" itemscope itemprop="episode" itemtype="http://schema.org/Episode">
			<td class="season1EpisodeID"><meta itemprop="episodeNumber" content="1"><a itemprop="url" href="/anime/stream/x/staffel-1/episode-1">Folge 1</a></td>
			<td class="seasonEpisodeTitle"><a href="/anime/stream/x/staffel-1/episode-1"><strong>Der Anfang</strong> - <span>The Beginning</span></a></td>
			<td><a href="/anime/stream/x/staffel-1/episode-1"><i class="icon VOE" title="VOE"></i></a></td>
			<td class="editFunctions"><img class="flag" src="/public/img/german.svg" title="Deutsch"><img class="flag" src="/public/img/japanese-english.svg"></td></tr>
			<tr data-episode-season-id="2"><td class="season1EpisodeID"><meta itemprop="episodeNumber" content="2"><a itemprop="url" href="/anime/stream/x/staffel-1/episode-2">Folge 2</a></td>
			<td class="seasonEpisodeTitle"><a href="/anime/stream/x/staffel-1/episode-2"><strong></strong><span>Tom &amp; Jerry&#39;s</span></a></td>
			<td class="editFunctions"><img class="flag" data-src="/public/img/japanese-german.svg" src="/public/img/lazy.svg"></td></tr>
			</tbody></table>`,
			[]ep{{1, "Der Anfang", "The Beginning", []anime.Language{anime.LangGermanDub, anime.LangEnglishSub}},
				{2, "", "Tom & Jerry's", []anime.Language{anime.LangGermanSub}}}},
		{"reordered, whitespace, wrappers, no meta", `<div class="x"><table data-y="2" class="table seasonEpisodesList striped"><thead><tr><th>#</th></tr></thead><tbody>
			<tr>
			  <td class="editFunctions">
			     <span><img src="/public/img/japanese-german.svg?v=2" class="flag lazy"></span>
			     <img src="/public/img/german.svg" class="flag">
			  </td>
			  <td class="seasonEpisodeTitle"><div><a href="/anime/stream/x/staffel-1/episode-10">
			     <strong>  Zehn
			     Teile </strong>
			     <span>  Ten   </span></a></div></td>
			</tr></tbody></table></div>`,
			[]ep{{10, "Zehn Teile", "Ten", []anime.Language{anime.LangGermanDub, anime.LangGermanSub}}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, err := c.parseSeasonPage([]byte(tc.page), "x/staffel-1", 1)
			if err != nil {
				t.Fatal(err)
			}
			var got []ep
			for _, e := range s.Episodes {
				got = append(got, ep{e.Number, e.TitleDE, e.TitleEN, e.Languages})
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("\n got %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

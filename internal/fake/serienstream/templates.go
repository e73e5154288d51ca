package serienstream

// templates is the site's markup since the 2026 redesign, with the noise a
// real page carries (navigation, scripts with Cloudflare's JavaScript
// Detections, cookie banner, footer).
const templates = `
{{define "head"}}{{template "headopen" .}}
<script defer src="/cdn-cgi/challenge-platform/scripts/jsd/main.js"></script>
{{template "headclose"}}{{end}}

{{define "errhead"}}{{template "headopen" .}}{{template "headclose"}}{{end}}

{{define "headopen"}}<!DOCTYPE html>
<html lang="de"><head><meta charset="utf-8"><title>{{.}} | SerienStream</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/build/app.css?v=7f3a">{{end}}

{{define "headclose"}}</head><body class="bg-dark text-light">
<nav class="navbar navbar-expand-lg"><a class="navbar-brand" href="/">SerienStream</a>
<form class="d-flex" action="/suche"><input name="term" class="form-control" placeholder="Serie suchen"><input type="hidden" name="tab" value="shows"></form>
<ul class="navbar-nav"><li class="nav-item"><a class="nav-link" href="/serien">Serien</a></li><li class="nav-item"><a class="nav-link" href="/neu">Neu</a></li></ul></nav>
<main class="container py-4">{{end}}

{{define "foot"}}</main>
<div class="cookie-banner small">Wir verwenden Cookies. <button class="btn btn-sm">OK</button></div>
<footer class="footer text-muted small"><a href="/impressum">Impressum</a> · <a href="/dmca">DMCA</a> · © 2026 SerienStream</footer>
<script>window.__APP__={"v":"2026.11"};document.querySelectorAll('tr.episode-row').forEach(function(r){r.style.cursor='pointer'});</script>
</body></html>{{end}}

{{define "showhead"}}<div class="row series-header">
<div class="col-md-3"><img class="img-fluid rounded lazy" src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" data-src="{{poster .Show}}" alt="{{.Show.Title}}"></div>
<div class="col-md-9">
<h1 class="h2 mb-1 fw-bold">{{.Show.Title}}</h1>
<div class="meta"><a class="small text-muted" href="/jahr/{{.Show.Year}}">{{.Show.Year}}</a> · <span class="badge bg-secondary">FSK {{.Show.FSK}}</span>
{{with .Show.IMDb}} · <a href="https://www.imdb.com/title/{{.}}/" target="_blank" rel="noopener">IMDb</a>{{end}}</div>
<p class="mt-2"><span class="description-text">{{.Show.Description}}</span> <a href="#" class="more">mehr</a></p>
<ul class="list-unstyled series-info">
{{range .Groups}}<li class="series-group"><strong class="me-1">{{.Label}}</strong>{{$k := .Kind}}{{range $i, $v := .Values}}{{if $i}}, {{end}}<a class="link-light" href="/{{$k}}/{{$v}}">{{$v}}</a>{{end}}</li>
{{end}}</ul></div></div>
<div id="season-nav" class="mt-3"><ul class="nav nav-pills">
{{$slug := .Show.Slug}}{{$cur := .Current}}{{range .Seasons}}<li class="nav-item"><a class="nav-link{{if eq . $cur}} active{{end}}" href="/serie/{{$slug}}/staffel-{{.}}">Staffel {{.}}</a></li>
{{end}}</ul></div>{{end}}

{{define "home"}}{{template "head" "Start"}}<h2>Willkommen</h2>{{template "foot"}}{{end}}

{{define "notfound"}}{{template "errhead" "Nicht gefunden"}}<div class="alert alert-danger">Seite nicht gefunden.</div>{{template "foot"}}{{end}}

{{define "series"}}{{template "head" .Show.Title}}{{template "showhead" .}}{{template "foot"}}{{end}}

{{define "season"}}{{template "head" .Show.Title}}{{template "showhead" .SeriesPage}}
<table class="table table-dark table-hover episode-table"><thead><tr><th>#</th><th>Titel</th><th>Hoster</th><th>Sprache</th></tr></thead><tbody>
{{range .Rows}}<tr class="episode-row" onclick="window.location='{{.URL}}'">
<th scope="row" class="episode-number-cell">{{.Number}}</th>
<td class="episode-title-cell">{{if .TitleDE}}<strong class="episode-title-ger">{{.TitleDE}}</strong>{{end}}{{if .TitleEN}} <span class="episode-title-eng text-muted">{{.TitleEN}}</span>{{end}}</td>
<td class="episode-hoster-cell">{{range .Hosters}}<img class="hoster-icon" src="/img/hoster/{{.}}.svg" alt="{{.}}" width="16"> {{end}}</td>
<td class="episode-lang-cell">{{range .Langs}}<span class="lang-flag" title="{{.}}"></span>{{end}}</td>
</tr>
{{end}}</tbody></table>{{template "foot"}}{{end}}

{{define "episode"}}{{template "head" .Show.Title}}{{template "showhead" .SeriesPage}}
<div class="episode-header"><h2 class="h4 mb-1">{{.Heading}}</h2></div>
<div class="link-boxes d-flex flex-wrap">
{{range .Buttons}}<button type="button" class="link-box btn btn-outline-light" data-play-url="{{.PlayURL}}" data-provider-name="{{.Hoster}}" data-language-label="{{.Label}}" data-language-id="{{.LangID}}"><img src="/img/hoster/{{.Hoster}}.svg" alt=""> {{.Hoster}} <small>{{.Label}}</small></button>
{{end}}</div>
<div id="player"><iframe id="player-iframe" src="about:blank" allowfullscreen></iframe></div>
{{template "foot"}}{{end}}

{{define "player"}}<!DOCTYPE html><html><head><title>Player</title></head><body><div class="player-placeholder">Bitte starte das Video über die Episodenseite.</div></body></html>{{end}}

{{define "gate"}}<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>Stream wird vorbereitet</title>
{{if eq .Kind "altcha"}}<script type="module" src="/js/altcha.min.js"></script>{{else}}<script src="https://challenges.cloudflare.com/turnstile/v0/api.js" async defer></script>{{end}}
</head><body><form id="gate-form" method="post" action="/r/verify"><input type="hidden" name="back" value="{{.Back}}">
{{if eq .Kind "altcha"}}<altcha-widget challengeurl="/r/altcha" auto="onload"></altcha-widget>{{else}}<div id="player-prepare-turnstile" class="cf-turnstile" data-sitekey="{{.SiteKey}}" data-callback="gateDone"></div>{{end}}
</form>
<script>
// Offline stand-in for the widget: the test sitekey always passes with the
// documented dummy token, so a real browser clears the gate without network.
function gateDone(tok){var f=document.getElementById('gate-form');var i=document.createElement('input');i.type='hidden';i.name={{if eq .Kind "altcha"}}'altcha'{{else}}'cf-turnstile-response'{{end}};i.value=tok;f.appendChild(i);f.submit();}
setTimeout(function(){gateDone({{if eq .Kind "altcha"}}'` + AltchaTestPayload + `'{{else}}'` + TurnstileTestToken + `'{{end}});},300);
</script></body></html>{{end}}

{{define "search"}}{{template "head" "Suche"}}
<ul class="nav nav-tabs"><li class="nav-item"><a class="nav-link active" href="/suche?term={{.Term}}&tab=shows">Serien</a></li><li class="nav-item"><a class="nav-link" href="/suche?term={{.Term}}&tab=people">Personen</a></li></ul>
<div class="search-results-list row g-3">
{{range .Shows}}<div class="col-6 col-md-2"><div class="card cover-card h-100">
<a href="/serie/{{.Slug}}" class="stretched-link"><img class="card-img-top lazy" data-src="{{poster .}}" alt="{{.Title}}"></a>
<div class="card-body p-2"><h6 class="show-title mb-0">{{.Title}}</h6></div></div></div>
{{end}}</div>
{{if not .Shows}}<p class="text-muted no-results">Keine Ergebnisse gefunden.</p>{{end}}
{{if .More}}<a class="page-link" href="/suche?term={{.Term}}&tab=shows&page={{.Page}}">Weiter</a>{{end}}
{{template "foot"}}{{end}}
`

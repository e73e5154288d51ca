// Package docs embeds the Swagger UI and ReDoc assets, so the API
// documentation works with no internet connection and no request leaves
// the host.
//
// Vendored from npm: swagger-ui-dist 5.35.0 and redoc 2.5.4
// (bundles/redoc.standalone.js). ReDoc 3.x was not used: it sends
// telemetry and loads icons from a CDN. In the 2.5.4 bundle the one CDN
// reference (the sidebar's logo image) is rewritten to the local
// assets/redoc-logo.svg.
package docs

import (
	"embed"
	"io/fs"
)

//go:embed assets
var assets embed.FS

// Assets is the file system of vendored docs assets (no "assets/" prefix).
func Assets() fs.FS {
	sub, err := fs.Sub(assets, "assets")
	if err != nil {
		panic(err)
	}
	return sub
}

// SwaggerPage is the HTML of /api/docs.
const SwaggerPage = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>aniworld API - Swagger UI</title>
<link rel="icon" type="image/png" href="/api/docs/assets/favicon-32x32.png">
<link rel="stylesheet" href="/api/docs/assets/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/api/docs/assets/swagger-ui-bundle.js"></script>
<script src="/api/docs/assets/swagger-ui-standalone-preset.js"></script>
<script src="/api/docs/assets/swagger-init.js"></script>
</body>
</html>
`

// RedocPage is the HTML of /api/redoc.
const RedocPage = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>aniworld API - ReDoc</title>
<link rel="icon" type="image/png" href="/api/docs/assets/favicon-32x32.png">
<style>body{margin:0;padding:0}</style>
</head>
<body>
<div id="redoc-container"></div>
<script src="/api/docs/assets/redoc.standalone.js"></script>
<script src="/api/docs/assets/redoc-init.js"></script>
</body>
</html>
`

// CSP is the Content-Security-Policy of the docs pages: everything from
// this origin only.
const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data:; font-src 'self' data:; worker-src 'self' blob:; connect-src 'self'; " +
	"object-src 'none'; base-uri 'none'; frame-ancestors 'none'"

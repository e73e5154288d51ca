Redoc.init("/api/openapi.json", {
  hideDownloadButton: false,
  disableSearch: false,
  expandResponses: "200,201",
  theme: { typography: { fontFamily: "system-ui, sans-serif", headings: { fontFamily: "system-ui, sans-serif" } } }
}, document.getElementById("redoc-container"));

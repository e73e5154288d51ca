package provider

import "github.com/aniworld/aniworld/internal/anime"

// FolderName is the folder a search result would get when added:
// anime.FolderName, the same rule the library creates folders with.
func FolderName(name string, year int) string { return anime.FolderName(name, year) }

package library

import "github.com/aniworld/aniworld/internal/anime"

// MaxNameBytes caps a sanitised name component (anime.MaxNameBytes).
const MaxNameBytes = anime.MaxNameBytes

// SanitizeFolderName is anime.SanitizeFolderName, the one sanitiser; the
// provider's search results use the same one.
func SanitizeFolderName(name string) string { return anime.SanitizeFolderName(name) }

// DisplayName is anime.DisplayName.
func DisplayName(name string, year int) string { return anime.DisplayName(name, year) }

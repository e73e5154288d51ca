package main

import "github.com/aniworld/aniworld/internal/config"

func overrides(dataDir, animeDir, addr string) config.Overrides {
	return config.Overrides{DataDir: &dataDir, AnimeDir: &animeDir, Addr: &addr}
}

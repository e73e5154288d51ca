package app

import "github.com/aniworld/aniworld/internal/config"

func overridesFor(dataDir, addr string) config.Overrides {
	return config.Overrides{DataDir: &dataDir, Addr: &addr}
}

package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/event"
	"github.com/aniworld/aniworld/internal/library"
	"github.com/aniworld/aniworld/internal/provider"
)

// cliLibrary opens the library for a one-shot command.
func cliLibrary(ctx context.Context, env Env, opts Options) (*App, *providers, *library.Service, error) {
	a, p, err := openCLI(ctx, env, opts, true)
	if err != nil {
		return nil, nil, nil, err
	}
	cfg := a.cfg.Get()
	if cfg.AnimeDirectory == "" {
		a.close()
		return nil, nil, nil, errors.New("no anime directory configured: pass --anime-dir, set ANIWORLD_ANIME_DIR, or set anime_directory in the config")
	}
	lib, err := a.wireLibrary(cfg, p, nil)
	if err != nil {
		a.close()
		return nil, nil, nil, err
	}
	return a, p, lib, nil
}

func runScan(ctx context.Context, env Env, opts Options, args []string) error {
	if len(args) > 0 {
		return usageError{"scan takes no arguments"}
	}
	a, _, lib, err := cliLibrary(ctx, env, opts)
	if err != nil {
		return err
	}
	defer a.close()
	bar := &progressLine{w: env.Stdout, tty: isTerminal(env.Stdout)}
	sum, err := lib.Scan(ctx, func(d event.ScanData) {
		bar.show("scanning", d.Percent, fmt.Sprintf("%d/%d %s", d.Current, d.Total, d.Folder), false)
	})
	if err != nil {
		return err
	}
	bar.show("scanning", 100, "", true)
	fmt.Fprintf(env.Stdout, "Scanned %s in %s: %d folders, %d series (%d new, %d updated, %d removed, %d adopted), %d episode files, %d missing episodes, %d unmatched folders.\n",
		sum.Directory, sum.Duration.Round(time.Millisecond), sum.Folders, sum.Series, sum.Added, sum.Updated, sum.Removed, sum.Adopted, sum.Episodes, sum.Missing, sum.Unmatched)
	for _, e := range sum.Errors {
		fmt.Fprintln(env.Stdout, "error:", e)
	}
	if sum.Unmatched > 0 {
		um, _ := lib.Unmatched(ctx)
		for _, u := range um {
			fmt.Fprintf(env.Stdout, "unmatched: %s (%s)\n", u.Folder, u.Reason)
		}
	}
	return nil
}

// parseEpisodes reads "1-5,7,9-10" into episode numbers.
func parseEpisodes(s string) ([]int, error) {
	var out []int
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		lo, hi, isRange := strings.Cut(part, "-")
		a, err := strconv.Atoi(strings.TrimSpace(lo))
		if err != nil || a < 1 {
			return nil, fmt.Errorf("bad episode %q", part)
		}
		b := a
		if isRange {
			if b, err = strconv.Atoi(strings.TrimSpace(hi)); err != nil || b < a || b-a > 5000 {
				return nil, fmt.Errorf("bad episode range %q", part)
			}
		}
		for i := a; i <= b; i++ {
			out = append(out, i)
		}
	}
	return out, nil
}

func setupDownload(fs *flag.FlagSet) runFunc {
	season := fs.Int("season", -1, "season number (0 = movies); required")
	episodes := fs.String("episodes", "", "episodes, e.g. 1-5,7 (default: the whole season)")
	lang := fs.String("lang", "", "language: German Dub, German Sub, English Sub, English Dub (default: the configured order)")
	return func(ctx context.Context, env Env, opts Options, args []string) error {
		if len(args) != 1 {
			return usageError{"download needs one <series-url>"}
		}
		if *season < 0 {
			return usageError{"--season is required"}
		}
		var want []int
		if *episodes != "" {
			var err error
			if want, err = parseEpisodes(*episodes); err != nil {
				return usageError{err.Error()}
			}
		}
		var langs []anime.Language
		if *lang != "" {
			l, err := anime.ParseLanguage(*lang)
			if err != nil {
				return usageError{err.Error()}
			}
			langs = []anime.Language{l}
		}
		return runDownload(ctx, env, opts, args[0], *season, want, langs)
	}
}

// runDownload adds the series to the library when it is not there yet and
// downloads the episodes (the whole season when want is nil).
func runDownload(ctx context.Context, env Env, opts Options, link string, season int, want []int, langs []anime.Language) error {
	a, p, lib, err := cliLibrary(ctx, env, opts)
	if err != nil {
		return err
	}
	defer a.close()
	prov, ref, err := p.reg.ForURL(link)
	if err != nil {
		return fmt.Errorf("series url: %w", err)
	}
	if want == nil {
		if want, err = seasonEpisodes(ctx, prov, ref.Key, season); err != nil {
			return err
		}
	}
	if _, _, err := lib.Get(ctx, ref.Key); errors.Is(err, anime.ErrNotFound) {
		res, err := lib.Add(ctx, prov.SeriesURL(ref.Key), "")
		if err != nil {
			return fmt.Errorf("add %s to the library: %w", ref.Key, err)
		}
		fmt.Fprintf(env.Stdout, "Added %s to the library as %q.\n", ref.Key, res.Folder)
	} else if err != nil {
		return err
	}
	eps := make([]anime.EpisodeRef, len(want))
	for i, n := range want {
		eps[i] = anime.EpisodeRef{Season: season, Episode: n}
	}
	return cliDownload(ctx, env, a, p, lib, ref.Key, eps, langs)
}

// seasonEpisodes lists the episode numbers the site has for one season.
func seasonEpisodes(ctx context.Context, prov provider.Provider, key string, season int) ([]int, error) {
	seasons, err := prov.Seasons(ctx, key)
	if err != nil {
		return nil, err
	}
	var want []int
	for _, s := range seasons {
		if s.Number == season {
			for _, e := range s.Episodes {
				want = append(want, e.Number)
			}
		}
	}
	if want == nil {
		return nil, fmt.Errorf("%s has no season %d", key, season)
	}
	return want, nil
}

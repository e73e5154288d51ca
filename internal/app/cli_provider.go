package app

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/provider"
)

func setupSearch(fs *flag.FlagSet) runFunc {
	asJSON := fs.Bool("json", false, "print JSON (the API's search shape)")
	site := fs.String("site", "", "search one site only: aniworld.to or s.to (serienstream.to); default: every site")
	return func(ctx context.Context, env Env, opts Options, args []string) error {
		if len(args) == 0 {
			return usageError{"search needs a search term"}
		}
		q := strings.Join(args, " ")
		a, p, err := openCLI(ctx, env, opts, false)
		if err != nil {
			return err
		}
		defer a.close()
		var res []provider.SearchResult
		if *site != "" {
			prov, lerr := p.reg.Lookup(*site)
			if lerr != nil {
				return usageError{fmt.Sprintf("unknown site %q (want aniworld.to or s.to)", *site)}
			}
			res, err = prov.Search(ctx, q)
		} else {
			res, err = p.reg.Search(ctx, q, nil)
		}
		if err != nil {
			return fmt.Errorf("search %q: %w", q, err)
		}
		if *asJSON {
			enc := json.NewEncoder(env.Stdout)
			enc.SetIndent("", "  ")
			if res == nil {
				res = []provider.SearchResult{}
			}
			return enc.Encode(res)
		}
		if len(res) == 0 {
			fmt.Fprintf(env.Stdout, "No series found for %q.\n", q)
			return nil
		}
		tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "SITE\tKEY\tNAME\tYEAR\tLINK")
		for _, r := range res {
			year := ""
			if r.Year > 0 {
				year = strconv.Itoa(r.Year)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.Site, r.Key, r.Name, year, r.Link)
		}
		return tw.Flush()
	}
}

// resolveOutput is what `aniworld resolve --json` prints.
type resolveOutput struct {
	Series   string             `json:"series"`
	Season   int                `json:"season"`
	Episode  int                `json:"episode"`
	Stream   anime.Stream       `json:"stream"`
	Attempts []provider.Attempt `json:"attempts"`
}

func setupResolve(fs *flag.FlagSet) runFunc {
	lang := fs.String("lang", "", "language: German Dub, German Sub, English Sub, English Dub (default: the configured order)")
	hosters := fs.String("hosters", "", "comma-separated hoster order (default: the configured order)")
	asJSON := fs.Bool("json", false, "print JSON")
	return func(ctx context.Context, env Env, opts Options, args []string) error {
		if len(args) != 3 {
			return usageError{"resolve needs <series-url> <season> <episode>"}
		}
		season, err1 := strconv.Atoi(args[1])
		episode, err2 := strconv.Atoi(args[2])
		if err1 != nil || err2 != nil || season < 0 || episode < 1 {
			return usageError{"season must be a number ≥ 0 and episode a number ≥ 1"}
		}
		a, p, err := openCLI(ctx, env, opts, false)
		if err != nil {
			return err
		}
		defer a.close()
		prov, ref, err := p.reg.ForURL(args[0])
		if err != nil {
			return fmt.Errorf("series url: %w", err)
		}
		cfg := a.cfg.Get()
		prefs := provider.Preferences{Languages: languages(cfg.Download.LanguageOrder), Hosters: cfg.Download.HosterOrder}
		if *lang != "" {
			l, err := anime.ParseLanguage(*lang)
			if err != nil {
				return usageError{err.Error()}
			}
			prefs.Languages = []anime.Language{l}
		}
		if *hosters != "" {
			prefs.Hosters = strings.Split(*hosters, ",")
		}
		res, err := provider.NewResolver(prov, prefs).Resolve(ctx, ref.Key, season, episode)
		if err != nil {
			return err
		}
		if *asJSON {
			enc := json.NewEncoder(env.Stdout)
			enc.SetIndent("", "  ")
			return enc.Encode(resolveOutput{Series: ref.Key, Season: season, Episode: episode, Stream: res.Stream, Attempts: res.Attempts})
		}
		s := res.Stream
		fmt.Fprintf(env.Stdout, "series:   %s S%02dE%02d\nhoster:   %s\nlanguage: %s\nkind:     %s\nurl:      %s\n",
			ref.Key, season, episode, s.Hoster, s.Lang, s.Kind, s.URL)
		for k, vs := range s.Headers {
			for _, v := range vs {
				fmt.Fprintf(env.Stdout, "header:   %s: %s\n", k, v)
			}
		}
		for _, at := range res.Attempts {
			fmt.Fprintf(env.Stdout, "attempt:  %s\n", at)
		}
		return nil
	}
}

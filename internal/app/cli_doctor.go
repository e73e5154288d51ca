package app

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"

	"github.com/aniworld/aniworld/internal/doctor"
)

// errDoctorFailed makes `aniworld doctor` exit 1 after printing its table.
var errDoctorFailed = errors.New("provider check failed (see the table above)")

func setupDoctor(fs *flag.FlagSet) runFunc {
	site := fs.String("site", "", "check only this site (aniworld.to, s.to); default every registered site")
	key := fs.String("key", "", "series key of the probe episode (default per site, e.g. naruto)")
	query := fs.String("query", "", "search term (default: the key, or the site's default term)")
	season := fs.Int("season", -1, "season of the probe episode (0 = movies; default 1)")
	episode := fs.Int("episode", 0, "episode number (default 1)")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	return func(ctx context.Context, env Env, opts Options, args []string) error {
		if len(args) != 0 {
			return usageError{"doctor takes no arguments (use --site, --key, --season, --episode)"}
		}
		a, p, err := openCLI(ctx, env, opts, false)
		if err != nil {
			return err
		}
		defer a.close()
		sites, err := doctor.SitesOf(p.reg, *site, doctor.Probe{Key: *key, Query: *query, Season: *season, Episode: *episode})
		if err != nil {
			return err
		}
		rep := doctor.Run(ctx, sites, doctor.Options{Doer: p.client, Resolver: a.dnsDescription()})
		if *asJSON {
			enc := json.NewEncoder(env.Stdout)
			enc.SetIndent("", "  ")
			if err := enc.Encode(rep); err != nil {
				return err
			}
		} else {
			fmt.Fprint(env.Stdout, rep.Table())
		}
		if !rep.OK {
			return errDoctorFailed
		}
		return nil
	}
}

package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"github.com/aniworld/aniworld/internal/httpclient"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/aniworld/aniworld/internal/config"
	"github.com/aniworld/aniworld/internal/version"
)

// Env is the process environment the CLI runs in.
type Env struct {
	Args   []string // without the program name
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(string) string
}

// runFunc runs a parsed command with its positional arguments.
type runFunc func(ctx context.Context, env Env, opts Options, args []string) error

// command is one subcommand. setup defines its own flags on fs and
// returns the function that runs it.
type command struct {
	name, args, summary string
	setup               func(fs *flag.FlagSet) runFunc
}

func noFlags(run runFunc) func(*flag.FlagSet) runFunc {
	return func(*flag.FlagSet) runFunc { return run }
}

func commands() []command {
	return []command{
		{"serve", "", "run the server: web UI, API, WebSocket, downloads, scheduler (default)", noFlags(runServe)},
		{"search", "<term>", "search every site (--site aniworld.to or s.to for one) and print the series found", setupSearch},
		{"resolve", "<series-url> <season> <episode>", "print the stream the queue would download (--lang, --json)", setupResolve},
		{"scan", "", "scan the anime folder now and print a summary", noFlags(runScan)},
		{"doctor", "", "check every site and hoster live, step by step, and print what broke (--site, --key, --json)", setupDoctor},
		{"download", "<series-url>", "download episodes (--season N [--episodes 1-5] [--lang ...])", setupDownload},
		{"version", "", "print the version", noFlags(func(_ context.Context, env Env, _ Options, _ []string) error {
			fmt.Fprintln(env.Stdout, "aniworld", version.String())
			return nil
		})},
	}
}

// usageError is a mistake on the command line: usage is printed, exit 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// Options are the global flags, shared by every subcommand.
type Options struct {
	ConfigPath string
	Flags      config.Overrides
	// Solvers are extra challenge solvers for the HTTP client (tried in
	// order), e.g. for serienstream's link-out gate; tests inject stubs.
	Solvers []httpclient.Solver
	// Now is the clock of the monitor and calendar (time.Now when nil; tests inject).
	Now func() time.Time
	// BrowserTrustedSPKI are certificate keys (browser.SPKIHash) the
	// built-in Chromium accepts without a known root: the browser's
	// counterpart of download.ca_file, for servers with a private CA.
	BrowserTrustedSPKI []string
}

// globals are the global flags' values.
type globals struct {
	addr, dataDir, animeDir, cfgPath, logLevel string
	help                                       bool
}

func (g *globals) register(fs *flag.FlagSet) {
	str := func(p *string, name, envName, def, help string) {
		fs.Func(name, fmt.Sprintf("%s (env %s%s)", help, envName, def), func(s string) error { *p = s; return nil })
	}
	str(&g.addr, "addr", "ANIWORLD_ADDR", ", default 127.0.0.1:8000", "listen address host:port")
	str(&g.dataDir, "data-dir", "ANIWORLD_DATA_DIR", ", default ./data", "directory for the database, config, secrets and logs")
	str(&g.animeDir, "anime-dir", "ANIWORLD_ANIME_DIR", "", "your anime library folder")
	str(&g.cfgPath, "config", "ANIWORLD_CONFIG", ", default <data-dir>/config.json", "config file")
	str(&g.logLevel, "log-level", "ANIWORLD_LOG_LEVEL", "", "DEBUG, INFO, WARNING, ERROR or CRITICAL")
	fs.BoolVar(&g.help, "help", false, "show this help")
	fs.BoolVar(&g.help, "h", false, "show this help")
}

func (g *globals) options() Options {
	set := func(p *string) *string {
		if *p == "" {
			return nil
		}
		v := *p
		return &v
	}
	return Options{
		ConfigPath: g.cfgPath,
		Flags:      config.Overrides{Addr: set(&g.addr), DataDir: set(&g.dataDir), AnimeDir: set(&g.animeDir), LogLevel: set(&g.logLevel)},
	}
}

// parseInterleaved parses flags that may come before, between or after
// positional arguments, and returns the positional ones.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// Main runs the CLI and returns the process exit code.
func Main(ctx context.Context, env Env) int {
	var g globals
	top := flag.NewFlagSet("aniworld", flag.ContinueOnError)
	top.SetOutput(io.Discard)
	g.register(top)
	if err := top.Parse(env.Args); err != nil {
		fmt.Fprintln(env.Stderr, "aniworld:", err)
		printUsage(env.Stderr)
		return 2
	}
	rest := top.Args()
	name := "serve"
	if len(rest) > 0 && !strings.HasPrefix(rest[0], "-") {
		name, rest = rest[0], rest[1:]
	}
	if name == "help" {
		printUsage(env.Stdout)
		return 0
	}
	var cmd *command
	for _, c := range commands() {
		if c.name == name {
			cmd = &c
		}
	}
	if cmd == nil {
		fmt.Fprintf(env.Stderr, "aniworld: unknown command %q\n", name)
		printUsage(env.Stderr)
		return 2
	}
	fs := flag.NewFlagSet("aniworld "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	before := g
	g.register(fs) // registering resets the values to their defaults
	g = before
	run := cmd.setup(fs)
	args, err := parseInterleaved(fs, rest)
	if err != nil {
		fmt.Fprintln(env.Stderr, "aniworld:", err)
		printCommandUsage(env.Stderr, cmd, fs)
		return 2
	}
	if g.help {
		if name == "serve" && !slices.Contains(env.Args, "serve") {
			printUsage(env.Stdout)
		} else {
			printCommandUsage(env.Stdout, cmd, fs)
		}
		return 0
	}
	err = run(ctx, env, g.options(), args)
	var ue usageError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ue):
		fmt.Fprintln(env.Stderr, "aniworld:", err)
		printCommandUsage(env.Stderr, cmd, fs)
		return 2
	default:
		fmt.Fprintln(env.Stderr, "aniworld:", oneLine(err.Error()))
		return 1
	}
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func printUsage(w io.Writer) {
	fs := flag.NewFlagSet("aniworld", flag.ContinueOnError)
	var g globals
	g.register(fs)
	fmt.Fprint(w, `aniworld - self-hosted anime library and download manager

Usage:
  aniworld [flags] [command] [arguments]

Commands:
`)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-9s %-34s %s\n", c.name, c.args, c.summary)
	}
	fmt.Fprint(w, `
Flags (each has an environment twin; precedence: flags > environment > config file > defaults):
`)
	printFlags(w, fs)
	fmt.Fprint(w, `
Other environment variables: ANIWORLD_PROVIDER_URL, ANIWORLD_STO_URL, ANIWORLD_TMDB_API_KEY,
ANIWORLD_TMDB_API_URL, ANIWORLD_TMDB_IMAGE_URL, ANIWORLD_METRICS_TOKEN,
ANIWORLD_BROWSER (auto, on, off), ANIWORLD_BROWSER_PATH (the Chromium executable).
"aniworld <command> --help" shows a command's own flags.
`)
}

func printCommandUsage(w io.Writer, c *command, fs *flag.FlagSet) {
	fmt.Fprintf(w, "Usage: aniworld %s [flags] %s\n  %s\n\nFlags:\n", c.name, c.args, c.summary)
	printFlags(w, fs)
}

func printFlags(w io.Writer, fs *flag.FlagSet) {
	fs.VisitAll(func(f *flag.Flag) {
		if f.Name == "h" {
			return
		}
		fmt.Fprintf(w, "  --%-10s %s\n", f.Name, f.Usage)
	})
}

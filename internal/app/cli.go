package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

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

// command is one subcommand.
type command struct {
	name, summary string
	run           func(ctx context.Context, env Env, opts Options, args []string) error
}

func commands() []command {
	return []command{
		{"serve", "run the server: web UI, API, WebSocket, downloads, scheduler (default)", runServe},
		{"version", "print the version", func(_ context.Context, env Env, _ Options, _ []string) error {
			fmt.Fprintln(env.Stdout, "aniworld", version.String())
			return nil
		}},
	}
}

// usageError is a mistake on the command line: usage is printed, exit 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// Options are the global flags, shared by every subcommand.
type Options struct {
	ConfigPath string
	Flags      config.Overrides
}

// Main runs the CLI and returns the process exit code.
func Main(ctx context.Context, env Env) int {
	fs := flag.NewFlagSet("aniworld", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var opts Options
	str := func(name, envName, def, help string) *string {
		v := new(string)
		fs.Func(name, fmt.Sprintf("%s (env %s%s)", help, envName, def), func(s string) error { *v = s; return nil })
		return v
	}
	addr := str("addr", "ANIWORLD_ADDR", ", default 127.0.0.1:8000", "listen address host:port")
	dataDir := str("data-dir", "ANIWORLD_DATA_DIR", ", default ./data", "directory for the database, config, secrets and logs")
	animeDir := str("anime-dir", "ANIWORLD_ANIME_DIR", "", "your anime library folder")
	cfgPath := str("config", "ANIWORLD_CONFIG", ", default <data-dir>/config.json", "config file")
	logLevel := str("log-level", "ANIWORLD_LOG_LEVEL", "", "DEBUG, INFO, WARNING, ERROR or CRITICAL")
	help := fs.Bool("help", false, "show this help")
	fs.BoolVar(help, "h", false, "show this help")

	args := env.Args
	if err := fs.Parse(args); err != nil {
		fmt.Fprintln(env.Stderr, "aniworld:", err)
		printUsage(env.Stderr, fs)
		return 2
	}
	rest := fs.Args()
	name := "serve"
	if len(rest) > 0 && !strings.HasPrefix(rest[0], "-") {
		name, rest = rest[0], rest[1:]
	}
	if name == "help" {
		*help = true
	}
	// Flags may also follow the subcommand: "aniworld serve --addr :9000".
	if err := fs.Parse(rest); err != nil {
		fmt.Fprintln(env.Stderr, "aniworld:", err)
		printUsage(env.Stderr, fs)
		return 2
	}
	rest = fs.Args()
	if *help {
		printUsage(env.Stdout, fs)
		return 0
	}
	set := func(p *string) *string {
		if *p == "" {
			return nil
		}
		return p
	}
	opts.Flags = config.Overrides{Addr: set(addr), DataDir: set(dataDir), AnimeDir: set(animeDir), LogLevel: set(logLevel)}
	opts.ConfigPath = *cfgPath
	for _, c := range commands() {
		if c.name != name {
			continue
		}
		err := c.run(ctx, env, opts, rest)
		var ue usageError
		switch {
		case err == nil:
			return 0
		case errors.As(err, &ue):
			fmt.Fprintln(env.Stderr, "aniworld:", err)
			printUsage(env.Stderr, fs)
			return 2
		default:
			fmt.Fprintln(env.Stderr, "aniworld:", oneLine(err.Error()))
			return 1
		}
	}
	fmt.Fprintf(env.Stderr, "aniworld: unknown command %q\n", name)
	printUsage(env.Stderr, fs)
	return 2
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func printUsage(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprint(w, `aniworld - self-hosted anime library and download manager

Usage:
  aniworld [flags] [command] [arguments]

Commands:
`)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, `
Flags (each has an environment twin; precedence: flags > environment > config file > defaults):
`)
	fs.VisitAll(func(f *flag.Flag) {
		if f.Name == "h" {
			return
		}
		fmt.Fprintf(w, "  --%-10s %s\n", f.Name, f.Usage)
	})
	fmt.Fprint(w, `
Other environment variables: ANIWORLD_PROVIDER_URL, ANIWORLD_STO_URL, ANIWORLD_TMDB_API_KEY,
ANIWORLD_TMDB_API_URL, ANIWORLD_TMDB_IMAGE_URL, ANIWORLD_METRICS_TOKEN.
`)
}

// Command aniworld is a self-hosted anime library and download manager.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/aniworld/aniworld/internal/app"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := app.Main(ctx, app.Env{Args: os.Args[1:], Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv})
	stop()
	os.Exit(code)
}

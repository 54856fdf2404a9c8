// Command drupdate keeps fleets of Drupal sites safe and current. See the
// README for its commands.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/drupdate/drupdate/internal/app"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := app.Run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

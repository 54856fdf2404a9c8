// Package app wires drupdate's commands: flag parsing, I/O and exit
// statuses around the pure packages. cmd/drupdate only calls Run, so every
// command is testable in-process.
package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"
)

// Version is drupdate's version, set at build time with -ldflags.
var Version = "dev"

// env is what a command may touch: its output streams and the clock.
type env struct {
	stdout, stderr io.Writer
	now            func() time.Time
	getenv         func(string) string
}

type command struct {
	name    string
	summary string
	run     func(ctx context.Context, e *env, args []string) error
}

func commands() []command {
	return []command{
		{"status", "report every project's update status", runStatus},
		{"audit", "list the security advisories that affect installed versions", runAudit},
		{"inventory", "scan a platform: core, projects, versions, sites, unmet dependencies", runInventory},
		{"notify", "notify test RECEIVER: send a sample message to a configured receiver", runNotify},
		{"serve", "watch a fleet: poll feeds, record events, serve the API", runServe},
		{"version", "print drupdate's version", runVersion},
	}
}

// Run executes drupdate with args (without the program name) and returns
// the process exit status.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	e := &env{stdout: stdout, stderr: stderr, now: time.Now, getenv: os.Getenv}
	return e.exit(e.dispatch(ctx, args))
}

func (e *env) dispatch(ctx context.Context, args []string) error {
	if len(args) == 0 {
		e.usage(e.stderr)
		return &usageError{}
	}
	if args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		e.usage(e.stdout)
		return nil
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(ctx, e, args[1:])
		}
	}
	e.usage(e.stderr)
	return usagef("unknown command %q", args[0])
}

func (e *env) usage(w io.Writer) {
	fmt.Fprintln(w, "drupdate keeps fleets of Drupal sites safe and current.")
	fmt.Fprintln(w, "\nUsage: drupdate COMMAND [flags]\n\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'drupdate COMMAND -h' for a command's flags.")
}

// exit reports err on stderr and maps it to an exit status.
func (e *env) exit(err error) int {
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	var ue *usageError
	switch {
	case err == nil, errors.Is(err, errInsecure):
	case errors.As(err, &ue):
		if ue.msg != "" {
			fmt.Fprintf(e.stderr, "drupdate: %s\n", ue.msg)
		}
	default:
		fmt.Fprintf(e.stderr, "drupdate: %v\n", err)
	}
	return exitCode(err)
}

// newFlags makes a subcommand's flag set; parse errors become usage errors.
func newFlags(e *env, name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "Usage: drupdate %s %s\n\nFlags:\n", name, synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args, allowing flags after positional arguments
// ("status PATH --format json"), which the flag package alone does not.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, &usageError{}
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

func runVersion(_ context.Context, e *env, args []string) error {
	fs := newFlags(e, "version", "")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "drupdate %s\n", Version)
	return nil
}

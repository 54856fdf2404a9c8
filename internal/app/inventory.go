package app

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"

	"github.com/drupdate/drupdate/internal/drupal"
	"github.com/drupdate/drupdate/platforms"
)

func runInventory(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "inventory", "PATH [--format json|text]")
	format := fs.String("format", "json", "output `format`: json (what 'status --installed' reads) or text")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if *format != "text" && *format != "json" {
		return usagef("--format must be json or text, not %q", *format)
	}
	if len(pos) != 1 {
		return usagef("inventory takes one platform PATH")
	}
	inv, err := scan(ctx, e, pos[0], nil)
	if err != nil {
		return err
	}
	if *format == "text" {
		return platforms.WriteText(e.stdout, inv)
	}
	enc := json.NewEncoder(e.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(inv)
}

// scan inventories a platform; what it skips is logged to stderr and listed
// in the inventory.
func scan(ctx context.Context, e *env, path string, hosted map[string]string) (*drupal.Inventory, error) {
	log := slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	inv, err := platforms.Scan(ctx, path, platforms.Options{Logger: log, Hosted: hosted})
	if err != nil {
		return nil, fmt.Errorf("scan %s: %w", path, err)
	}
	return inv, nil
}

// fleetTargets scans every platform of a fleet configuration. A platform
// that cannot be scanned is reported as such; the others still are.
func fleetTargets(ctx context.Context, e *env, fleet *platforms.Fleet, hosted map[string]string) ([]*target, error) {
	log := slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	var out []*target
	for _, r := range platforms.ScanFleet(ctx, fleet, platforms.Options{Logger: log, Hosted: hosted}) {
		t := &target{name: r.Platform.Name, path: r.Platform.Path, tags: r.Platform.Tags, inv: r.Inventory}
		if r.Err != nil {
			t.err = fmt.Errorf("platform %s: %w", r.Platform.Name, r.Err)
		}
		out = append(out, t)
	}
	return out, ctx.Err()
}

package app

import (
	"context"
	"flag"

	"github.com/drupdate/drupdate/internal/drupal"
	"github.com/drupdate/drupdate/platforms"
)

// platformArgs is how a command is told which platforms to look at: one
// PATH to scan, an inventory FILE, or a fleet configuration.
type platformArgs struct {
	path, installed, config string
}

func (a *platformArgs) register(fs *flag.FlagSet) {
	fs.StringVar(&a.installed, "installed", "", "inventory `FILE` (JSON, as 'drupdate inventory' writes it) instead of scanning a PATH")
	fs.StringVar(&a.config, "config", "", "fleet configuration `FILE` (YAML): every platform it names, each feed fetched once")
}

// check takes the positional arguments and insists on exactly one source.
func (a *platformArgs) check(cmd string, pos []string) error {
	sources := 0
	for _, set := range []bool{len(pos) > 0, a.installed != "", a.config != ""} {
		if set {
			sources++
		}
	}
	switch {
	case len(pos) > 1:
		return usagef("%s takes one platform PATH, not %d", cmd, len(pos))
	case sources == 0:
		return usagef("%s needs a platform PATH, --installed FILE or --config FLEET", cmd)
	case sources > 1:
		return usagef("give only one of PATH, --installed and --config")
	}
	if len(pos) == 1 {
		a.path = pos[0]
	}
	return nil
}

// load scans or reads the platforms; fleet is nil without --config, and
// hosting nil without a github section.
func (a *platformArgs) load(ctx context.Context, e *env) (targets []*target, fleet *platforms.Fleet, h *hosting, err error) {
	switch {
	case a.config != "":
		if fleet, err = platforms.LoadFleet(a.config, fleetSections...); err != nil {
			return nil, nil, nil, err
		}
		if h, err = loadHosting(a.config, fleet, e.getenv, e.now); err != nil {
			return nil, nil, nil, err
		}
		targets, err = fleetTargets(ctx, e, fleet, h.scanHosted())
		return targets, fleet, h, err
	case a.installed != "":
		var inv *drupal.Inventory
		if inv, err = readInventory(a.installed); err != nil {
			return nil, nil, nil, err
		}
		return []*target{{inv: inv}}, nil, nil, nil
	}
	inv, err := scan(ctx, e, a.path, nil)
	if err != nil {
		return nil, nil, nil, err
	}
	return []*target{{inv: inv, path: a.path}}, nil, nil, nil
}

package app

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"time"

	"github.com/drupdate/drupdate/feeds"
	"github.com/drupdate/drupdate/internal/drupal"
	"github.com/drupdate/drupdate/internal/secdb"
	"github.com/drupdate/drupdate/internal/watch"
	"github.com/drupdate/drupdate/platforms"
	"github.com/drupdate/drupdate/resolver/status"
)

// defaultReleaseHistory is drupal.org's release-history service.
const defaultReleaseHistory = "https://updates.drupal.org/release-history"

type statusFlags struct {
	platformArgs
	source       string
	osv          string
	format       string
	securityOnly bool
	now          string
}

func runStatus(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "status", "[PATH | --installed FILE | --config FLEET] [--release-history URL|DIR] [--format text|json] [--security-only]")
	var f statusFlags
	f.register(fs)
	fs.StringVar(&f.source, "release-history", defaultReleaseHistory, "release-history base `URL`, or a local mirror `DIR` laid out DIR/<project>/<category>.xml")
	fs.StringVar(&f.osv, "osv", "", "show the advisories from this OSV database (a `DIR` or zip URL) beside each project; the fleet file's advisories section does the same")
	fs.StringVar(&f.format, "format", "text", "output `format`: text or json")
	fs.BoolVar(&f.securityOnly, "security-only", false, "list only projects that need a security update")
	fs.StringVar(&f.now, "now", "", "judge core's security coverage as of this RFC 3339 `time` instead of now")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if f.format != "text" && f.format != "json" {
		return usagef("--format must be text or json, not %q", f.format)
	}
	if err := f.check("status", pos); err != nil {
		return err
	}
	now, err := nowFlag(e, f.now)
	if err != nil {
		return err
	}
	targets, fleet, hosts, err := f.load(ctx, e)
	if err != nil {
		return err
	}
	// The fleet file's serve section names the release history the fleet
	// is watched with; an explicit flag still wins.
	if fleet != nil && !flagSet(fs, "release-history") {
		if f.source, err = fleetReleaseHistory(e, f.config, fleet); err != nil {
			return err
		}
	}
	client, err := feeds.Open(f.source, hosts.feedOptions()...)
	if err != nil {
		return fmt.Errorf("release history: %w", err)
	}
	if err := evaluateTargets(ctx, client, &status.Evaluator{Now: now}, targets); err != nil {
		return err
	}
	if err := annotate(ctx, e, f.config, fleet, f.osv, now(), targets); err != nil {
		return err
	}
	if f.securityOnly {
		for _, t := range targets {
			t.report = onlyInsecure(t.report)
		}
	}
	if f.config == "" {
		if t := targets[0]; t.err != nil {
			return t.err
		}
	}
	switch {
	case f.format == "json" && f.config != "":
		err = writeFleetJSON(e.stdout, targets)
	case f.format == "json":
		err = writeJSON(e.stdout, targets[0])
	case f.config != "":
		err = writeFleetText(e.stdout, targets)
	default:
		err = writeText(e.stdout, targets[0])
	}
	if err != nil {
		return err
	}
	return verdict(targets)
}

// fleetReleaseHistory is the release history a fleet file's serve
// section names (drupal.org's by default).
func fleetReleaseHistory(e *env, file string, fleet *platforms.Fleet) (string, error) {
	sc, err := parseServeConfig(file, fleet.Sections[serveSection], e.getenv)
	return sc.ReleaseHistory, err
}

// nowFlag reads a --now flag: the clock to judge time-dependent things
// (core's security coverage, waivers) by.
func nowFlag(e *env, value string) (func() time.Time, error) {
	if value == "" {
		return e.now, nil
	}
	t, err := time.Parse(time.RFC3339, value)
	if err != nil {
		return nil, usagef("--now %q is not an RFC 3339 time", value)
	}
	return func() time.Time { return t }, nil
}

// flagSet reports whether the command line set the named flag.
func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// verdict is the command's outcome: security updates outrank everything, so
// one broken platform cannot hide another's insecurity from monitoring. An
// unwaived advisory affecting an installed version counts as insecure even
// where the release history does not say so (drupdate's policy, not
// Drupal's: the report's statuses stay Drupal's).
func verdict(targets []*target) error {
	var errs []error
	insecure := false
	for _, t := range targets {
		if t.err != nil {
			errs = append(errs, t.err)
		}
		insecure = insecure || t.report.Insecure()
		for _, f := range t.findings {
			insecure = insecure || f.Waived == nil
		}
	}
	if insecure {
		return errInsecure
	}
	return errors.Join(errs...)
}

func readInventory(path string) (*drupal.Inventory, error) {
	data, err := readLimited(path, maxInventoryBytes)
	if err != nil {
		return nil, err
	}
	return drupal.ParseInventory(path, data)
}

// maxInventoryBytes bounds an inventory file; real ones are a few kilobytes.
const maxInventoryBytes = 32 << 20

// readLimited reads a file, refusing one larger than limit.
func readLimited(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("read %s: over the %d-byte limit", path, limit)
	}
	return data, nil
}

// target is one platform to report on.
type target struct {
	name, path string
	tags       []string
	inv        *drupal.Inventory
	platform   status.Platform
	report     status.Report
	err        error // the platform could not be scanned or evaluated
	// findings are the advisories that affect it, when advisory data is
	// configured.
	findings []secdb.Finding
}

// evaluateTargets fetches every feed the targets need, once per project and
// category across all of them, and evaluates each target.
func evaluateTargets(ctx context.Context, client *feeds.Client, ev *status.Evaluator, targets []*target) error {
	want := map[string][]string{} // category → projects
	seen := map[[2]string]bool{}
	for _, t := range targets {
		if t.err != nil {
			continue
		}
		if t.platform, t.err = watch.PlatformOf(t.inv); t.err != nil {
			continue
		}
		cat := t.platform.Algorithm.Category()
		for _, in := range t.platform.Projects {
			if k := [2]string{cat, in.Name}; !seen[k] {
				seen[k] = true
				want[cat] = append(want[cat], in.Name)
			}
		}
	}
	data := map[string]map[string]status.Data{}
	for _, cat := range slices.Sorted(maps.Keys(want)) {
		d, err := fetchData(ctx, client, want[cat], cat)
		if err != nil {
			return err
		}
		data[cat] = d
	}
	for _, t := range targets {
		if t.err == nil {
			t.report = ev.Evaluate(t.platform, data[t.platform.Algorithm.Category()])
		}
	}
	return nil
}

// fetchData fetches and prepares histories, turning each failure into the
// fetch state Drupal would record for it.
func fetchData(ctx context.Context, client *feeds.Client, names []string, category string) (map[string]status.Data, error) {
	out := make(map[string]status.Data, len(names))
	for _, o := range client.Histories(ctx, names, category) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		var pe *feeds.ParseError
		switch {
		case o.Err == nil:
			out[o.Project] = status.Data{Feed: status.Prepare(o.History), State: status.Fetched}
		case errors.As(o.Err, &pe):
			out[o.Project] = status.Data{State: status.NoData}
		default:
			out[o.Project] = status.Data{State: status.FetchFailed}
		}
	}
	return out, nil
}

func onlyInsecure(rep status.Report) status.Report {
	out := status.Report{Algorithm: rep.Algorithm}
	for _, r := range rep.Projects {
		if r.Status == drupal.NotSecure {
			out.Projects = append(out.Projects, r)
		}
	}
	return out
}

func toJSON(t *target) watch.PlatformReport {
	r := watch.NewPlatformReport(t.path, t.tags, t.inv, t.report, t.err)
	if t.err == nil {
		r.AddAdvisories(t.findings)
	}
	return r
}

func writeJSON(w io.Writer, t *target) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(toJSON(t))
}

func writeFleetJSON(w io.Writer, targets []*target) error {
	out := struct {
		Platforms map[string]watch.PlatformReport `json:"platforms"`
	}{map[string]watch.PlatformReport{}}
	for _, t := range targets {
		out.Platforms[t.name] = toJSON(t)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

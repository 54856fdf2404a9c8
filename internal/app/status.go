package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/drupdate/drupdate/feeds"
	"github.com/drupdate/drupdate/internal/drupal"
	"github.com/drupdate/drupdate/resolver/status"
)

// defaultReleaseHistory is drupal.org's release-history service.
const defaultReleaseHistory = "https://updates.drupal.org/release-history"

type statusFlags struct {
	installed    string
	source       string
	format       string
	securityOnly bool
	now          string
}

func runStatus(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "status", "--installed FILE [--release-history URL|DIR] [--format text|json] [--security-only]")
	var f statusFlags
	fs.StringVar(&f.installed, "installed", "", "inventory `FILE` (JSON: core_version and projects)")
	fs.StringVar(&f.source, "release-history", defaultReleaseHistory, "release-history base `URL`, or a local mirror `DIR` laid out DIR/<project>/<category>.xml")
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
	if len(pos) > 0 {
		return usagef("status takes no arguments; name the inventory with --installed")
	}
	if f.installed == "" {
		return usagef("status needs --installed FILE")
	}
	now := e.now
	if f.now != "" {
		t, err := time.Parse(time.RFC3339, f.now)
		if err != nil {
			return usagef("--now %q is not an RFC 3339 time", f.now)
		}
		now = func() time.Time { return t }
	}

	inv, err := readInventory(f.installed)
	if err != nil {
		return err
	}
	client, err := feeds.Open(f.source)
	if err != nil {
		return fmt.Errorf("release history: %w", err)
	}
	ev := &status.Evaluator{Now: now}
	rep, err := evaluateInventory(ctx, client, ev, inv)
	if err != nil {
		return err
	}
	if f.securityOnly {
		rep = onlyInsecure(rep)
	}
	if f.format == "json" {
		err = writeJSON(e, rep, inv)
	} else {
		err = writeText(e.stdout, rep, inv)
	}
	if err != nil {
		return err
	}
	if rep.Insecure() {
		return errInsecure
	}
	return nil
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

// platformOf turns an inventory into the resolver's input.
func platformOf(inv *drupal.Inventory) (status.Platform, error) {
	core := inv.CoreVersion
	if core == "" {
		if p, ok := inv.Projects[status.CoreProject]; ok && p.Version != nil {
			core = *p.Version
		}
	}
	alg, err := status.ChooseAlgorithm(inv.Feed, core)
	if err != nil {
		return status.Platform{}, err
	}
	p := status.Platform{Algorithm: alg}
	for name, ip := range inv.Projects {
		p.Projects = append(p.Projects, status.InstalledFrom(name, ip))
	}
	return p, nil
}

// evaluateInventory fetches every project's feed once and evaluates.
func evaluateInventory(ctx context.Context, client *feeds.Client, ev *status.Evaluator, inv *drupal.Inventory) (status.Report, error) {
	p, err := platformOf(inv)
	if err != nil {
		return status.Report{}, err
	}
	names := make([]string, len(p.Projects))
	for i, in := range p.Projects {
		names[i] = in.Name
	}
	data, err := fetchData(ctx, client, names, p.Algorithm.Category())
	if err != nil {
		return status.Report{}, err
	}
	return ev.Evaluate(p, data), nil
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

// reportJSON is the shape of `status --format json`.
type reportJSON struct {
	Algorithm   string                    `json:"algorithm"`
	Feed        string                    `json:"feed"`
	CoreVersion string                    `json:"core_version,omitempty"`
	Projects    map[string]*status.Result `json:"projects"`
}

func toJSON(rep status.Report, inv *drupal.Inventory) reportJSON {
	out := reportJSON{Algorithm: rep.Algorithm.String(), Feed: rep.Algorithm.Category(), CoreVersion: inv.CoreVersion, Projects: map[string]*status.Result{}}
	for i := range rep.Projects {
		out.Projects[rep.Projects[i].Name] = &rep.Projects[i]
	}
	return out
}

func writeJSON(e *env, rep status.Report, inv *drupal.Inventory) error {
	enc := json.NewEncoder(e.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(toJSON(rep, inv))
}

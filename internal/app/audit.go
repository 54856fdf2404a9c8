package app

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/drupdate/drupdate/feeds"
	"github.com/drupdate/drupdate/internal/drupal"
	"github.com/drupdate/drupdate/internal/secdb"
	"github.com/drupdate/drupdate/platforms"
	"github.com/drupdate/drupdate/resolver/advisory"
	"github.com/drupdate/drupdate/resolver/status"
)

type auditFlags struct {
	platformArgs
	osv, osvSHA256 string
	source         string
	waivers        string
	format         string
	now            string
}

func runAudit(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "audit", "[PATH | --installed FILE | --config FLEET] [--osv DIR|URL] [--release-history URL|DIR] [--format text|json]")
	var f auditFlags
	f.register(fs)
	fs.StringVar(&f.osv, "osv", "", "the Drupal Security Team's OSV advisories: a `DIR` (a checkout, or its advisories/) or the http(s) URL of a zip archive")
	fs.StringVar(&f.osvSHA256, "osv-sha256", "", "refuse a downloaded OSV archive unless its SHA-256 is this `HEX`")
	fs.StringVar(&f.source, "release-history", "", "release-history `URL` or mirror DIR for the status shown beside each finding (default: the fleet's, or none for a PATH)")
	fs.StringVar(&f.waivers, "waivers", "", "YAML `FILE` holding a list of waivers (the fleet file's waivers section does the same)")
	fs.StringVar(&f.format, "format", "text", "output `format`: text or json")
	fs.StringVar(&f.now, "now", "", "judge waivers and coverage as of this RFC 3339 `time` instead of now")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if f.format != "text" && f.format != "json" {
		return usagef("--format must be text or json, not %q", f.format)
	}
	if err := f.check("audit", pos); err != nil {
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
	src, waivers, err := advisoryConfig(f.config, fleet, f.osv, f.osvSHA256)
	if err != nil {
		return err
	}
	if fleet != nil && f.source == "" {
		if f.source, err = fleetReleaseHistory(e, f.config, fleet); err != nil {
			return err
		}
	}
	if src.Empty() {
		return usagef("audit needs advisories: give --osv DIR|URL, or an advisories section in the fleet file")
	}
	if f.waivers != "" {
		ws, err := readWaivers(f.waivers)
		if err != nil {
			return err
		}
		waivers = append(waivers, ws...)
	}
	if err := validateWaivers(waivers); err != nil {
		return err
	}
	db, err := loadAdvisories(ctx, src, targets)
	if err != nil {
		return err
	}
	if f.source != "" {
		client, err := feeds.Open(f.source, hosts.feedOptions()...)
		if err != nil {
			return fmt.Errorf("release history: %w", err)
		}
		if err := evaluateTargets(ctx, client, &status.Evaluator{Now: now}, targets); err != nil {
			return err
		}
	}
	rep := audit(db, targets, waivers, now(), f.source != "")
	if f.format == "json" {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		err = enc.Encode(rep)
	} else {
		err = writeAuditText(e.stdout, rep, fleet != nil)
	}
	if err != nil {
		return err
	}
	for _, fd := range rep.Findings {
		if fd.Waived == nil {
			return errInsecure
		}
	}
	for _, t := range targets {
		if t.err != nil {
			return t.err
		}
	}
	return nil
}

// auditReport is `drupdate audit --format json`.
type auditReport struct {
	Findings []auditFinding `json:"findings"`
	// Unaudited lists projects that could not be checked: no version, or
	// one that is not a drupal.org or Composer version.
	Unaudited []unaudited `json:"unaudited,omitempty"`
	// Errors lists platforms that could not be scanned.
	Errors  []platformError `json:"errors,omitempty"`
	Sources []secdb.Loaded  `json:"sources"`
	// Notices are public service announcements about installed projects
	// or core; Warnings name advisory records left out, and why.
	Notices  []secdb.Notice `json:"notices,omitempty"`
	Warnings []string       `json:"warnings,omitempty"`
	Summary  auditSummary   `json:"summary"`
}

type auditFinding struct {
	Platform string   `json:"platform,omitempty"`
	Sites    []string `json:"sites,omitempty"`
	Project  string   `json:"project"`
	Package  string   `json:"package"`
	// Installed is the version as Composer spells it; Version is the
	// drupal.org version it maps from.
	Installed string         `json:"installed"`
	Version   string         `json:"version"`
	Advisory  string         `json:"advisory"`
	Aliases   []string       `json:"aliases"`
	Risk      *advisory.Risk `json:"risk,omitempty"`
	Severity  string         `json:"severity,omitempty"`
	Affected  string         `json:"affected"`
	// Fixed is the nearest release on the installed branch that fixes the
	// advisory; empty when there is none on that branch.
	Fixed     string `json:"fixed,omitempty"`
	Link      string `json:"link,omitempty"`
	DevBranch bool   `json:"dev_branch,omitempty"`
	// Unused marks a project present on disk that no site uses.
	Unused bool `json:"unused,omitempty"`
	// Status and Recommended come from the release history, when one was
	// consulted.
	Status      string `json:"status,omitempty"`
	Recommended string `json:"recommended,omitempty"`
	// Waived holds the waiver that accepts this finding; WaiverExpired
	// the one that did until it ran out.
	Waived        *secdb.Waiver `json:"waived,omitempty"`
	WaiverExpired *secdb.Waiver `json:"waiver_expired,omitempty"`
}

type unaudited struct {
	Platform string `json:"platform,omitempty"`
	Project  string `json:"project"`
	Version  string `json:"version,omitempty"`
	Reason   string `json:"reason"`
}

type platformError struct {
	Platform string `json:"platform"`
	Error    string `json:"error"`
}

type auditSummary struct {
	Findings   int `json:"findings"`
	Waived     int `json:"waived"`
	Advisories int `json:"advisories"` // distinct advisories found
	Platforms  int `json:"platforms"`  // platforms with an unwaived finding
	Checked    int `json:"projects_checked"`
}

// audit matches every project of every target; it is pure.
func audit(db *secdb.DB, targets []*target, waivers []secdb.Waiver, now time.Time, withStatus bool) auditReport {
	rep := auditReport{Findings: []auditFinding{}, Sources: db.Loaded, Warnings: db.Warnings}
	installed := map[string]bool{"drupal": true}
	for _, t := range targets {
		if t.inv != nil {
			for name := range t.inv.Projects {
				installed[name] = true
			}
		}
	}
	for _, n := range db.Notices {
		if n.Project == "" || installed[n.Project] {
			rep.Notices = append(rep.Notices, n)
		}
	}
	distinct := map[string]bool{}
	for _, t := range targets {
		if t.err != nil && t.inv == nil {
			rep.Errors = append(rep.Errors, platformError{t.name, t.err.Error()})
			continue
		}
		results := map[string]status.Result{}
		if withStatus {
			for _, r := range t.report.Projects {
				results[r.Name] = r
			}
		}
		sites := t.inv.SiteNames()
		affected := false
		found, unchecked, checked := db.Audit(t.name, t.inv, waivers, now)
		rep.Summary.Checked += checked
		for _, u := range unchecked {
			rep.Unaudited = append(rep.Unaudited, unaudited{t.name, u.Project, u.Version, u.Reason})
		}
		for _, fd := range found {
			out := auditFinding{
				Platform: t.name, Sites: sites, Project: fd.Project, Package: fd.Package,
				Installed: fd.Installed, Version: fd.Version, Advisory: fd.ID, Aliases: fd.Aliases,
				Risk: fd.Risk, Severity: fd.Severity, Affected: fd.Range, Fixed: fd.Fixed,
				Link: fd.Link, DevBranch: fd.DevBranch, Unused: fd.Unused,
				Waived: fd.Waived, WaiverExpired: fd.WaiverExpired,
			}
			if out.Aliases == nil {
				out.Aliases = []string{}
			}
			if r, ok := results[fd.Project]; ok {
				out.Status, out.Recommended = r.Status.String(), r.Recommended
			}
			if out.Waived != nil {
				rep.Summary.Waived++
			} else {
				affected = true
				distinct[fd.ID] = true
			}
			rep.Findings = append(rep.Findings, out)
		}
		if affected {
			rep.Summary.Platforms++
		}
		if t.err != nil {
			rep.Errors = append(rep.Errors, platformError{t.name, t.err.Error()})
		}
	}
	rep.Summary.Findings = len(rep.Findings) - rep.Summary.Waived
	rep.Summary.Advisories = len(distinct)
	return rep
}

func readWaivers(file string) ([]secdb.Waiver, error) {
	data, err := readLimited(file, 4<<20)
	if err != nil {
		return nil, fmt.Errorf("waivers: %w", err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("waivers %s: %w", file, err)
	}
	var ws []secdb.Waiver
	if len(doc.Content) == 0 {
		return nil, nil
	}
	if err := decodeSection(file, "waivers", doc.Content[0], &ws); err != nil {
		return nil, err
	}
	return ws, nil
}

func writeAuditText(w io.Writer, rep auditReport, fleet bool) error {
	var b strings.Builder
	if len(rep.Findings) == 0 {
		fmt.Fprintf(&b, "No known advisory affects the %d projects checked.\n", rep.Summary.Checked)
	}
	for _, fd := range rep.Findings {
		where := ""
		if fleet {
			where = fd.Platform + ": "
		}
		fmt.Fprintf(&b, "%s%s %s (%s): %s", where, fd.Project, fd.Version, fd.Package, fd.Advisory)
		if len(fd.Aliases) > 0 {
			fmt.Fprintf(&b, " (%s)", strings.Join(fd.Aliases, ", "))
		}
		if fd.Risk != nil {
			fmt.Fprintf(&b, ", %s", fd.Risk)
		}
		b.WriteString("\n")
		fmt.Fprintf(&b, "    affected: %s", fd.Affected)
		if fd.DevBranch {
			b.WriteString(" (development branch, judged by its line)")
		}
		b.WriteString("\n")
		if fd.Fixed != "" {
			fmt.Fprintf(&b, "    fixed in: %s\n", fd.Fixed)
		} else {
			b.WriteString("    fixed in: no release on this branch; move to a supported branch\n")
		}
		if fd.Status != "" {
			fmt.Fprintf(&b, "    status:   %s", fd.Status)
			if fd.Recommended != "" {
				fmt.Fprintf(&b, ", recommended %s", fd.Recommended)
			}
			b.WriteString("\n")
		}
		if fd.Link != "" {
			fmt.Fprintf(&b, "    details:  %s\n", fd.Link)
		}
		switch {
		case fd.Waived != nil:
			fmt.Fprintf(&b, "    WAIVED until %s: %s\n", fd.Waived.Expires, fd.Waived.Reason)
		case fd.WaiverExpired != nil:
			fmt.Fprintf(&b, "    waiver expired %s (%s)\n", fd.WaiverExpired.Expires, fd.WaiverExpired.Reason)
		}
	}
	for _, n := range rep.Notices {
		fmt.Fprintf(&b, "notice: %s %s\n", n.Title, n.Link)
	}
	for _, w := range rep.Warnings {
		fmt.Fprintf(&b, "warning: %s\n", w)
	}
	for _, u := range rep.Unaudited {
		fmt.Fprintf(&b, "not checked: %s %s: %s\n", u.Project, u.Version, u.Reason)
	}
	for _, pe := range rep.Errors {
		fmt.Fprintf(&b, "error: %s: %s\n", pe.Platform, pe.Error)
	}
	s := rep.Summary
	fmt.Fprintf(&b, "\n%d findings (%d advisories) on %d platforms, %d waived; %d projects checked against", s.Findings, s.Advisories, s.Platforms, s.Waived, s.Checked)
	for i, l := range rep.Sources {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, " %d %s advisories", l.Count, l.Source)
	}
	b.WriteString(".\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// advisoryConfig reads the fleet file's advisories and waivers sections
// (fleet nil: none), with an --osv flag overriding the OSV source.
func advisoryConfig(file string, fleet *platforms.Fleet, osvFlag, osvSHA string) (secdb.Sources, []secdb.Waiver, error) {
	var src secdb.Sources
	var waivers []secdb.Waiver
	if fleet != nil {
		if err := decodeSection(file, advisoriesSection, fleet.Sections[advisoriesSection], &src); err != nil {
			return src, nil, err
		}
		if src.OSV != "" && !strings.Contains(src.OSV, "://") {
			src.OSV = resolve(filepath.Dir(file), src.OSV)
		}
		if err := decodeSection(file, waiversSection, fleet.Sections[waiversSection], &waivers); err != nil {
			return src, nil, err
		}
	}
	if osvFlag != "" {
		src.OSV, src.OSVSHA256 = osvFlag, osvSHA
	}
	return src, waivers, nil
}

// annotate finds the advisories affecting each target, when advisory data
// is configured, for status to show beside the statuses.
func annotate(ctx context.Context, e *env, file string, fleet *platforms.Fleet, osvFlag string, now time.Time, targets []*target) error {
	src, waivers, err := advisoryConfig(file, fleet, osvFlag, "")
	if err != nil || src.Empty() {
		return err
	}
	if err := validateWaivers(waivers); err != nil {
		return err
	}
	db, err := loadAdvisories(ctx, src, targets)
	if err != nil {
		return err
	}
	for _, t := range targets {
		if t.err == nil {
			t.findings, _, _ = db.Audit(t.name, t.inv, waivers, now)
		}
	}
	return nil
}

func validateWaivers(ws []secdb.Waiver) error {
	for i := range ws {
		if err := ws[i].Validate(); err != nil {
			return fmt.Errorf("waivers: %w", err)
		}
	}
	return nil
}

// loadAdvisories reads the sources, asking Composer APIs about the
// targets' packages.
func loadAdvisories(ctx context.Context, src secdb.Sources, targets []*target) (*secdb.DB, error) {
	var invs []*drupal.Inventory
	for _, t := range targets {
		invs = append(invs, t.inv)
	}
	return secdb.Load(ctx, src, feeds.Getter{}, secdb.Packages(invs...))
}

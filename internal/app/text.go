package app

import (
	"cmp"
	"fmt"
	"io"
	"iter"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/drupdate/drupdate/internal/drupal"
	"github.com/drupdate/drupdate/internal/secdb"
	"github.com/drupdate/drupdate/internal/watch"
	"github.com/drupdate/drupdate/resolver/status"
)

// writeText renders a report for people: worst first, one line a project
// (status, project, installed → recommended, then why), a summary, and
// core's security coverage.
func writeText(w io.Writer, t *target) error {
	rep, inv := t.report, t.inv
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	core := inv.CoreVersion
	if core == "" {
		core = "unknown"
	}
	fmt.Fprintf(tw, "Drupal core %s: %s, %s update status (%q feeds)\n\n", core, plural(len(rep.Projects), "project"), algorithmName(rep.Algorithm), rep.Algorithm.Category())
	fmt.Fprintln(tw, "STATUS\tPROJECT\tINSTALLED → RECOMMENDED\tDETAILS")
	var coverage *status.Coverage
	advisories := advisoryText(t.findings)
	for _, r := range rep.Worst() {
		if c := r.Coverage(); c != nil {
			coverage = c
		}
		versions := r.ExistingVersion
		if r.Recommended != "" && r.Recommended != r.ExistingVersion {
			versions += " → " + r.Recommended
		}
		d := details(&r)
		if a := advisories[r.Name]; a != "" {
			d = strings.TrimPrefix(d+"; "+a, "; ")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.Status.Label(), r.Name, versions, d)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "\n%s\n", summary(rep))
	if coverage != nil {
		fmt.Fprintf(w, "Drupal core security coverage: %s (%s). %s\n", coverage.Value, coverage.Severity, coverage.Message)
	}
	if c := watch.CustomProjects(inv); len(c) > 0 {
		fmt.Fprintf(w, "Custom code, not on drupal.org (not checked): %s\n", strings.Join(c, ", "))
	}
	if n := len(inv.Problems); n > 0 {
		fmt.Fprintf(w, "Unmet dependencies: %d (see 'drupdate inventory %s --format text')\n", n, t.path)
	}
	return nil
}

// writeFleetText renders each platform's report, then what needs doing
// across the fleet: each security update with the platforms it concerns.
func writeFleetText(w io.Writer, targets []*target) error {
	type need struct {
		project, from, to string
	}
	affected := map[need][]string{}
	for i, t := range targets {
		if i > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "== %s (%s)", t.name, t.path)
		if len(t.tags) > 0 {
			fmt.Fprintf(w, " [%s]", strings.Join(t.tags, ", "))
		}
		fmt.Fprintln(w)
		if t.err != nil {
			fmt.Fprintf(w, "error: %v\n", t.err)
			continue
		}
		if err := writeText(w, t); err != nil {
			return err
		}
		for _, r := range t.report.Projects {
			if r.Status == drupal.NotSecure {
				k := need{r.Name, r.ExistingVersion, r.Recommended}
				affected[k] = append(affected[k], t.name)
			}
		}
	}
	if len(affected) == 0 {
		fmt.Fprintln(w, "\nFleet: no platform needs a security update.")
		return nil
	}
	fmt.Fprintln(w, "\nFleet: security updates required")
	keys := slices.SortedFunc(maps.Keys(affected), func(a, b need) int {
		return strings.Compare(a.project+" "+a.from, b.project+" "+b.from)
	})
	for _, k := range keys {
		to := k.to
		if to == "" {
			to = "(no recommendation)"
		}
		fmt.Fprintf(w, "  %s %s → %s on %s\n", k.project, k.from, to, strings.Join(affected[k], ", "))
	}
	return nil
}

// advisoryText says, by project, which advisories affect it, the
// riskiest and newest first and at most three:
// "advisories: DRUPAL-CORE-2026-012 (Critical 17/25), … and 22 more".
func advisoryText(findings []secdb.Finding) map[string]string {
	by := map[string][]secdb.Finding{}
	for _, f := range findings {
		by[f.Project] = append(by[f.Project], f)
	}
	out := map[string]string{}
	for project, fs := range by {
		slices.SortStableFunc(fs, func(a, b secdb.Finding) int {
			if c := cmp.Compare(riskScore(b), riskScore(a)); c != 0 {
				return c
			}
			return strings.Compare(b.ID, a.ID)
		})
		var parts []string
		for i, f := range fs {
			if i == 3 {
				parts = append(parts, fmt.Sprintf("and %d more (drupdate audit)", len(fs)-3))
				break
			}
			var notes []string
			if f.Risk != nil {
				notes = append(notes, f.Risk.String())
			}
			if f.Waived != nil {
				notes = append(notes, "waived")
			}
			if len(notes) > 0 {
				parts = append(parts, f.ID+" ("+strings.Join(notes, ", ")+")")
			} else {
				parts = append(parts, f.ID)
			}
		}
		out[project] = "advisories: " + strings.Join(parts, ", ")
	}
	return out
}

func riskScore(f secdb.Finding) int {
	if f.Risk == nil {
		return -1
	}
	return f.Risk.Score
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func algorithmName(a status.Algorithm) string {
	if a == status.AlgorithmDrupal7 {
		return "Drupal 7"
	}
	return "Drupal 8+"
}

// details says why: Drupal's reason, its extra boxes, the security releases
// the report shows, and other versions on offer.
func details(r *status.Result) string {
	var parts []string
	if r.Reason != "" {
		parts = append(parts, r.Reason)
	}
	for _, x := range r.Extra() {
		parts = append(parts, x.Label)
	}
	var sec, also []string
	for _, d := range r.Displayed() {
		switch d.Label {
		case status.LabelSecurity:
			sec = append(sec, d.Version)
		case status.LabelAlso:
			also = append(also, d.Version)
		case status.LabelLatest:
			parts = append(parts, "latest "+d.Version)
		case status.LabelDev:
			parts = append(parts, "dev "+d.Version)
		}
	}
	if len(sec) > 0 {
		parts = append(parts, "security releases: "+strings.Join(sec, ", "))
	}
	if len(also) > 0 {
		parts = append(parts, "also available: "+strings.Join(also, ", "))
	}
	for _, c := range r.Compat {
		if !c.Compatible && c.Version == r.Recommended {
			parts = append(parts, r.Recommended+" needs another core ("+c.Message+")")
		}
	}
	return strings.Join(parts, "; ")
}

func summary(rep status.Report) string {
	c := countStatuses(func(yield func(drupal.Status) bool) {
		for _, r := range rep.Projects {
			if !yield(r.Status) {
				return
			}
		}
	})
	if c == "" {
		return "No projects."
	}
	return "Summary: " + c + "."
}

// countStatuses says how many of each status there are, worst first:
// "2 NOT_SECURE, 5 CURRENT"; "" for none.
func countStatuses(statuses iter.Seq[drupal.Status]) string {
	counts := map[drupal.Status]int{}
	for s := range statuses {
		counts[s]++
	}
	var parts []string
	for _, s := range drupal.Statuses {
		if n := counts[s]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, s))
		}
	}
	return strings.Join(parts, ", ")
}

package platforms

import (
	"bufio"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/drupdate/drupdate/internal/drupal"
)

// WriteText renders an inventory for people (drupdate inventory --format
// text): the platform, its sites, one line per project, the unmet
// dependencies and what the scan skipped.
func WriteText(w io.Writer, inv *drupal.Inventory) error {
	bw := bufio.NewWriter(w)
	if p := inv.Platform; p != nil {
		fmt.Fprintf(bw, "Platform %s\n", p.Root)
		fmt.Fprintf(bw, "  Drupal %s (from %s), docroot %s, managed by %s", inv.CoreVersion, p.CoreVersionFile, p.Docroot, p.ManagedBy)
		if p.VCS != "" {
			fmt.Fprintf(bw, ", in %s", p.VCS)
		}
		bw.WriteString("\n")
		if p.ComposerFile != "" {
			fmt.Fprintf(bw, "  Composer metadata: %s\n", p.ComposerFile)
		}
	} else {
		fmt.Fprintf(bw, "Drupal %s\n", inv.CoreVersion)
	}
	if len(inv.Sites) > 0 {
		fmt.Fprintf(bw, "\nSites (%d):\n", len(inv.Sites))
		for _, s := range inv.Sites {
			fmt.Fprintf(bw, "  %s", s.Dir)
			if len(s.Aliases) > 0 {
				fmt.Fprintf(bw, " (%s)", strings.Join(s.Aliases, ", "))
			}
			switch {
			case s.UsesAll:
				bw.WriteString(": enabled extensions unknown, counts as using everything")
			default:
				fmt.Fprintf(bw, ": %d extensions enabled (%s)", len(s.Enabled), s.ConfigSync)
			}
			if s.Profile != "" {
				fmt.Fprintf(bw, ", profile %s", s.Profile)
			}
			fmt.Fprintf(bw, ", %d projects\n", len(s.Projects))
		}
	}
	writeProjects(bw, "Projects", inv.Projects)
	writeProjects(bw, "Present but used by no site", inv.Unused)
	if len(inv.Problems) > 0 {
		fmt.Fprintf(bw, "\nUnmet dependencies (%d):\n", len(inv.Problems))
		for _, p := range inv.Problems {
			fmt.Fprintf(bw, "  %s\n", problemText(p))
		}
	}
	for _, sec := range []struct {
		title string
		list  []drupal.ScanIssue
	}{{"Skipped", inv.Skipped}, {"Warnings", inv.Warnings}} {
		if len(sec.list) == 0 {
			continue
		}
		fmt.Fprintf(bw, "\n%s (%d):\n", sec.title, len(sec.list))
		for _, is := range sec.list {
			fmt.Fprintf(bw, "  %s: %s\n", is.Path, is.Message)
		}
	}
	return bw.Flush()
}

func writeProjects(w io.Writer, title string, projects map[string]drupal.InstalledProject) {
	if len(projects) == 0 {
		return
	}
	fmt.Fprintf(w, "\n%s (%d):\n", title, len(projects))
	names := make([]string, 0, len(projects))
	for n := range projects {
		names = append(names, n)
	}
	// Core first, then by name, as Drupal's report lists them.
	sort.Slice(names, func(i, j int) bool {
		if (names[i] == "drupal") != (names[j] == "drupal") {
			return names[i] == "drupal"
		}
		return names[i] < names[j]
	})
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, n := range names {
		p := projects[n]
		v := "(unknown)"
		if s, ok := p.VersionString(); ok {
			v = s
			if v == "" {
				v = `""`
			}
		}
		note := p.VersionSource
		if p.Custom {
			note += ", custom"
		}
		exts := make([]string, 0, len(p.Extensions))
		for _, e := range p.Extensions {
			exts = append(exts, e.Name)
		}
		list := strings.Join(exts, " ")
		if len(exts) > 6 {
			list = strings.Join(exts[:6], " ") + fmt.Sprintf(" +%d", len(exts)-6)
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\n", n, v, p.Type, note, list)
	}
	tw.Flush()
}

func problemText(p drupal.Problem) string {
	req := p.Requires
	if p.Constraint != "" {
		req += " (" + p.Constraint + ")"
	}
	switch p.Kind {
	case drupal.ProblemMissing:
		return fmt.Sprintf("%s requires %s: missing", p.Extension, req)
	case drupal.ProblemIncompatibleCore:
		return fmt.Sprintf("%s requires %s: incompatible with Drupal %s", p.Extension, req, p.Installed)
	}
	if p.Installed == "" {
		return fmt.Sprintf("%s requires %s: incompatible, the installed one has no version", p.Extension, req)
	}
	return fmt.Sprintf("%s requires %s: incompatible with version %s", p.Extension, req, p.Installed)
}

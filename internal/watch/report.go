package watch

import (
	"maps"
	"slices"

	"github.com/drupdate/drupdate/internal/drupal"
	"github.com/drupdate/drupdate/internal/secdb"
	"github.com/drupdate/drupdate/resolver/advisory"
	"github.com/drupdate/drupdate/resolver/status"
)

// PlatformOf turns an inventory into the resolver's input: the algorithm
// its core (or its "feed") calls for, and its projects in name order.
// Custom code, which belongs to no drupal.org project, is left out, as
// Drupal leaves it out of its report.
func PlatformOf(inv *drupal.Inventory) (status.Platform, error) {
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
	for _, name := range slices.Sorted(maps.Keys(inv.Projects)) {
		if ip := inv.Projects[name]; !ip.Custom {
			p.Projects = append(p.Projects, status.InstalledFrom(name, ip))
		}
	}
	return p, nil
}

// PlatformReport is the JSON document of one platform's report, as
// `drupdate status --format json` prints it (and as each entry of its
// fleet form), and as [PlatformRecord].Report holds it.
type PlatformReport struct {
	Algorithm   string                    `json:"algorithm,omitempty"`
	Feed        string                    `json:"feed,omitempty"`
	CoreVersion string                    `json:"core_version,omitempty"`
	Path        string                    `json:"path,omitempty"`
	Tags        []string                  `json:"tags,omitempty"`
	Error       string                    `json:"error,omitempty"`
	Projects    map[string]*status.Result `json:"projects"`
	Custom      []string                  `json:"custom_projects,omitempty"`
	Problems    []drupal.Problem          `json:"problems,omitempty"`
	// Advisories lists, by project, the security advisories that affect
	// the installed version, when advisory data is configured.
	Advisories map[string][]AdvisoryNote `json:"advisories,omitempty"`
}

// AdvisoryNote is an advisory shown beside a project's status.
type AdvisoryNote struct {
	ID       string         `json:"id"`
	Aliases  []string       `json:"aliases,omitempty"`
	Risk     *advisory.Risk `json:"risk,omitempty"`
	Affected string         `json:"affected"`
	Fixed    string         `json:"fixed,omitempty"`
	Link     string         `json:"link,omitempty"`
	// Waived is the reason of the waiver that accepts it, if one does.
	Waived string `json:"waived,omitempty"`
}

// AddAdvisories records findings on the report (nil findings: none).
func (r *PlatformReport) AddAdvisories(findings []secdb.Finding) {
	for _, f := range findings {
		if r.Advisories == nil {
			r.Advisories = map[string][]AdvisoryNote{}
		}
		r.Advisories[f.Project] = append(r.Advisories[f.Project], noteOf(f))
	}
}

func noteOf(f secdb.Finding) AdvisoryNote {
	n := AdvisoryNote{ID: f.ID, Aliases: f.Aliases, Risk: f.Risk, Affected: f.Range, Fixed: f.Fixed, Link: f.Link}
	if f.Waived != nil {
		n.Waived = f.Waived.Reason
	}
	return n
}

// NewPlatformReport builds the document of a platform at path with tags:
// rep evaluated from inv, or, when err is set, the error that stopped the
// platform from being scanned or evaluated (inv and rep are then unused).
// The document points into rep's results.
func NewPlatformReport(path string, tags []string, inv *drupal.Inventory, rep status.Report, err error) PlatformReport {
	out := PlatformReport{Path: path, Tags: tags, Projects: map[string]*status.Result{}}
	if err != nil {
		out.Error = err.Error()
		return out
	}
	out.Algorithm, out.Feed = rep.Algorithm.String(), rep.Algorithm.Category()
	out.CoreVersion = inv.CoreVersion
	out.Custom = CustomProjects(inv)
	out.Problems = inv.Problems
	for i := range rep.Projects {
		out.Projects[rep.Projects[i].Name] = &rep.Projects[i]
	}
	return out
}

// CustomProjects lists the inventory's custom code (no drupal.org project),
// sorted: what reports name as not checked.
func CustomProjects(inv *drupal.Inventory) []string {
	var out []string
	for name, p := range inv.Projects {
		if p.Custom {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

package status

import (
	"encoding/json"

	"github.com/drupdate/drupdate/internal/drupal"
)

// Result is one project's computed status: the fields of Drupal's
// $project_data that the report shows.
//
// It is kept small (a fleet holds one per installed project): the rarely
// needed parts live behind Details.
type Result struct {
	Name            string
	Type            string
	ExistingVersion string
	Reason          string // "" when Drupal gives none
	Status          drupal.Status
	InstallType     drupal.InstallType
	// History is the feed the result was computed from, if any; the report
	// takes the project's title and link from it, as Drupal does.
	History *drupal.History

	// Versions; "" when Drupal found none.
	Recommended     string
	LatestVersion   string
	DevVersion      string
	SecurityUpdates []string // release versions, in feed order
	Also            []Also   // higher majors, in the order Drupal found them
	// Compat annotates the releases Drupal annotates with their
	// core_compatibility verdict (modern only).
	Compat []Compat

	Details *Details // nil when none of it applies
}

// Details holds what only some results carry.
type Details struct {
	// ProjectStatus is the feed's project_status when it alone decided the
	// status (insecure, revoked, unpublished, unsupported, not-fetched).
	ProjectStatus string
	Extra         []Extra
	// Coverage is core's security coverage (core project, modern only).
	Coverage *Coverage
}

// details returns r's Details, creating them on first use.
func (r *Result) details() *Details {
	if r.Details == nil {
		r.Details = &Details{}
	}
	return r.Details
}

// Extra returns Drupal's extra boxes for the project.
func (r *Result) Extra() []Extra {
	if r.Details == nil {
		return nil
	}
	return r.Details.Extra
}

// Coverage returns core's security coverage, or nil.
func (r *Result) Coverage() *Coverage {
	if r.Details == nil {
		return nil
	}
	return r.Details.Coverage
}

func (r *Result) addExtra(x Extra) { d := r.details(); d.Extra = append(d.Extra, x) }

// Also is one "Also available" entry: the first surviving release of a
// higher major.
type Also struct {
	Major   string
	Version string
}

// Extra is one of the boxes Drupal shows beside a status ("Release revoked").
type Extra struct {
	Label string `json:"label"`
	Data  string `json:"data"`
}

// Compat is a release's core_compatibility annotation.
type Compat struct {
	Version    string
	Compatible bool
	Message    string
}

// Displayed is one version line of Drupal's report.
type Displayed struct {
	Label   string `json:"label"`
	Version string `json:"version"`
}

// Display labels, as in Drupal's report (without the colon).
const (
	LabelRecommended = "Recommended version"
	LabelSecurity    = "Security update"
	LabelLatest      = "Latest version"
	LabelDev         = "Development version"
	LabelAlso        = "Also available"
)

// Displayed returns the version lines Drupal's report shows for the
// project, in its order (preprocessUpdateProjectStatus; Drupal 7's
// theme_update_report has the same rules).
func (r *Result) Displayed() []Displayed {
	var out []Displayed
	if r.Recommended != "" {
		rec := r.Recommended
		if r.Status != drupal.Current || r.ExistingVersion != rec {
			if !(len(r.SecurityUpdates) == 1 && r.SecurityUpdates[0] == rec) {
				out = append(out, Displayed{LabelRecommended, rec})
			}
			for _, s := range r.SecurityUpdates {
				out = append(out, Displayed{LabelSecurity, s})
			}
		}
		if r.LatestVersion != rec {
			out = append(out, Displayed{LabelLatest, r.LatestVersion})
		}
		if r.InstallType == drupal.InstallDev && r.Status != drupal.Current && r.DevVersion != "" && r.DevVersion != rec {
			out = append(out, Displayed{LabelDev, r.DevVersion})
		}
	}
	for _, a := range r.Also {
		out = append(out, Displayed{LabelAlso, a.Version})
	}
	return out
}

// ShownSecurityUpdates is the security list as the report shows it: Drupal
// prints security lines only when the project is not current or not on the
// recommended release, so a CURRENT project can carry a raw list it hides.
func (r *Result) ShownSecurityUpdates() []string {
	var out []string
	for _, d := range r.Displayed() {
		if d.Label == LabelSecurity {
			out = append(out, d.Version)
		}
	}
	return out
}

// opt renders an Opt as a JSON string or null.
func opt(o drupal.Opt) *string {
	if !o.Set {
		return nil
	}
	return &o.Value
}

// nonEmpty renders a version as a JSON string, or null when there is none.
func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// orderedMap is a JSON object that keeps insertion order, as PHP arrays do.
type orderedMap[V any] struct {
	keys []string
	vals []V
}

func (m orderedMap[V]) MarshalJSON() ([]byte, error) {
	buf := []byte{'{'}
	for i, k := range m.keys {
		if i > 0 {
			buf = append(buf, ',')
		}
		kb, err := json.Marshal(k)
		if err != nil {
			return nil, err
		}
		vb, err := json.Marshal(m.vals[i])
		if err != nil {
			return nil, err
		}
		buf = append(append(append(buf, kb...), ':'), vb...)
	}
	return append(buf, '}'), nil
}

type compatJSON struct {
	Compatible bool   `json:"compatible"`
	Message    string `json:"message"`
}

// MarshalJSON writes the documented shape of `drupdate status --format json`.
func (r *Result) MarshalJSON() ([]byte, error) {
	var reason *string
	if r.Reason != "" {
		reason = &r.Reason
	}
	also := orderedMap[string]{}
	for _, a := range r.Also {
		also.keys = append(also.keys, a.Major)
		also.vals = append(also.vals, a.Version)
	}
	compat := orderedMap[compatJSON]{}
	for _, c := range r.Compat {
		compat.keys = append(compat.keys, c.Version)
		compat.vals = append(compat.vals, compatJSON{c.Compatible, c.Message})
	}
	sec := r.SecurityUpdates
	if sec == nil {
		sec = []string{}
	}
	extra := r.Extra()
	if extra == nil {
		extra = []Extra{}
	}
	disp := r.Displayed()
	if disp == nil {
		disp = []Displayed{}
	}
	var title, link drupal.Opt
	if r.History != nil {
		title, link = r.History.Title, r.History.Link
	}
	var ps *string
	if r.Details != nil && r.Details.ProjectStatus != "" {
		ps = &r.Details.ProjectStatus
	}
	return json.Marshal(struct {
		Status            drupal.Status          `json:"status"`
		Label             string                 `json:"label"`
		Reason            *string                `json:"reason"`
		Type              string                 `json:"type,omitempty"`
		InstallType       drupal.InstallType     `json:"install_type"`
		ExistingVersion   string                 `json:"existing_version"`
		Recommended       *string                `json:"recommended"`
		LatestVersion     *string                `json:"latest_version"`
		DevVersion        *string                `json:"dev_version"`
		Title             *string                `json:"title"`
		Link              *string                `json:"link"`
		ProjectStatus     *string                `json:"project_status,omitempty"`
		SecurityUpdates   []string               `json:"security_updates"`
		AlsoAvailable     orderedMap[string]     `json:"also_available"`
		CoreCompatibility orderedMap[compatJSON] `json:"core_compatibility"`
		Extra             []Extra                `json:"extra"`
		Displayed         []Displayed            `json:"displayed_versions"`
		Coverage          *Coverage              `json:"security_coverage,omitempty"`
	}{
		r.Status, r.Status.Label(), reason, r.Type, r.InstallType, r.ExistingVersion,
		nonEmpty(r.Recommended), nonEmpty(r.LatestVersion), nonEmpty(r.DevVersion), opt(title), opt(link), ps,
		sec, also, compat, extra, disp, r.Coverage(),
	})
}

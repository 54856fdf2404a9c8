package status

import "github.com/drupdate/drupdate/internal/drupal"

// Installed is one installed project, as Drupal's update_process_project_info
// sees it.
type Installed struct {
	Name       string
	Type       string // project type: "core" for drupal, "module", "theme"...
	Version    string
	HasVersion bool  // false: no version key at all (install type unknown)
	Datestamp  int64 // packaging timestamp; 0 when unknown
	// Major is a Drupal 7 .info file's explicit major, used when the version
	// string has none.
	Major    string
	HasMajor bool

	derived *derived // set by Platform.Prepare
}

// derived is what evaluation works out from an installed version.
type derived struct {
	existing    string
	installType drupal.InstallType
	ver         drupal.Version // modern parse of existing
	verErr      bool
	d7Major     string
}

// derive applies update_process_project_info and parses the version for
// both algorithms.
func (in *Installed) derive() *derived {
	if in.derived != nil {
		return in.derived
	}
	d := &derived{existing: "Unknown", installType: drupal.InstallUnknown, d7Major: "-1"}
	if in.HasVersion {
		d.existing, d.installType = in.Version, drupal.InstallTypeOf(in.Version, true)
		d.d7Major = drupal.D7Major(in.Version, in.Major, in.HasMajor)
	}
	v, err := drupal.ParseVersion(d.existing)
	d.ver, d.verErr = v, err != nil
	return d
}

// Prepare works out once what evaluation needs of each installed version,
// so that a platform evaluated on every poll is not re-parsed each time.
// Evaluation gives the same results without it, only slower.
func (p *Platform) Prepare() {
	for i := range p.Projects {
		p.Projects[i].derived = nil
		p.Projects[i].derived = p.Projects[i].derive()
	}
}

// InstalledFrom converts an inventory entry. The project "drupal" is core
// whatever its entry says, as Drupal's ProjectInfo always types it.
func InstalledFrom(name string, p drupal.InstalledProject) Installed {
	in := Installed{Name: name, Type: p.Type, Datestamp: int64(p.Datestamp)}
	if name == CoreProject && in.Type == "" {
		in.Type = "core"
	}
	in.Version, in.HasVersion = p.VersionString()
	if p.Major != nil {
		in.Major, in.HasMajor = *p.Major, true
	}
	return in
}

// FetchState is what fetching a project's history produced.
type FetchState int

const (
	// Fetched: a history was fetched and parsed; Data.Feed is set.
	Fetched FetchState = iota
	// FetchFailed: the fetch failed (Drupal stores project_status
	// "not-fetched": NOT_FETCHED).
	FetchFailed
	// NoData: a body arrived but held no history: bad XML, no short_name,
	// an <error> document (UNKNOWN "No available releases found").
	NoData
	// Pending: the stored data is stale and a re-fetch is queued
	// (FETCH_PENDING). Data.Feed may hold the stale history.
	Pending
)

// Data is what is known about a project's releases.
type Data struct {
	Feed  *Feed
	State FetchState
}

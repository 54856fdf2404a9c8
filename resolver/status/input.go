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
}

// InstalledFrom converts an inventory entry.
func InstalledFrom(name string, p drupal.InstalledProject) Installed {
	in := Installed{Name: name, Type: p.Type, Datestamp: int64(p.Datestamp)}
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

// existing applies update_process_project_info.
func (in Installed) existing() (version string, it drupal.InstallType) {
	if !in.HasVersion {
		return "Unknown", drupal.InstallUnknown
	}
	return in.Version, drupal.InstallTypeOf(in.Version, true)
}

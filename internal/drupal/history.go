package drupal

// Opt is an optional text value from a feed: Drupal distinguishes an absent
// element (isset is false) from an empty one, and so must we. An empty
// <supported_branches/>, for instance, makes every release supported, while
// an absent one makes none supported.
type Opt struct {
	Value string `json:"v"`
	Set   bool   `json:"set"`
}

// Some returns a present Opt.
func Some(s string) Opt { return Opt{Value: s, Set: true} }

// Feed categories of the release-history service.
const (
	CategoryCurrent = "current" // Drupal 8 and later
	Category7       = "7.x"     // Drupal 7
)

// History is one project's release history as Drupal's update module reads
// it: every child of <project> flattened to its text, later duplicates
// winning, releases in feed order.
type History struct {
	ShortName         string `json:"short_name"`
	Title             Opt    `json:"title"`
	Link              Opt    `json:"link"`
	Creator           Opt    `json:"creator"` // dc:creator
	Type              Opt    `json:"type"`
	APIVersion        Opt    `json:"api_version"`
	ProjectStatus     Opt    `json:"project_status"`
	SupportedBranches Opt    `json:"supported_branches"` // current feed
	RecommendedMajor  Opt    `json:"recommended_major"`  // legacy feed
	SupportedMajors   Opt    `json:"supported_majors"`   // legacy feed
	DefaultMajor      Opt    `json:"default_major"`      // legacy feed
	Terms             []Term `json:"terms,omitempty"`
	// Releases in feed order. Drupal keys releases by version, so a repeated
	// version keeps its first position and takes the last entry's data.
	Releases []Release `json:"releases"`
}

// Term is one taxonomy term: a name and a value.
type Term struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Release is one <release>. Key is the version the release is keyed by (the
// first <version> child); Version is the flattened <version> value (the
// last one). They differ only in malformed feeds, and Drupal uses each in
// different places.
type Release struct {
	Key               string `json:"key"`
	Version           Opt    `json:"version"`
	Name              Opt    `json:"name"`
	Tag               Opt    `json:"tag"`
	Status            Opt    `json:"status"`
	ReleaseLink       Opt    `json:"release_link"`
	DownloadLink      Opt    `json:"download_link"`
	Date              Opt    `json:"date"`
	MDHash            Opt    `json:"mdhash"`
	Filesize          Opt    `json:"filesize"`
	CoreCompatibility Opt    `json:"core_compatibility"`
	Security          Opt    `json:"security"`
	SecurityCovered   bool   `json:"security_covered,omitempty"` // covered="1"; Drupal ignores it
	VersionMajor      Opt    `json:"version_major"`              // legacy feed
	VersionMinor      Opt    `json:"version_minor"`
	VersionPatch      Opt    `json:"version_patch"`
	VersionExtra      Opt    `json:"version_extra"`
	Files             []File `json:"files,omitempty"`
	Terms             []Term `json:"terms,omitempty"`
}

// File is one downloadable archive of a release.
type File struct {
	URL         string `json:"url"`
	ArchiveType string `json:"archive_type"`
	MD5         string `json:"md5,omitempty"`
	Size        string `json:"size,omitempty"`
	FileDate    string `json:"filedate,omitempty"`
	Variant     string `json:"variant,omitempty"`
}

// ReleaseTypes returns the values of the release's "Release type" terms.
func (r *Release) ReleaseTypes() []string {
	var out []string
	for _, t := range r.Terms {
		if t.Name == "Release type" {
			out = append(out, t.Value)
		}
	}
	return out
}

// HasReleaseType reports whether the release carries the given "Release
// type" term ("Security update", "Insecure", "Unsupported").
func (r *Release) HasReleaseType(v string) bool {
	for _, t := range r.Terms {
		if t.Name == "Release type" && t.Value == v {
			return true
		}
	}
	return false
}

// Release types that change update status.
const (
	TypeSecurityUpdate = "Security update"
	TypeInsecure       = "Insecure"
	TypeUnsupported    = "Unsupported"
)

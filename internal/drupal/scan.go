package drupal

// ScanInfo is what the platform scanner adds to an inventory. The status
// command ignores it; it is here so that the scanner's output is an
// inventory the status command reads as is. Every field is optional, so an
// inventory written by hand stays valid.
type ScanInfo struct {
	// Platform describes the scanned codebase.
	Platform *Platform `json:"platform,omitempty"`
	// Sites lists the sites found under sites/, in directory order.
	Sites []Site `json:"sites,omitempty"`
	// Problems lists unmet dependencies of the extensions the sites use.
	Problems []Problem `json:"problems,omitempty"`
	// Unused holds the projects present on disk that no site uses. They are
	// kept out of Projects, as Drupal's update module leaves out what is not
	// installed, but never dropped.
	Unused map[string]InstalledProject `json:"unused_projects,omitempty"`
	// Libraries are the other packages Composer installed (symfony/*,
	// guzzlehttp/guzzle, drupal/core-recommended...), sorted by name:
	// what an advisory audit checks beside the projects.
	Libraries []ComposerPackage `json:"libraries,omitempty"`
	// Skipped lists the files and directories the scan could not use.
	Skipped []ScanIssue `json:"skipped,omitempty"`
	// Warnings lists everything else worth an operator's attention, such as
	// duplicate machine names or a configuration directory not found.
	Warnings []ScanIssue `json:"warnings,omitempty"`
}

// SiteNames names the inventory's sites for people: each site's host
// names (sites.php aliases), else its directory.
func (inv *Inventory) SiteNames() []string {
	var out []string
	for _, s := range inv.Sites {
		if len(s.Aliases) > 0 {
			out = append(out, s.Aliases...)
		} else {
			out = append(out, s.Dir)
		}
	}
	return out
}

// Platform is what a codebase is: where it sits, which Drupal it runs and
// how it is built.
type Platform struct {
	// Root is the directory the scan started from, as given.
	Root string `json:"root"`
	// Docroot is Drupal's root relative to Root: ".", "web" or "docroot".
	Docroot string `json:"docroot"`
	// DrupalMajor is core's major version (7, 8, 9, 10, 11...).
	DrupalMajor int `json:"drupal_major"`
	// CoreVersionFile is the file core's version was read from, relative to
	// Root.
	CoreVersionFile string `json:"core_version_file"`
	// ManagedBy says how the codebase is built: "composer", "drush-make",
	// "git" (checked-out code without packaging metadata) or "archive"
	// (drupal.org tarballs).
	ManagedBy string `json:"managed_by"`
	// VCS is "git" when the codebase itself is under version control.
	VCS string `json:"vcs,omitempty"`
	// ComposerFile is the Composer metadata versions were mapped from,
	// relative to Root.
	ComposerFile string `json:"composer_file,omitempty"`
	// MakeFiles are the drush make files found at the top of the codebase.
	MakeFiles []string `json:"make_files,omitempty"`
}

// Site is one site of a (multisite) platform.
type Site struct {
	// Dir is the site directory relative to the docroot: "sites/default".
	Dir string `json:"dir"`
	// Aliases are the host names sites/sites.php maps to this directory.
	Aliases []string `json:"aliases,omitempty"`
	// Profile is the installation profile, when known.
	Profile string `json:"profile,omitempty"`
	// ConfigSync is the configuration sync directory relative to the
	// platform root, when settings.php names one that exists.
	ConfigSync string `json:"config_sync,omitempty"`
	// Enabled lists the extensions core.extension.yml enables (Drupal 8+),
	// sorted. It is nil when no core.extension.yml was found.
	Enabled []string `json:"enabled,omitempty"`
	// UsesAll is true when the enabled extensions are unknown, so the site
	// counts as using everything installed.
	UsesAll bool `json:"uses_all"`
	// Projects lists the projects the site uses, sorted.
	Projects []string `json:"projects"`
}

// Problem kinds.
const (
	ProblemMissing             = "missing"
	ProblemIncompatibleVersion = "incompatible_version"
	ProblemIncompatibleCore    = "incompatible_core"
)

// Problem is one unmet dependency. For incompatible_core about the
// extension itself, Requires is "drupal", Constraint the extension's core
// requirement and Installed core's version.
type Problem struct {
	Extension  string `json:"extension"`
	Requires   string `json:"requires"`
	Constraint string `json:"constraint"`
	Installed  string `json:"installed"`
	Kind       string `json:"kind"`
}

// ScanIssue names a file (relative to the platform root) and what is wrong
// with it.
type ScanIssue struct {
	Path    string `json:"path"`
	Message string `json:"message"`
}

// How a project's version was found.
const (
	SourceInfo     = "info"     // drupal.org packaging metadata in .info/.info.yml
	SourceCore     = "core"     // core's own version constant
	SourceComposer = "composer" // composer.lock or vendor/composer/installed.json
	SourceGit      = "git"      // the tag or branch a git checkout is at
	SourceNone     = "none"     // not found: the version is absent
)

// ProjectScanInfo is what the platform scanner adds to one project.
type ProjectScanInfo struct {
	// Extensions are the project's extensions, test extensions left out,
	// in the order Drupal processes them.
	Extensions []Extension `json:"extensions,omitempty"`
	// VersionSource says where the version came from (Source* constants).
	VersionSource string `json:"version_source,omitempty"`
	// Custom is true for code that belongs to no drupal.org project and
	// is not Hosted elsewhere.
	Custom bool `json:"custom,omitempty"`
	// Hosted says where a project not on drupal.org is released, such as
	// "github:acme/drupal-intranet" (see platforms.Options.Hosted).
	Hosted string `json:"hosted,omitempty"`
	// Dir is the project's directory relative to the platform root.
	Dir string `json:"dir,omitempty"`
	// Composer names the Composer package and its version, when Composer
	// manages the project.
	Composer *ComposerPackage `json:"composer,omitempty"`
}

// ComposerPackage is a package as Composer's metadata records it.
type ComposerPackage struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Extension is one module, theme, profile or theme engine.
type Extension struct {
	// Name is the machine name.
	Name string `json:"name"`
	// Type is "module", "theme", "profile" or "theme_engine".
	Type string `json:"type"`
	// Path is the info file relative to the platform root.
	Path string `json:"path"`
	// Label is the human-readable name from the info file.
	Label string `json:"label,omitempty"`
	// Version is the extension's own version key (core's version for
	// "VERSION"), the one dependency constraints are checked against.
	Version string `json:"version,omitempty"`
	// Dependencies are the parsed dependencies, in file order.
	Dependencies []Dependency `json:"dependencies,omitempty"`
	// Core is the info file's core key ("7.x", "8.x").
	Core string `json:"core,omitempty"`
	// CoreVersionRequirement is the Composer constraint on core (Drupal 8+).
	CoreVersionRequirement string `json:"core_version_requirement,omitempty"`
	// BaseTheme is a theme's base theme.
	BaseTheme string `json:"base_theme,omitempty"`
	Package   string `json:"package,omitempty"`
	Hidden    bool   `json:"hidden,omitempty"`
	// Lifecycle is experimental, stable, deprecated or obsolete (Drupal
	// 9.3+); empty when the info file has none, which Drupal reads as
	// stable.
	Lifecycle     string `json:"lifecycle,omitempty"`
	LifecycleLink string `json:"lifecycle_link,omitempty"`
	// Site is the site directory the extension is private to, for
	// extensions under sites/NAME/.
	Site string `json:"site,omitempty"`
}

// Dependency is one entry of an extension's dependencies, split the way
// Drupal splits it.
type Dependency struct {
	Raw        string `json:"raw"`
	Project    string `json:"project,omitempty"`
	Name       string `json:"name"`
	Constraint string `json:"constraint,omitempty"`
}

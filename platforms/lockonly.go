package platforms

import (
	"strings"

	"github.com/drupdate/drupdate/internal/drupal"
)

// scanComposerOnly inventories a directory that holds Composer's metadata
// (composer.lock or vendor/composer/installed.json, and composer.json) but
// no Drupal codebase: a project checked out without its vendor and web
// directories, as CI jobs and `composer audit` see it. Every drupal.org
// package and drupal/core becomes a project with its drupal.org version;
// nothing says which sites use what, so all count as used. It returns nil
// when there is no Composer metadata or no Drupal package in it.
func (s *scanner) scanComposerOnly(root string) *drupal.Inventory {
	ci := readComposer(s.fs)
	if ci == nil || !ci.hasCore && !hasDrupalPackages(ci) {
		return nil
	}
	inv := &drupal.Inventory{Projects: map[string]drupal.InstalledProject{}}
	major := 8
	for _, p := range ci.packages {
		if p.Name == "drupal/core" || p.Name == "drupal/drupal" {
			inv.CoreVersion = strings.TrimPrefix(p.Version, "v")
			major = leadingInt(inv.CoreVersion)
		}
	}
	corePrefix := "8.x"
	if major == 7 {
		corePrefix = "7.x"
	}
	for _, p := range ci.packages {
		project, ok := drupalProjectPackage(p)
		if !ok {
			continue
		}
		v := p.drupalVersion(corePrefix)
		ip := drupal.InstalledProject{
			Version:   &v,
			Type:      composerProjectType(project, p.Type),
			Datestamp: drupal.Timestamp(p.snapshotTime(v)),
		}
		ip.VersionSource = drupal.SourceComposer
		ip.Composer = &drupal.ComposerPackage{Name: p.Name, Version: p.Version}
		ip.Custom = strings.HasPrefix(p.Type, "drupal-custom-")
		inv.Projects[project] = ip
	}
	inv.Libraries = ci.libraries()
	MarkHosted(inv, s.opts.Hosted)
	inv.Platform = &drupal.Platform{
		Root:         root,
		Docroot:      ".",
		DrupalMajor:  major,
		ManagedBy:    "composer",
		ComposerFile: ci.file,
	}
	s.warnings.add(ci.file, "no Drupal codebase here: versions come from Composer's metadata alone, and every project counts as used")
	inv.Skipped = s.fs.skipped.sorted()
	inv.Warnings = s.warnings.sorted()
	return inv
}

// composerProjectType is the update module's project type for a package.
func composerProjectType(project, packageType string) string {
	if project == "drupal" {
		return "core"
	}
	t := strings.TrimPrefix(strings.TrimPrefix(packageType, "drupal-"), "custom-")
	if t == "" || t == "library" {
		return "module"
	}
	return t
}

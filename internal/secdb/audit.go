package secdb

import (
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/drupdate/drupdate/internal/drupal"
	"github.com/drupdate/drupdate/resolver/advisory"
)

// A Finding is one advisory affecting one project of a platform.
type Finding struct {
	Project string
	// Version is the drupal.org version installed; Finding.Installed is
	// its Composer spelling (the lock's own, when Composer manages the
	// project).
	Version string
	// Unused marks a project present on disk that no site uses.
	Unused bool
	advisory.Finding
	// Waived is the waiver that accepts the finding; WaiverExpired the
	// one that did until it ran out.
	Waived, WaiverExpired *Waiver
}

// Unchecked is a project that could not be audited.
type Unchecked struct {
	Project, Version, Reason string
}

// Audit matches every project of an inventory, used ones first, each in
// name order, then its Composer libraries (the advisories of Packagist
// packages such as guzzlehttp/guzzle, when a source has them). Custom code has no advisories and is skipped; a project
// without a usable version is listed as unchecked, never passed.
func (db *DB) Audit(platform string, inv *drupal.Inventory, waivers []Waiver, now time.Time) (found []Finding, unchecked []Unchecked, checked int) {
	check := func(name string, p drupal.InstalledProject, unused bool) {
		if p.Custom {
			return
		}
		v, ok := p.VersionString()
		if !ok || v == "" {
			unchecked = append(unchecked, Unchecked{name, "", "no version known"})
			return
		}
		pkg, installed := advisory.PackageName(name), ""
		if p.Composer != nil {
			pkg, installed = p.Composer.Name, strings.TrimPrefix(p.Composer.Version, "v")
		}
		var stamp time.Time
		if p.Datestamp > 0 {
			stamp = time.Unix(int64(p.Datestamp), 0).UTC()
		}
		checked++
		fs, err := db.Compiled.Match(advisory.Installed{Package: pkg, Version: v, Datestamp: stamp})
		if err != nil {
			unchecked = append(unchecked, Unchecked{name, v, err.Error()})
			return
		}
		for _, fd := range fs {
			f := Finding{Project: name, Version: v, Unused: unused, Finding: fd}
			if installed != "" && !fd.DevBranch {
				f.Installed = installed
			}
			f.Waived, f.WaiverExpired = Find(waivers, platform, name, fd.ID, fd.Aliases, now)
			found = append(found, f)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(inv.Projects)) {
		check(name, inv.Projects[name], false)
	}
	for _, name := range slices.Sorted(maps.Keys(inv.Unused)) {
		check(name, inv.Unused[name], true)
	}
	for _, lib := range inv.Libraries {
		checked++
		fs, err := db.Compiled.Match(advisory.Installed{Package: lib.Name, Version: lib.Version, Library: true})
		if err != nil {
			unchecked = append(unchecked, Unchecked{lib.Name, lib.Version, err.Error()})
			continue
		}
		for _, fd := range fs {
			f := Finding{Project: lib.Name, Version: strings.TrimPrefix(lib.Version, "v"), Finding: fd}
			f.Waived, f.WaiverExpired = Find(waivers, platform, lib.Name, fd.ID, fd.Aliases, now)
			found = append(found, f)
		}
	}
	return found, unchecked, checked
}

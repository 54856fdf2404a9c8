package status

import (
	"github.com/drupdate/drupdate/internal/drupal"
	"github.com/drupdate/drupdate/internal/phpver"
)

var (
	extraD7ProjectInsecure = Extra{"Project not secure", "This project has been labeled insecure by the Drupal security team, and is no longer available for download. Immediately disabling everything included by this project is strongly recommended!"}
	extraD7ProjectRevoked  = Extra{"Project revoked", "This project has been revoked, and is no longer available for download. Disabling everything included by this project is strongly recommended!"}
	extraD7ProjectUnsupp   = Extra{"Project not supported", "This project is no longer supported, and is no longer available for download. Disabling everything included by this project is strongly recommended!"}
	extraD7ReleaseRevoked  = Extra{"Release revoked", "Your currently installed release has been revoked, and is no longer available for download. Disabling everything included in this release or upgrading is strongly recommended!"}
	extraD7ReleaseUnsupp   = Extra{"Release not supported", "Your currently installed release is now unsupported, and is no longer available for download. Disabling everything included in this release or upgrading is strongly recommended!"}
)

// Drupal7 computes one project's status with Drupal 7's algorithm (7.105's
// update_calculate_project_update_status). Drupal 7 compares majors and
// patch levels with PHP's loose comparison; phpver.CompareStrings is that
// comparison, and the integer major -1 Drupal 7 gives unparseable versions
// compares exactly like the string "-1".
func Drupal7(in Installed, d Data) Result { return drupal7(in, d, &arena{}) }

func drupal7(in Installed, d Data, a *arena) (r Result) {
	r = Result{Name: in.Name, Type: in.Type}
	dv := in.derive()
	r.ExistingVersion, r.InstallType = dv.existing, dv.installType
	existingMajor := dv.d7Major
	if d.State == NoData || (d.Feed == nil && d.State != FetchFailed) {
		// Drupal 7 keeps no data at all for an unparseable body.
		r.Status, r.Reason = drupal.Unknown, reasonNoReleases
		return r
	}
	if d.State == FetchFailed {
		r.Status, r.Reason = drupal.NotFetched, reasonNotFetched
		r.details().ProjectStatus = "not-fetched"
		return r
	}
	f := d.Feed
	h := f.History
	r.History = h
	if projectLevel(&r, h.ProjectStatus.Value, true) {
		return r
	}

	// Target major.
	var target string
	switch {
	case inLoose(existingMajor, f.supportedMajors):
		target = existingMajor
	case h.RecommendedMajor.Set:
		target = h.RecommendedMajor.Value
		r.Status = drupal.NotSupported
	case h.DefaultMajor.Set:
		target = h.DefaultMajor.Value
	default:
		target = existingMajor
	}
	if phpver.CompareStrings(target, existingMajor) <= 0 {
		target = existingMajor // max() keeps the first of equals
	}

	if d.State == Pending {
		r.Status, r.Reason = drupal.FetchPending, reasonPending
		return r
	}
	if len(f.rel) == 0 {
		r.Status, r.Reason = drupal.Unknown, reasonNoReleases
		return r
	}

	secStart, alsoStart := len(a.sec), len(a.also)
	defer func() { r.SecurityUpdates, r.Also = a.secSince(secStart), a.alsoSince(alsoStart) }()
	patch := ""
	var patchChanged *release
	var latest, devRel *release
	for i := range f.rel {
		rel := &f.rel[i]
		src := rel.src
		installed := r.ExistingVersion == rel.key
		if installed {
			switch {
			case rel.insecure:
				r.Status = drupal.NotSecure
			case src.Status.Value == "unpublished":
				r.Status = drupal.Revoked
				r.addExtra(extraD7ReleaseRevoked)
			case rel.unsupported:
				r.Status = drupal.NotSupported
				r.addExtra(extraD7ReleaseUnsupp)
			}
		}
		// Unlike the modern code, the installed release is skipped too.
		if rel.d7Skip {
			continue
		}
		major := src.VersionMajor
		if major.Set && phpver.CompareStrings(major.Value, target) > 0 {
			if inLoose(major.Value, f.supportedMajors) && !hasAlso(a.also[alsoStart:], major.Value) {
				a.also = append(a.also, Also{Major: major.Value, Version: rel.key})
			}
			continue
		}
		// An absent version_major is PHP null, equal only to "".
		onTarget := phpver.CompareStrings(major.Value, target) == 0 && (major.Set || target == "")
		if latest == nil && onTarget {
			latest = rel
			r.LatestVersion = rel.key
		}
		if r.DevVersion == "" && onTarget && src.VersionExtra.Set && src.VersionExtra.Value == "dev" {
			devRel = rel
			r.DevVersion = rel.key
		}
		if r.Recommended == "" && onTarget && src.VersionPatch.Set {
			if phpver.CompareStrings(patch, src.VersionPatch.Value) != 0 {
				patch, patchChanged = src.VersionPatch.Value, rel
			}
			if !truthy(src.VersionExtra.Value) && patchChanged != nil && patchChanged.src.Version.Set {
				r.Recommended = patchChanged.version
			}
		}
		if installed {
			break
		}
		if r.InstallType == drupal.InstallDev {
			if in.Datestamp == 0 {
				continue
			}
			if src.Date.Set && greaterIntString(in.Datestamp+100, src.Date.Value) {
				continue
			}
		}
		if rel.security {
			a.sec = append(a.sec, rel.version)
		}
	}

	if r.Recommended == "" && r.LatestVersion != "" {
		r.Recommended = r.LatestVersion
	}
	// Any security release makes Drupal 7 call the project insecure.
	if len(a.sec) > secStart {
		r.Status = drupal.NotSecure
	}
	if r.Status == 0 {
		finalStatus(&r, in, latest, devRel)
	}
	return r
}

// inLoose is PHP's loose in_array over strings.
func inLoose(needle string, haystack []string) bool {
	for _, h := range haystack {
		if phpver.CompareStrings(needle, h) == 0 {
			return true
		}
	}
	return false
}

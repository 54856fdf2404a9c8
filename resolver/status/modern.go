package status

import (
	"github.com/drupdate/drupdate/internal/drupal"
)

// Reasons and extras, worded as Drupal words them.
const (
	reasonNotFetched  = "Failed to get available update data."
	reasonNoReleases  = "No available releases found"
	reasonEmpty       = "Empty version"
	reasonInvalid     = "Invalid version: "
	reasonPending     = "No available update data"
	reasonUnknownDate = "Unknown release date"
	reasonInvalidInfo = "Invalid info"
)

var (
	extraProjectInsecure = Extra{"Project not secure", "This project has been labeled insecure by the Drupal security team, and is no longer available for download. Immediately uninstalling everything included by this project is strongly recommended!"}
	extraProjectRevoked  = Extra{"Project revoked", "This project has been revoked, and is no longer available for download. Uninstalling everything included by this project is strongly recommended!"}
	extraProjectUnsupp   = Extra{"Project not supported", "This project is no longer supported, and is no longer available for download. Uninstalling everything included by this project is strongly recommended!"}
	extraReleaseRevoked  = Extra{"Release revoked", "Your currently installed release has been revoked, and is no longer available for download. Uninstalling everything included in this release or upgrading is strongly recommended!"}
	extraUnsuppNoUpdate  = Extra{"Release not supported", "Your currently installed release is now unsupported, is no longer available for download and no update is available. Uninstalling everything included in this release is strongly recommended!"}
	extraUnsuppUpgrade   = Extra{"Release not supported", "Your currently installed release is now unsupported, and is no longer available for download. Uninstalling everything included in this release or upgrading is strongly recommended!"}
)

// Modern computes one project's status with Drupal 8+'s algorithm
// (update_calculate_project_update_status).
func Modern(in Installed, d Data) Result { return modern(in, d, &arena{}) }

// arena backs the version lists of many results with shared arrays, so a
// platform's evaluation allocates a few times rather than per project. Each
// result keeps a full-capped sub-slice, so later appends never touch it.
//
// For the core-compatibility pass, which only the modern algorithm has,
// modern() also remembers which releases the versions came from (secRel
// and alsoRel parallel to the modern results' sec and also entries, and
// the last result's recommendation and latest), as Drupal annotates the
// release entries themselves. drupal7() leaves them alone.
type arena struct {
	sec    []string
	also   []Also
	compat []Compat

	secRel, alsoRel []*release
	rec, latest     *release
}

func (a *arena) secSince(start int) []string {
	if len(a.sec) == start {
		return nil
	}
	return a.sec[start:len(a.sec):len(a.sec)]
}

func (a *arena) alsoSince(start int) []Also {
	if len(a.also) == start {
		return nil
	}
	return a.also[start:len(a.also):len(a.also)]
}

func modern(in Installed, d Data, a *arena) (r Result) {
	a.rec, a.latest = nil, nil
	r = Result{Name: in.Name, Type: in.Type}
	dv := in.derive()
	r.ExistingVersion, r.InstallType = dv.existing, dv.installType
	var h *drupal.History
	if d.Feed != nil {
		h = d.Feed.History
		r.History = h
	}

	// Step 1: project-level status ends the computation.
	if d.State == FetchFailed {
		r.Status, r.Reason = drupal.NotFetched, reasonNotFetched
		r.details().ProjectStatus = "not-fetched"
		return r
	}
	if h != nil && projectLevel(&r, h.ProjectStatus.Value, false) {
		return r
	}

	// Step 2: the installed version must parse.
	if r.ExistingVersion == "" {
		r.Status, r.Reason = drupal.Unknown, reasonEmpty
		return r
	}
	ev := dv.ver
	if dv.verErr {
		r.Status, r.Reason = drupal.Unknown, reasonInvalid+r.ExistingVersion
		return r
	}

	// Step 3: the target major.
	target := ev.MajorNumber()
	if d.Feed == nil || !d.Feed.inSupportedBranch(r.ExistingVersion) {
		if d.Feed != nil && len(d.Feed.branches) > 0 {
			r.Status = drupal.NotSupported
			for _, b := range d.Feed.branches {
				if bv, err := drupal.ParseSupportBranch(b); err == nil {
					target = bv.MajorNumber()
					break
				}
			}
		}
	}
	target = max(ev.MajorNumber(), target)

	// Step 4.
	if d.State == Pending {
		r.Status, r.Reason = drupal.FetchPending, reasonPending
		return r
	}
	if d.Feed == nil || len(d.Feed.rel) == 0 {
		r.Status, r.Reason = drupal.Unknown, reasonNoReleases
		return r
	}

	// Step 5: one pass over the releases in feed order.
	f := d.Feed
	secStart, alsoStart := len(a.sec), len(a.also)
	defer func() { r.SecurityUpdates, r.Also = a.secSince(secStart), a.alsoSince(alsoStart) }()
	var recKey string
	var recCandidate *release
	var lastSupported bool
	var latest, devRel *release
	for i := range f.rel {
		rel := &f.rel[i]
		if !rel.valid {
			continue
		}
		lastSupported = rel.supported
		installed := r.ExistingVersion == rel.key
		if installed {
			switch {
			case rel.insecure:
				r.Status = drupal.NotSecure
			case !rel.published:
				r.Status = drupal.Revoked
				r.addExtra(extraReleaseRevoked)
			case !rel.supported:
				r.Status = drupal.NotSupported
				if r.Recommended == "" && len(a.also) == alsoStart {
					r.addExtra(extraUnsuppNoUpdate)
				} else {
					r.addExtra(extraUnsuppUpgrade)
				}
			}
		} else if !rel.published || !rel.supported || rel.insecure {
			continue
		} else if !rel.hasDate && rel.dev {
			continue
		}

		if rel.major > target {
			if !hasAlso(a.also[alsoStart:], rel.ver.Major) {
				a.also = append(a.also, Also{Major: rel.ver.Major, Version: rel.key})
				a.alsoRel = append(a.alsoRel, rel)
			}
			continue
		}
		onTarget := rel.major == target
		if latest == nil && onTarget {
			latest = rel
			a.latest = rel
			r.LatestVersion = rel.key
		}
		if devRel == nil && onTarget && rel.dev {
			devRel = rel
			r.DevVersion = rel.key
		}
		if r.Recommended == "" && onTarget && rel.supported {
			if recKey != rel.withoutExtra {
				recKey, recCandidate = rel.withoutExtra, rel
			}
			if rel.noExtra && recCandidate != nil {
				r.Recommended = recCandidate.version
				a.rec = recCandidate
			}
		}
		if installed {
			break
		}
		if r.InstallType == drupal.InstallDev {
			if in.Datestamp == 0 {
				continue
			}
			if rel.date != 0 && in.Datestamp+100 > rel.date {
				continue
			}
		}
		if rel.security {
			a.sec = append(a.sec, rel.version)
			a.secRel = append(a.secRel, rel)
		}
	}

	// Step 6: fall back to the latest version, if the last release examined
	// was supported.
	if r.Recommended == "" && r.LatestVersion != "" && lastSupported {
		r.Recommended = r.LatestVersion
		a.rec = latest
	}
	if r.Status == 0 {
		finalStatus(&r, in, latest, devRel)
	}
	return r
}

// projectLevel applies a feed's project_status; it reports whether that
// decided the status. Drupal 7 words the extras slightly differently.
func projectLevel(r *Result, ps string, d7 bool) bool {
	switch ps {
	case "insecure":
		r.Status = drupal.NotSecure
		r.addExtra(pick(d7, extraProjectInsecure, extraD7ProjectInsecure))
	case "unpublished", "revoked":
		r.Status = drupal.Revoked
		r.addExtra(pick(d7, extraProjectRevoked, extraD7ProjectRevoked))
	case "unsupported":
		r.Status = drupal.NotSupported
		r.addExtra(pick(d7, extraProjectUnsupp, extraD7ProjectUnsupp))
	case "not-fetched":
		r.Status, r.Reason = drupal.NotFetched, reasonNotFetched
	default:
		return false
	}
	r.details().ProjectStatus = ps
	return true
}

func pick(d7 bool, modern, old Extra) Extra {
	if d7 {
		return old
	}
	return modern
}

func hasAlso(also []Also, major string) bool {
	for _, a := range also {
		if a.Major == major {
			return true
		}
	}
	return false
}

// finalStatus is step 7, shared by both algorithms: compare the installed
// release with the recommendation, or a dev snapshot's datestamp with the
// newest release's date.
func finalStatus(r *Result, in Installed, latest, dev *release) {
	if r.Recommended == "" {
		r.Status, r.Reason = drupal.Unknown, reasonNoReleases
		return
	}
	switch r.InstallType {
	case drupal.InstallOfficial:
		if r.ExistingVersion == r.Recommended || r.ExistingVersion == r.LatestVersion {
			r.Status = drupal.Current
		} else {
			r.Status = drupal.NotCurrent
		}
	case drupal.InstallDev:
		latestDev := latest
		if dev != nil && dateGreater(dev, latest) {
			latestDev = dev
		}
		switch {
		case in.Datestamp == 0:
			r.Status, r.Reason = drupal.NotChecked, reasonUnknownDate
		case datestampNewer(in.Datestamp, latestDev):
			r.Status = drupal.Current
		default:
			r.Status = drupal.NotCurrent
		}
	default:
		r.Status, r.Reason = drupal.Unknown, reasonInvalidInfo
	}
}

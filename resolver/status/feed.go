package status

import (
	"strings"
	"sync/atomic"

	"github.com/drupdate/drupdate/internal/drupal"
	"github.com/drupdate/drupdate/internal/phpver"
)

// Feed is a release history prepared for evaluation. It is immutable and
// safe for concurrent use; prepare it once per fetched history.
type Feed struct {
	History *drupal.History

	rel   []release
	byKey map[string]int // release key → index, for Drupal's $available['releases'][$v] look-ups

	// Modern: supported_branches split on ",", nil when the element is absent.
	branches []string
	// Drupal 7: supported majors from supported_majors, else [default_major].
	supportedMajors []string
}

// release holds what evaluation needs of one release, computed once. The
// fields the scan reads for every release come first, to share cache lines.
type release struct {
	valid       bool // passes ProjectRelease validation and version parsing
	published   bool
	supported   bool // in a supported branch and not tagged Unsupported
	insecure    bool
	unsupported bool
	security    bool
	hasDate     bool
	dev         bool // getVersionExtra() === 'dev'
	noExtra     bool // getVersionExtra() === NULL
	d7Skip      bool // Drupal 7 skips it (unpublished, Insecure or Unsupported), even installed
	major       float64
	date        int64  // ProjectRelease::getDate(); 0 when absent
	key         string // what Drupal keys the release by
	version     string // the release's own version value (data)

	withoutExtra string
	ver          drupal.Version
	src          *drupal.Release

	// verdict caches the last core-compatibility verdict and the index it
	// came from: across a fleet most platforms share core's version, so
	// this saves a locked map look-up per annotated release.
	verdict atomic.Pointer[cachedVerdict]
}

type cachedVerdict struct {
	ci *compatIndex
	vd compatVerdict
}

// Prepare works out, once, every per-release fact the algorithms use.
func Prepare(h *drupal.History) *Feed {
	f := &Feed{History: h, rel: make([]release, len(h.Releases)), byKey: make(map[string]int, len(h.Releases))}
	if h.SupportedBranches.Set {
		f.branches = strings.Split(h.SupportedBranches.Value, ",")
	}
	switch {
	case h.SupportedMajors.Set:
		f.supportedMajors = strings.Split(h.SupportedMajors.Value, ",")
	case h.DefaultMajor.Set:
		f.supportedMajors = []string{h.DefaultMajor.Value}
	}
	for i := range h.Releases {
		src := &h.Releases[i]
		r := &f.rel[i]
		r.src = src
		r.key = src.Key
		r.version = src.Version.Value
		r.published = src.Status.Value == "published"
		for _, t := range src.Terms {
			if t.Name != "Release type" {
				continue
			}
			switch t.Value {
			case drupal.TypeInsecure:
				r.insecure = true
			case drupal.TypeUnsupported:
				r.unsupported = true
			case drupal.TypeSecurityUpdate:
				r.security = true
			}
		}
		r.d7Skip = src.Status.Value == "unpublished" || r.insecure || r.unsupported

		f.byKey[r.key] = i
		// A release keyed by "" (its first <version> empty, a later one
		// not) would make Drupal recommend the empty string; drupdate, which
		// uses "" for "none", skips it.
		if r.key == "" || !validRelease(src) {
			continue
		}
		v, err := drupal.ParseVersion(r.version)
		if err != nil {
			continue
		}
		r.valid = true
		r.ver = v
		r.major = v.MajorNumber()
		r.supported = f.inSupportedBranch(r.version) && !r.unsupported
		if src.Date.Set {
			d, _ := phpver.Numeric(src.Date.Value)
			r.date, r.hasDate = int64(d), true
		}
		r.noExtra = !v.HasExtra
		r.dev = v.IsDev()
		r.withoutExtra = r.version
		if truthy(v.Extra) {
			r.withoutExtra = strings.ReplaceAll(r.version, "-"+v.Extra, "")
		}
	}
	return f
}

// validRelease applies ProjectRelease's validation: a non-blank version and
// release_link, status exactly published or unpublished, a download_link
// that is not blank if present, a numeric date if present, and no term
// other than "Release type" (its Collection constraint allows no others).
func validRelease(r *drupal.Release) bool {
	for _, t := range r.Terms {
		if t.Name != "Release type" {
			return false
		}
	}
	switch {
	case !r.Version.Set || r.Version.Value == "":
		return false
	case r.Status.Value != "published" && r.Status.Value != "unpublished":
		return false
	case !r.ReleaseLink.Set || r.ReleaseLink.Value == "":
		return false
	case r.DownloadLink.Set && r.DownloadLink.Value == "":
		return false
	case r.Date.Set && !phpver.IsNumeric(r.Date.Value):
		return false
	}
	return true
}

// inSupportedBranch is Drupal's raw string-prefix test.
func (f *Feed) inSupportedBranch(version string) bool {
	for _, b := range f.branches {
		if strings.HasPrefix(version, b) {
			return true
		}
	}
	return false
}

// truthy is PHP's truthiness of a string: "" and "0" are false.
func truthy(s string) bool { return s != "" && s != "0" }

// lookup returns the release keyed by version, as $available['releases'][$v].
func (f *Feed) lookup(key string) (*release, bool) {
	i, ok := f.byKey[key]
	if !ok {
		return nil, false
	}
	return &f.rel[i], true
}

package drupal

import (
	"cmp"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/drupdate/drupdate/internal/phpver"
)

// LegacyCorePrefix is the only core prefix the modern version parser strips.
const LegacyCorePrefix = "8.x-"

// ErrCorePrefix is wrapped by ParseVersion errors for version strings that
// carry a core prefix other than 8.x- ("7.x-1.0"): such a project belongs to
// the Drupal 7 algorithm and feed.
var ErrCorePrefix = errors.New("unexpected core prefix")

// ErrInvalidVersion is wrapped by every other ParseVersion error.
var ErrInvalidVersion = errors.New("unexpected version number")

// Version is a Drupal 8+ extension version, parsed exactly as Drupal core's
// ExtensionVersion parses it: "8.x-1.3" is major 1 with no minor (the 3 is a
// patch), "10.2.0-rc1" is major 10, minor 2, extra "rc1", and "1.2.x-dev" is
// major 1, minor 2, extra "dev".
//
// Drupal keeps the parts as strings and compares them with PHP's numeric
// string rules, so they are kept as written; MajorNumber gives the value
// comparisons use.
type Version struct {
	raw      string
	Major    string
	Minor    string // valid only when HasMinor
	Patch    string // the last dot-part before its first "-": "3", "x"
	Extra    string // the piece after the last part's first "-"; valid only when HasExtra
	HasMinor bool
	HasExtra bool
	major    float64
}

// ParseVersion parses a modern (Drupal 8+) version string.
//
// The rules, in Drupal's order: one leading "8.x-" is removed (except from the
// whole string "8.x-dev"); any other one- or two-digit "N.x-" prefix is an
// error unless the rest is "dev"; the remainder must have two or three
// dot-separated parts, a numeric first part and, with three, a numeric
// middle; the last part's text before its first "-" must be numeric unless
// the piece after that dash is "dev". Only that piece is the extra:
// "8.x-1.2+5-dev" has extra "dev", "1.0.0-alpha1+3-dev" has extra "alpha1+3".
func ParseVersion(s string) (Version, error) {
	// Hot path: evaluation parses every installed version, so this avoids
	// allocating (no strings.Split).
	rest := s
	if strings.HasPrefix(s, LegacyCorePrefix) && s != "8.x-dev" {
		rest = s[len(LegacyCorePrefix):]
	} else if i := strings.Index(s, ".x-"); i == 1 || i == 2 {
		after := s[i+3:]
		if j := strings.Index(after, ".x-"); j >= 0 {
			after = after[:j]
		}
		if after != "dev" {
			return Version{}, fmt.Errorf("%w in %q: the only core prefix expected is %s", ErrCorePrefix, s, LegacyCorePrefix)
		}
	}
	n := strings.Count(rest, ".") + 1
	first := strings.IndexByte(rest, '.')
	lastDot := strings.LastIndexByte(rest, '.')
	v := Version{raw: s, Major: rest}
	if first >= 0 {
		v.Major = rest[:first]
	}
	last := rest[lastDot+1:]
	v.Patch = last
	if d := strings.IndexByte(last, '-'); d >= 0 {
		v.Patch, v.HasExtra = last[:d], true
		v.Extra = last[d+1:]
		if d2 := strings.IndexByte(v.Extra, '-'); d2 >= 0 {
			v.Extra = v.Extra[:d2]
		}
	}
	if n == 3 {
		v.Minor, v.HasMinor = rest[first+1:lastDot], true
	}
	var ok bool
	v.major, ok = phpver.Numeric(v.Major)
	if n < 2 || n > 3 || !ok ||
		(n == 3 && !phpver.IsNumeric(v.Minor)) ||
		(!phpver.IsNumeric(v.Patch) && !(v.HasExtra && v.Extra == "dev")) {
		return Version{}, fmt.Errorf("%w in %q", ErrInvalidVersion, s)
	}
	return v, nil
}

// ParseSupportBranch parses one entry of a feed's supported_branches, such as
// "8.x-1." or "10.4.": it must end with "." and parse as a version once a
// "0" is appended.
func ParseSupportBranch(branch string) (Version, error) {
	if !strings.HasSuffix(branch, ".") {
		return Version{}, fmt.Errorf("%w: support branch %q does not end with \".\"", ErrInvalidVersion, branch)
	}
	return ParseVersion(branch + "0")
}

// String returns the version exactly as it was parsed.
func (v Version) String() string { return v.raw }

// MajorNumber is the major as PHP compares it ("10" > "9").
func (v Version) MajorNumber() float64 { return v.major }

// IsDev reports whether this is a development snapshot (extra "dev").
func (v Version) IsDev() bool { return v.HasExtra && v.Extra == "dev" }

// Compare orders versions for the resolver and for display: by major, minor
// and patch numerically, then stability (a dev snapshot of a branch first,
// then alpha, beta, rc and the stable release), then the extra's own
// number ("beta10" after "beta9"), and finally the raw strings, so that it
// is a total order in which only identical strings are equal. PHP's
// version_compare cannot serve here: it is not even reflexive
// (version_compare("1.0-", "1.0-") is -1). Drupal itself never sorts
// releases (it trusts feed order); this order is drupdate's own.
func Compare(a, b Version) int {
	if c := cmp.Compare(a.major, b.major); c != 0 {
		return c
	}
	if c := cmpPart(a.Minor, a.HasMinor, b.Minor, b.HasMinor); c != 0 {
		return c
	}
	if c := cmpPart(a.Patch, true, b.Patch, true); c != 0 {
		return c
	}
	if c := cmp.Compare(stability(a), stability(b)); c != 0 {
		return c
	}
	if c := cmp.Compare(extraNumber(a.Extra), extraNumber(b.Extra)); c != 0 {
		return c
	}
	if c := strings.Compare(a.Extra, b.Extra); c != 0 {
		return c
	}
	return strings.Compare(a.raw, b.raw)
}

// cmpPart compares minors or patches: absent < non-numeric ("x") < numbers.
func cmpPart(a string, hasA bool, b string, hasB bool) int {
	rank := func(s string, has bool) (int, float64) {
		if !has {
			return 0, 0
		}
		if f, ok := phpver.Numeric(s); ok {
			return 2, f
		}
		return 1, 0
	}
	ra, fa := rank(a, hasA)
	rb, fb := rank(b, hasB)
	if ra != rb {
		return cmp.Compare(ra, rb)
	}
	return cmp.Compare(fa, fb)
}

// extraNumber is the number ending an extra: 10 for "beta10", 0 for none.
func extraNumber(extra string) float64 {
	i := len(extra)
	for i > 0 && extra[i-1] >= '0' && extra[i-1] <= '9' {
		i--
	}
	f, _ := strconv.ParseFloat(extra[i:], 64)
	return f
}

// stability ranks a version's extra: dev < unknown < alpha < beta < rc < stable.
func stability(v Version) int {
	if !v.HasExtra {
		return 6
	}
	e := strings.ToLower(v.Extra)
	switch {
	case e == "dev":
		return 0
	case strings.HasPrefix(e, "rc"):
		return 5
	case strings.HasPrefix(e, "beta"):
		return 4
	case strings.HasPrefix(e, "alpha"):
		return 3
	}
	return 2
}

// InstallTypeOf infers the install type as Drupal does: "dev" when the
// version contains "dev" or "HEAD" anywhere, "unknown" when there is no
// version at all, "official" otherwise.
func InstallTypeOf(version string, present bool) InstallType {
	switch {
	case !present:
		return InstallUnknown
	case strings.Contains(version, "dev") || strings.Contains(version, "HEAD"):
		return InstallDev
	}
	return InstallOfficial
}

// d7Major is Drupal 7's pattern for the major of a version string; PCRE's
// "$" also matches before a final newline.
var d7Major = regexp.MustCompile(`^(?:[0-9]+\.x-)?([0-9]+)\.[^\n]*\n?$`)

// D7Major returns the major Drupal 7 derives from an installed version:
// the number after an optional "N.x-" prefix ("7.x-3.5" → "3", "7.22" →
// "7"), else the info file's explicit major key, else "-1". Drupal 7 never
// rejects a version.
func D7Major(version string, explicit string, hasExplicit bool) string {
	if m := d7Major.FindStringSubmatch(version); m != nil {
		return m[1]
	}
	if hasExplicit {
		return explicit
	}
	return "-1"
}

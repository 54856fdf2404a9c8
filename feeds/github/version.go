package github

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/drupdate/drupdate/internal/drupal"
)

// ErrNotVersion is wrapped by the [TagError] of a tag that names no Drupal
// release: "latest", "build-17", a development branch such as "2.x-dev",
// a Drupal 7 release, or a version outside Drupal's grammar ("1.2.3-beta.1").
var ErrNotVersion = errors.New("not a Drupal release version")

// TagError reports a release that [History] left out, and why.
type TagError struct {
	Tag string
	Err error
}

func (e *TagError) Error() string { return fmt.Sprintf("tag %q: %v", e.Tag, e.Err) }

func (e *TagError) Unwrap() error { return e.Err }

// tagPattern is the subset of drupal.ParseVersion's grammar that drupal.org
// itself issues: MAJOR.MINOR.PATCH or the legacy 8.x-MAJOR.PATCH, numbers
// without leading zeros, and an optional extra of lower-case letters and
// digits ("alpha1", "rc2"). ParseVersion alone would take PHP numeric
// oddities (" 1.2.3", "1e3.0.0") that no tag should become.
var tagPattern = regexp.MustCompile(`^(?:8\.x-(?:0|[1-9][0-9]*)\.(?:0|[1-9][0-9]*)|(?:0|[1-9][0-9]*)\.(?:0|[1-9][0-9]*)\.(?:0|[1-9][0-9]*))(?:-[a-z]+[0-9]*)?$`)

// Version maps a release tag to the Drupal version it names: the tag
// without one leading "v", when that is a Drupal 8+ release version
// ("v1.2.3" → "1.2.3", "8.x-1.2-rc1" → "8.x-1.2-rc1"). Any other tag is
// an error wrapping [ErrNotVersion]. Every version it returns is one that
// drupal.ParseVersion accepts.
func Version(tag string) (string, error) {
	s := strings.TrimPrefix(tag, "v")
	v, err := drupal.ParseVersion(s)
	switch {
	case errors.Is(err, drupal.ErrCorePrefix):
		return "", fmt.Errorf("%w: a Drupal 7 or older release, which a modern history cannot hold", ErrNotVersion)
	case err == nil && v.IsDev():
		return "", fmt.Errorf("%w: a development branch", ErrNotVersion)
	case err != nil || !tagPattern.MatchString(s):
		return "", ErrNotVersion
	}
	return s, nil
}

package github

import (
	"errors"
	"strings"
	"testing"

	"github.com/drupdate/drupdate/internal/drupal"
)

var versionTests = []struct {
	tag  string
	want string // "" when the tag names no release
}{
	{"1.2.3", "1.2.3"},
	{"v1.2.3", "1.2.3"},
	{"1.2.3-beta1", "1.2.3-beta1"},
	{"v2.0.0-rc10", "2.0.0-rc10"},
	{"0.1.0", "0.1.0"},
	{"10.2.0-alpha", "10.2.0-alpha"},
	{"8.x-1.2", "8.x-1.2"},
	{"8.x-1.2-rc1", "8.x-1.2-rc1"},
	{"v8.x-3.0-unstable2", "8.x-3.0-unstable2"},
	// Branch snapshots are not releases.
	{"2.x-dev", ""},
	{"1.2.x-dev", ""},
	{"8.x-1.x-dev", ""},
	{"1.2.3-dev", ""},
	// Drupal 7 and older releases belong to another feed.
	{"7.x-2.0", ""},
	{"6.x-1.0-beta1", ""},
	// Tags that name no version, or not in Drupal's grammar.
	{"latest", ""},
	{"build-17", ""},
	{"", ""},
	{"v", ""},
	{"vv1.2.3", ""},
	{"V1.2.3", ""},
	{"1.2", ""},
	{"1.2.3.4", ""},
	{"8.x-1.2.3", ""},
	{"1.2.3-beta.1", ""},
	{"1.2.3-Beta1", ""},
	{"1.2.3-", ""},
	{"1.2.3-beta1-foo", ""},
	{"1.2.3+build5", ""},
	{"01.2.3", ""},
	{" 1.2.3", ""},
	{"+1.2.3", ""},
	{"1e3.0.0", ""},
	{"1.2.3\n", ""},
}

func TestVersion(t *testing.T) {
	for _, tc := range versionTests {
		got, err := Version(tc.tag)
		switch {
		case tc.want == "" && !errors.Is(err, ErrNotVersion):
			t.Errorf("Version(%q) = %q, %v; want an ErrNotVersion", tc.tag, got, err)
		case tc.want != "" && (got != tc.want || err != nil):
			t.Errorf("Version(%q) = %q, %v; want %q", tc.tag, got, err, tc.want)
		}
	}
}

// FuzzVersion checks the mapping's contract: it never panics, is
// deterministic, only drops one leading "v", and every version it accepts
// is a release (not a dev snapshot) that drupal.ParseVersion accepts and
// that maps to itself.
func FuzzVersion(f *testing.F) {
	for _, tc := range versionTests {
		f.Add(tc.tag)
	}
	f.Fuzz(func(t *testing.T, tag string) {
		got, err := Version(tag)
		again, err2 := Version(tag)
		if got != again || (err == nil) != (err2 == nil) {
			t.Fatalf("Version(%q) = %q, %v, then %q, %v", tag, got, err, again, err2)
		}
		if err != nil {
			if !errors.Is(err, ErrNotVersion) || got != "" {
				t.Fatalf("Version(%q) = %q, %v; want \"\" and an ErrNotVersion", tag, got, err)
			}
			return
		}
		if got != tag && "v"+got != tag {
			t.Fatalf("Version(%q) = %q: not the tag less a leading v", tag, got)
		}
		v, err := drupal.ParseVersion(got)
		if err != nil {
			t.Fatalf("Version(%q) = %q, which drupal.ParseVersion rejects: %v", tag, got, err)
		}
		if v.IsDev() {
			t.Fatalf("Version(%q) = %q, a dev snapshot", tag, got)
		}
		if v.String() != got {
			t.Fatalf("drupal.ParseVersion(%q).String() = %q", got, v.String())
		}
		if strings.HasPrefix(got, "v") {
			t.Fatalf("Version(%q) = %q still starts with v", tag, got)
		}
		if self, err := Version(got); self != got || err != nil {
			t.Fatalf("Version(%q) = %q, %v; want the version itself", got, self, err)
		}
	})
}

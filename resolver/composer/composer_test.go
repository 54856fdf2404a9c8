package composer

import (
	"errors"
	"slices"
	"testing"
)

// These tables are the readable part of the tests: each case says why it
// exists. oracle_test.go replays thousands more that composer/semver
// answered.

func TestNormalize(t *testing.T) {
	tests := []struct {
		in, want string // want "" means an error
		why      string
	}{
		{"1.0", "1.0.0.0", "padded to four numbers"},
		{"1.0.0-beta2", "1.0.0.0-beta2", "stability kept"},
		{"v2.1-b3", "2.1.0.0-beta3", "v dropped, b expanded"},
		{"1.0.0-rc1", "1.0.0.0-RC1", "rc upper-cased"},
		{"1.0.0.pl3-dev", "1.0.0.0-patch3-dev", "pl is patch"},
		{"1.0-STABLE", "1.0.0.0-stable", "only a lower-case stable word is dropped"},
		{"1.0-stable-dev", "1.0.0.0", "and it drops the -dev with it"},
		{"8.x-dev", "8.9999999.9999999.9999999-dev", "numeric branch"},
		{"1.2.x-dev", "1.2.9999999.9999999-dev", "numeric branch"},
		{"dev-main", "dev-main", "named branch"},
		{"DEV-Main", "dev-Main", "dev- prefix in any case"},
		{"master", "dev-master", "bare master, trunk and default are branches"},
		{"foo-dev", "", "a named branch needs the dev- prefix"},
		{"1.0 as 2.0", "1.0.0.0", "alias dropped"},
		{"1.0@dev", "1.0.0.0", "stability flag dropped"},
		{"1.0.0+build.5", "1.0.0.0", "build metadata dropped"},
		{"2010-01-02", "2010.01.02", "date versions keep their shape"},
		{"2010.01.02", "2010.01.02.0", "unless they read as classical versions"},
		{"20230131.0.0", "20230131.0.0", "composer/semver 3.4 accepts long majors as dates"},
		{"01.02", "01.02.0.0", "leading zeros kept"},
		{" 1.0\n", "1.0.0.0", "trimmed"},
		{"1\n2.x-dev", "2.9999999.9999999.9999999-dev", "a branch name cannot span a newline"},
		{"8.x", "", "a branch without -dev is not a version"},
		{"1.0.0.0.0", "", "five numbers"},
		{"1.0-meh", "", "unknown stability"},
		{"", "", "empty"},
	}
	for _, tt := range tests {
		got, err := Normalize(tt.in)
		switch {
		case tt.want == "" && err == nil:
			t.Errorf("Normalize(%q) = %q, want an error (%s)", tt.in, got, tt.why)
		case tt.want == "" && !errors.Is(err, ErrInvalidVersion):
			t.Errorf("Normalize(%q) error = %v, want one wrapping ErrInvalidVersion", tt.in, err)
		case tt.want != "" && (err != nil || got != tt.want):
			t.Errorf("Normalize(%q) = %q, %v, want %q (%s)", tt.in, got, err, tt.want, tt.why)
		}
	}
}

func TestParseStability(t *testing.T) {
	tests := []struct{ in, want string }{
		{"1.0", "stable"},
		{"1.0-p1", "stable"}, // patch releases are stable
		{"1.0-RC1", "RC"},
		{"1.0rc1", "RC"},
		{"1.0-beta2", "beta"},
		{"1.0b", "beta"},
		{"1.0-alpha", "alpha"},
		{"1.0a1", "alpha"},
		{"1.0-dev", "dev"},
		{"1.x-dev", "dev"},
		{"dev-main", "dev"},
		{"1.0-beta1-dev", "dev"},
		{"1.0-beta1#abc", "beta"}, // a reference is ignored
		{"1.0-beta1+build", "beta"},
		{"garbage", "stable"}, // anything unreadable counts as stable
	}
	for _, tt := range tests {
		if got := ParseStability(tt.in); got != tt.want {
			t.Errorf("ParseStability(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSatisfies(t *testing.T) {
	tests := []struct {
		version, constraint string
		want                bool
		why                 string
	}{
		// Pre-releases match plain ranges, unlike in Masterminds/semver.
		{"9.1.0-beta1", "^9", true, "^9 is >=9.0.0.0-dev <10.0.0.0-dev"},
		{"10.0.0-alpha1", "^9", false, "the next major's pre-releases are excluded"},
		{"9.0.0-alpha1", "^9", true, "even the first pre-release"},
		{"2.0-beta1", "<2.0", false, "< reaches down to the -dev pre-release"},
		{"2.0-RC1", "<=2.0-RC1", true, ""},
		{"2.0-RC1", "<2.0-RC1", false, "<2.0-RC1 means <2.0.0.0-RC1-dev"},
		{"2.0-RC1-dev", "<2.0-RC1", false, "because the rc check is case-sensitive"},
		{"2.0-beta2", "<2.0-beta2", false, ""},
		{"2.0-beta1", "<2.0-beta2", true, ""},
		// Drupal's core_version_requirement forms.
		{"9.5.11", "^9.5 || ^10", true, ""},
		{"10.3.10", "^9.5 || ^10", true, ""},
		{"11.0.0", "^9.5 || ^10", false, ""},
		{"11.2.3", "~11.2", true, "~11.2 is >=11.2 <12"},
		{"11.1.0", "~11.2", false, ""},
		{"8.9.20", "8.x", true, ""},
		{"8.1.1", "8.0.0 || 8.1.1", true, ""},
		{"8.1.0", "8.0.0 || 8.1.1", false, ""},
		{"1.2.3", "~1.2.3", true, "~1.2.3 is >=1.2.3 <1.3"},
		{"1.3.0", "~1.2.3", false, ""},
		{"2.1", "1.0 - 2.0", false, "an exact upper end is inclusive"},
		{"2.0.5", "1.0 - 2.0", true, "a partial upper end covers its patches"},
		{"0.2.5", "^0.2", true, "^0.2 stays below 0.3"},
		{"0.3.0", "^0.2", false, ""},
		{"1.5", ">=1.0, <2.0", true, "comma is AND"},
		{"1.5", ">=1.0 <2.0", true, "so is a space"},
		{"1.5", "^1 | ^2", true, "single bar is OR"},
		{"1.5", "!=1.5", false, ""},
		{"1.5", "<>1.5", false, "<> is !="},
		// Branches.
		{"dev-main", "dev-main", true, "a branch matches itself"},
		{"dev-main", "*", true, "and a plain wildcard"},
		{"dev-main", "*.*", false, "but not one with a dot (>=0.0.0.0-dev)"},
		{"dev-main", ">=1.0", false, "branches are never ordered"},
		{"dev-main", "!=1.0", true, "but differ from everything else"},
		{"1.x-dev", "^1", true, "a numeric branch is a version"},
		{"master", "dev-master", true, ""},
		// Quirks.
		{"2.5", ">=3, <2 || >=2, <4", false, "adjacent ranges are merged by their printed bounds"},
		{"1.0", "1.0\ngarbage", true, "a comparison ignores what follows a newline"},
		{"1.0.0", "1.0.0.0", true, ""},
		{"2010-01-02", "2010.01.02", false, "2010.01.02 normalizes to 2010.01.02.0"},
	}
	for _, tt := range tests {
		got, err := Satisfies(tt.version, tt.constraint)
		if err != nil || got != tt.want {
			t.Errorf("Satisfies(%q, %q) = %v, %v, want %v (%s)", tt.version, tt.constraint, got, err, tt.want, tt.why)
		}
	}
}

func TestSatisfiesErrors(t *testing.T) {
	tests := []struct {
		version, constraint string
		want                error
	}{
		{"not a version", "^1", ErrInvalidVersion},
		{"1.0", "^not a constraint", ErrInvalidConstraint},
		{"1.0", "~>1.0", ErrInvalidConstraint}, // Composer names the right operator
		{"1.0", "1.0 ||", ErrInvalidConstraint},
		{"1.0", "", ErrInvalidConstraint},
	}
	for _, tt := range tests {
		if got, err := Satisfies(tt.version, tt.constraint); !errors.Is(err, tt.want) {
			t.Errorf("Satisfies(%q, %q) = %v, %v, want an error wrapping %v", tt.version, tt.constraint, got, err, tt.want)
		}
	}
}

func TestParseConstraintString(t *testing.T) {
	tests := []struct{ in, want string }{
		{"^1.2", ">= 1.2.0.0-dev, < 2.0.0.0-dev"},
		{"~1.2.3 || dev-main", ">= 1.2.3.0-dev, < 1.3.0.0-dev || == dev-main"},
		{"^1 || ^2", ">= 1.0.0.0-dev, < 3.0.0.0-dev"}, // merged
		{"*", "*"},
		{">= 1.0-stable", ">= 1.0.0.0-stable"}, // keeps the parser from adding -dev
		{"1.0 - 2.0-RC1", ">= 1.0.0.0-dev, <= 2.0.0.0-RC1"},
		{">1.0@Beta", ">1.0.0.0@Beta"},                     // only flag syntax yields 1.0.0.0-Beta
		{"==2010-01-02", "== 2010-01-02"},                  // a date spelled so that it stays one
		{"^99999999999999999999", "^99999999999999999999"}, // bound a PHP float: no spelling
	}
	for _, tt := range tests {
		c, err := ParseConstraint(tt.in)
		if err != nil {
			t.Errorf("ParseConstraint(%q): %v", tt.in, err)
			continue
		}
		if got := c.String(); got != tt.want {
			t.Errorf("ParseConstraint(%q).String() = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got := (Constraint{}).String(); got != "*" {
		t.Errorf("Constraint{}.String() = %q, want %q", got, "*")
	}
	if !(Constraint{}).Matches("dev-main") {
		t.Errorf("Constraint{}.Matches(%q) = false, want true", "dev-main")
	}
}

func TestSatisfiedBy(t *testing.T) {
	// ProjectCoreCompatibility's use: the core versions at or above the
	// installed one.
	got, err := SatisfiedBy([]string{"8.0.0", "8.0.1", "8.1.0-beta1", "8.1.0", "7.0.0"}, ">= 8.0.1")
	want := []string{"8.0.1", "8.1.0-beta1", "8.1.0"}
	if err != nil || !slices.Equal(got, want) {
		t.Errorf("SatisfiedBy(…, %q) = %q, %v, want %q", ">= 8.0.1", got, err, want)
	}
	if got, err := SatisfiedBy(nil, "not a constraint"); err != nil || len(got) != 0 {
		t.Errorf("SatisfiedBy(nil, %q) = %q, %v, want no versions and no error (Composer never parses it)", "not a constraint", got, err)
	}
	if _, err := SatisfiedBy([]string{"1.0", "junk"}, "^1"); !errors.Is(err, ErrInvalidVersion) {
		t.Errorf("SatisfiedBy([1.0 junk], ^1) error = %v, want one wrapping ErrInvalidVersion", err)
	}
}

func TestSort(t *testing.T) {
	tests := []struct{ in, want []string }{
		{[]string{"8.1.1", "8.0.0", "8.1.0", "8.1.0-rc1", "8.1.0-beta2"}, []string{"8.0.0", "8.1.0-beta2", "8.1.0-rc1", "8.1.0", "8.1.1"}},
		{[]string{"1.0", "dev-main", "0.9"}, []string{"dev-main", "0.9", "1.0"}},
		// dev-master counts as 9999999-dev, above every release.
		{[]string{"dev-master", "2.0"}, []string{"2.0", "dev-master"}},
		// Two branches are each "greater" than the other; PHP's sort
		// decides, and so does ours.
		{[]string{"dev-b", "dev-a", "1.0", "1.00"}, []string{"dev-a", "dev-b", "1.00", "1.0"}},
		// Composer throws; we put what it cannot read first.
		{[]string{"2.0", "junk", "1.0"}, []string{"junk", "1.0", "2.0"}},
		{nil, []string{}},
	}
	for _, tt := range tests {
		if got := Sort(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("Sort(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSortStable(t *testing.T) {
	// PHP 8's usort is stable: equal normalized versions keep their order.
	in := []string{"1.0", "v1.0", "1.0.0", "1.0.0.0", "1"}
	if got := Sort(in); !slices.Equal(got, in) {
		t.Errorf("Sort(%q) = %q, want the input order", in, got)
	}
	// Past 16 elements PHP switches to quicksort.
	big := make([]string, 40)
	for i := range big {
		big[i] = []string{"1.0", "v1.0", "1.0.0"}[i%3]
	}
	if got := Sort(big); !slices.Equal(got, big) {
		t.Errorf("Sort(%q) = %q, want the input order", big, got)
	}
}

package constraint

import (
	"slices"
	"testing"
)

// These tables pin the behaviours of Drupal's grammar that are easy to get
// wrong; oracle_test.go replays many more cases that Drupal answered.

func TestIsCompatible(t *testing.T) {
	tests := []struct {
		constraint, installed string
		want                  bool
		why                   string
	}{
		// ModulesListFormTest and D7 ModuleVersionTestCase, against x.x-2.4-beta3.
		{"2.x", "8.x-2.4-beta3", true, "a branch matches its versions"},
		{"8.x-2.x", "8.x-2.4-beta3", true, "the core prefix is optional"},
		{">2.x", "8.x-2.4-beta3", false, ">2.x means >=3.x"},
		{">1.x", "8.x-2.4-beta3", true, ">1.x means >=2.x"},
		{"=8.x2.x", "8.x-2.4-beta3", false, "without the dash, 8.x2.x is read as major 8"},
		{"=2.x, !=2.4-beta3", "8.x-2.4-beta3", false, "every piece must hold"},
		{"<=2.4-beta2", "8.x-2.4-beta3", false, ""},
		{">2.4-beta2", "8.x-2.4-beta3", true, ""},
		{">2.4-rc0", "8.x-2.4-beta3", false, "rc ranks above beta"},
		{"9.x-4.x", "8.x-4.5", false, "a wrong core prefix is read as major 9"},
		{">1.x", "", false, "a missing version is lower than any"},
		// Branch forms.
		{"2.x", "2.0", true, ""},
		{"2.x", "2.9", true, ""},
		{"2.x", "1.9", false, ""},
		{"2.x", "3.0", false, ""},
		{"<=1.x", "1.9", true, "<=1.x means <2.x"},
		{"<=1.x", "2.0", false, ""},
		{"==2.x", "2.5", true, "== is = for branches too"},
		// Code-only edge cases.
		{">=2.1.3", "2.1.0", true, "the patch level of a constraint is dropped"},
		{">=1.0", "1.x-dev", false, "1.x-dev sorts below 1.0"},
		{"~1.0", "0.1", true, "~1.0 is dropped, and nothing left accepts all"},
		{"=2.4-beta", "2.4", true, "-beta without digits is not part of the version"},
		{"", "anything", true, "no constraint"},
		{"<>3.0", "3.0", false, "<> is !="},
		{">= 8.x-1.0", "8.x-1.0", true, "spaces after the operator"},
		{"  >=1.0  ,   <=2.0", "1.5", true, "spaces around commas"},
		{"<2.0", "8.x-8.x-1.0", false, "only one leading 8.x- is removed; the next reads as major 8"},
		{">=1.0", "8zx-1.0", true, "the prefix is a regular expression: . is any byte"},
		{">99999999999999999999.x", "1.0E+20", true, "bumped majors are PHP numbers, floats beyond 64 bits"},
	}
	for _, tt := range tests {
		if got := New(tt.constraint, "8.x").IsCompatible(tt.installed); got != tt.want {
			t.Errorf("New(%q, %q).IsCompatible(%q) = %v, want %v (%s)", tt.constraint, "8.x", tt.installed, got, tt.want, tt.why)
		}
	}
}

func TestOps(t *testing.T) {
	tests := []struct {
		constraint string
		want       []Op
	}{
		{"2.x", []Op{{"<", "3.x"}, {">=", "2.x"}}},
		{">1.x", []Op{{">", "2.x"}}},
		{"<=1.x", []Op{{"<=", "2.x"}}},
		{">=1.x", []Op{{">=", "1.x"}}},
		{"=007.x", []Op{{"<", "8.x"}, {">=", "007.x"}}}, // the bump is numeric, the rest text
		{">= 8.x-2.1.3", []Op{{">=", "2.1"}}},
		{"2.4-beta3x", []Op{{"=", "2.4-beta3"}}},
		{"8.x-beta", []Op{{"<", "9.x"}, {">=", "8.x"}}}, // no version after the prefix: the prefix is one
		{"8.x-beta1", []Op{{"=", "8.x-beta1"}}},         // and then "-beta1" is its suffix
		{"~1.0, garbage, >1.0", []Op{{">", "1.0"}}},
		{"=> 1.0", nil}, // not an operator
		{">9223372036854775807.x", []Op{{">", "9.2233720368548E+18.x"}}},
	}
	for _, tt := range tests {
		if got := New(tt.constraint, "8.x").Ops(); !slices.Equal(got, tt.want) {
			t.Errorf("New(%q, %q).Ops() = %q, want %q", tt.constraint, "8.x", got, tt.want)
		}
	}
}

func TestConstraintString(t *testing.T) {
	const s = " >=8.x-1.0, <2.x "
	if got := New(s, "8.x").String(); got != s {
		t.Errorf("New(%q, %q).String() = %q, want it unchanged", s, "8.x", got)
	}
}

func TestParseDependency(t *testing.T) {
	tests := []struct {
		in   string
		want Dependency
	}{
		// DependencyTest.
		{"views", Dependency{Name: "views"}},
		{"drupal:views", Dependency{Project: "drupal", Name: "views"}},
		{"views (<8.x-3.1)", Dependency{Name: "views", Constraint: "<8.x-3.1"}},
		{"drupal:views (>8.x-1.1)", Dependency{Project: "drupal", Name: "views", Constraint: ">8.x-1.1"}},
		// The ":" and "(" rules.
		{"drupal:views (>=8.1)", Dependency{Project: "drupal", Name: "views", Constraint: ">=8.1"}},
		{"mod(>1.x)", Dependency{Name: "mod", Constraint: ">1.x"}},
		{":views", Dependency{Name: "views"}},
		{"a:b:c", Dependency{Project: "a", Name: "b"}},
		{"views (1.0) )", Dependency{Name: "views", Constraint: "1.0"}},
		{"views ((1.0)", Dependency{Name: "views", Constraint: "(1.0"}},
	}
	for _, tt := range tests {
		if got := ParseDependency(tt.in); got != tt.want {
			t.Errorf("ParseDependency(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
	d := ParseDependency("paragraphs:paragraphs_demo (>8.x-1.1)")
	for v, want := range map[string]bool{"1.1": false, "1.2": true, "8.x-1.2": true} {
		if got := d.IsCompatible(v); got != want {
			t.Errorf("%+v.IsCompatible(%q) = %v, want %v", d, v, got, want)
		}
	}
}

func TestParseD7Dependency(t *testing.T) {
	tests := []struct {
		in   string
		want D7Dependency
	}{
		{"views", D7Dependency{Name: "views"}},
		{"views (2.x)", D7Dependency{Name: "views", OriginalVersion: " (2.x)", Versions: []Op{{"<", "3.x"}, {">=", "2.x"}}}},
		{"a:b (>7.x-1.5)", D7Dependency{Name: "b", Project: "a", OriginalVersion: " (>7.x-1.5)", Versions: []Op{{">", "1.5"}}}},
		// A leading ":" is not a project separator in Drupal 7.
		{":views", D7Dependency{Name: ":views"}},
		{"views (~1.0)", D7Dependency{Name: "views", OriginalVersion: " (~1.0)"}},
	}
	for _, tt := range tests {
		got := ParseD7Dependency(tt.in)
		if got.Name != tt.want.Name || got.Project != tt.want.Project || got.OriginalVersion != tt.want.OriginalVersion || !slices.Equal(got.Versions, tt.want.Versions) {
			t.Errorf("ParseD7Dependency(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
	d := ParseD7Dependency("views (>=7.x-3.0, <7.x-4.0)")
	for v, want := range map[string]bool{"7.x-3.5": true, "7.x-4.0-beta1": true, "7.x-4.0": false, "7.x-2.9": false} {
		if got := d.IsCompatible(v); got != want {
			t.Errorf("ParseD7Dependency(%q).IsCompatible(%q) = %v, want %v", "views (>=7.x-3.0, <7.x-4.0)", v, got, want)
		}
	}
	// Drupal 7 removes every "7.x-".
	if got := New(">=1.0", "7.x").IsCompatible("7.x-7.x-1.0"); !got {
		t.Errorf("New(%q, %q).IsCompatible(%q) = false, want true", ">=1.0", "7.x", "7.x-7.x-1.0")
	}
}

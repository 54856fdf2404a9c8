package constraint

import (
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"
)

func seedConstraints(f *testing.F) (constraints, installed []string) {
	f.Helper()
	b, err := os.ReadFile("testdata/oracle.json")
	if err != nil {
		f.Fatal(err)
	}
	var d oracleData
	if err := json.Unmarshal(b, &d); err != nil {
		f.Fatal(err)
	}
	for i, c := range d.Constraints {
		if i%25 == 0 {
			var s string
			if err := json.Unmarshal(c[0], &s); err != nil {
				f.Fatal(err)
			}
			constraints = append(constraints, s)
		}
	}
	return constraints, d.Installed
}

// FuzzConstraint checks that parsing and checking never panic, and that
// printing the parsed comparisons and parsing them again gives them back.
// The exceptions are Drupal's: ">" and "<=" bump a branch major every time
// they are read, and a major beyond 64 bits comes back as a PHP float
// ("1.0E+20"), which is no longer a number to the grammar.
func FuzzConstraint(f *testing.F) {
	constraints, installed := seedConstraints(f)
	for i, c := range constraints {
		f.Add(c, installed[i%len(installed)])
	}
	f.Fuzz(func(t *testing.T, s, version string) {
		for _, core := range []string{"8.x", "7.x"} {
			c := New(s, core)
			c.IsCompatible(version)
			if c.String() != s {
				t.Errorf("New(%q, %q).String() = %q, want the input", s, core, c.String())
			}
			ops := c.Ops()
			if slices.ContainsFunc(ops, func(o Op) bool {
				major, minor, ok := majorMinor(o.Version, 0)
				return !ok || major+"."+minor != o.Version || (minor == "x" && (o.Op == ">" || o.Op == "<="))
			}) {
				continue
			}
			printed := make([]string, len(ops))
			for i, o := range ops {
				printed[i] = o.Op + o.Version
			}
			again := New(strings.Join(printed, ","), core).Ops()
			if !slices.Equal(again, ops) {
				t.Errorf("New(%q, %q).Ops() = %q, printed and parsed again %q", s, core, ops, again)
			}
		}
		ParseDependency(s).IsCompatible(version)
		d7 := ParseD7Dependency(s)
		d7.IsCompatible(version)
		if _, rest, ok := strings.Cut(s, "("); ok && strings.IndexByte(s, ':') <= 0 {
			if want := New(rest, "7.x").Ops(); !slices.Equal(d7.Versions, want) {
				t.Errorf("ParseD7Dependency(%q).Versions = %q, want %q as New gives", s, d7.Versions, want)
			}
		}
	})
}

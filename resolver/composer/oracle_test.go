package composer

import (
	"encoding/json"
	"flag"
	"os"
	"slices"
	"strings"
	"testing"
)

// The oracle tests replay answers that the real composer/semver gave (see
// testdata/README.md). -oracle points them at another file in the same
// format, such as a larger random one generated for a one-off check.
var oracleFile = flag.String("oracle", "testdata/oracle.json", "composer/semver answers to compare with")

type oracleData struct {
	Source      string
	Normalize   [][3]*string // input, normalized or null for an exception, stability
	Parse       [][2]*string // constraint, Composer's __toString or null
	Versions    []string     // the versions every Satisfies constraint is tried on
	Satisfies   [][2]string  // constraint, one of "1", "0", "E" per version
	Sort        [][2]json.RawMessage
	SatisfiedBy [][3]json.RawMessage // versions, constraint, result or null
}

func loadOracle(t *testing.T) *oracleData {
	t.Helper()
	b, err := os.ReadFile(*oracleFile)
	if err != nil {
		t.Fatal(err)
	}
	var d oracleData
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatalf("%s: %v", *oracleFile, err)
	}
	for _, c := range d.Normalize {
		if c[0] == nil || c[2] == nil {
			t.Fatalf("%s: malformed normalize entry %v", *oracleFile, c)
		}
	}
	for _, c := range d.Parse {
		if c[0] == nil {
			t.Fatalf("%s: malformed parse entry %v", *oracleFile, c)
		}
	}
	return &d
}

// failures stops a test after enough examples to work with.
type failures struct {
	t     *testing.T
	n, of int
}

func (f *failures) errorf(format string, args ...any) {
	f.t.Helper()
	if f.n++; f.n <= 40 {
		f.t.Errorf(format, args...)
	}
}

func (f *failures) summary(what string) {
	f.t.Helper()
	if f.n > 0 {
		f.t.Errorf("%d of %d %s cases differ from composer/semver", f.n, f.of, what)
	} else {
		f.t.Logf("%d %s cases agree with %s", f.of, what, *oracleFile)
	}
}

func TestNormalizeOracle(t *testing.T) {
	d := loadOracle(t)
	f := &failures{t: t, of: len(d.Normalize)}
	for _, c := range d.Normalize {
		in, want := *c[0], c[1]
		got, err := Normalize(in)
		switch {
		case want == nil && err == nil:
			f.errorf("Normalize(%q) = %q, want an error", in, got)
		case want != nil && err != nil:
			f.errorf("Normalize(%q) = %v, want %q", in, err, *want)
		case want != nil && got != *want:
			f.errorf("Normalize(%q) = %q, want %q", in, got, *want)
		}
	}
	f.summary("Normalize")
}

func TestParseStabilityOracle(t *testing.T) {
	d := loadOracle(t)
	f := &failures{t: t, of: len(d.Normalize)}
	for _, c := range d.Normalize {
		if got := ParseStability(*c[0]); got != *c[2] {
			f.errorf("ParseStability(%q) = %q, want %q", *c[0], got, *c[2])
		}
	}
	f.summary("ParseStability")
}

// composerString prints c the way Composer's __toString prints the parsed
// constraint, so that the oracle can check the structure, not just the
// verdicts.
func composerString(c Constraint) string {
	if len(c.or) == 0 {
		return "*"
	}
	group := func(g []leaf) string {
		if len(g) == 1 {
			return g[0].String()
		}
		parts := make([]string, len(g))
		for i, l := range g {
			parts[i] = l.String()
		}
		return "[" + strings.Join(parts, " ") + "]"
	}
	if len(c.or) == 1 {
		return group(c.or[0])
	}
	parts := make([]string, len(c.or))
	for i, g := range c.or {
		parts[i] = group(g)
	}
	return "[" + strings.Join(parts, " || ") + "]"
}

func TestParseConstraintOracle(t *testing.T) {
	d := loadOracle(t)
	f := &failures{t: t, of: len(d.Parse)}
	for _, c := range d.Parse {
		in, want := *c[0], c[1]
		got, err := ParseConstraint(in)
		switch {
		case want == nil && err == nil:
			f.errorf("ParseConstraint(%q) = %s, want an error", in, composerString(got))
		case want != nil && err != nil:
			f.errorf("ParseConstraint(%q) = %v, want %s", in, err, *want)
		case want != nil && composerString(got) != *want:
			f.errorf("ParseConstraint(%q) = %s, want %s", in, composerString(got), *want)
		}
	}
	f.summary("ParseConstraint")
}

func TestSatisfiesOracle(t *testing.T) {
	d := loadOracle(t)
	f := &failures{t: t, of: len(d.Satisfies) * len(d.Versions)}
	for _, c := range d.Satisfies {
		constraint, want := c[0], c[1]
		for i, v := range d.Versions {
			ok, err := Satisfies(v, constraint)
			got := byte('0')
			switch {
			case err != nil:
				got = 'E'
			case ok:
				got = '1'
			}
			if got != want[i] {
				f.errorf("Satisfies(%q, %q) = %c, want %c (1 true, 0 false, E error)", v, constraint, got, want[i])
			}
		}
	}
	f.summary("Satisfies")
}

func TestSortOracle(t *testing.T) {
	d := loadOracle(t)
	f := &failures{t: t, of: len(d.Sort)}
	for _, c := range d.Sort {
		var in, want []string
		if err := json.Unmarshal(c[0], &in); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(c[1], &want); err != nil {
			t.Fatal(err)
		}
		if want == nil {
			// Composer threw on an invalid version; Sort puts those first.
			continue
		}
		if got := Sort(in); !slices.Equal(got, want) {
			f.errorf("Sort(%q)\n = %q\nwant %q", in, got, want)
		}
	}
	f.summary("Sort")
}

func TestSatisfiedByOracle(t *testing.T) {
	d := loadOracle(t)
	f := &failures{t: t, of: len(d.SatisfiedBy)}
	for _, c := range d.SatisfiedBy {
		var versions, want []string
		var constraint string
		if err := json.Unmarshal(c[0], &versions); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(c[1], &constraint); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(c[2], &want); err != nil {
			t.Fatal(err)
		}
		got, err := SatisfiedBy(versions, constraint)
		switch {
		case want == nil && err == nil:
			f.errorf("SatisfiedBy(%q, %q) = %q, want an error", versions, constraint, got)
		case want != nil && err != nil:
			f.errorf("SatisfiedBy(%q, %q) = %v, want %q", versions, constraint, err, want)
		case want != nil && !slices.Equal(got, want):
			f.errorf("SatisfiedBy(%q, %q) = %q, want %q", versions, constraint, got, want)
		}
	}
	f.summary("SatisfiedBy")
}

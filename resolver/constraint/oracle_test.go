package constraint

import (
	"encoding/json"
	"flag"
	"os"
	"slices"
	"testing"
)

// The oracle tests replay answers that Drupal's own PHP gave (see
// testdata/README.md). -oracle points them at another file in the same
// format, such as a larger random one generated for a one-off check.
var oracleFile = flag.String("oracle", "testdata/oracle.json", "Drupal answers to compare with")

type oracleData struct {
	Source string
	// Installed versions every constraint is checked against.
	Installed []string
	// Constraint, core compatibility, parsed comparisons, and one "1" or
	// "0" per installed version for IsCompatible.
	Constraints [][4]json.RawMessage
	// Input, then project, name and constraint.
	Dependencies [][4]string
	// Input, project or null, name, original_version or null, versions,
	// and one "1" or "0" per installed version.
	D7 [][6]json.RawMessage
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
	return &d
}

func decode(t *testing.T, raw json.RawMessage, v any) {
	t.Helper()
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatalf("%s: %v", raw, err)
	}
}

// ops reads [["op", "version"], …].
func ops(t *testing.T, raw json.RawMessage) []Op {
	t.Helper()
	var pairs [][2]string
	decode(t, raw, &pairs)
	var out []Op
	for _, p := range pairs {
		out = append(out, Op{p[0], p[1]})
	}
	return out
}

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
		f.t.Errorf("%d of %d %s cases differ from Drupal", f.n, f.of, what)
	} else {
		f.t.Logf("%d %s cases agree with %s", f.of, what, *oracleFile)
	}
}

func TestConstraintOracle(t *testing.T) {
	d := loadOracle(t)
	f := &failures{t: t, of: len(d.Constraints) * (1 + len(d.Installed))}
	for _, c := range d.Constraints {
		var text, core, verdicts string
		decode(t, c[0], &text)
		decode(t, c[1], &core)
		decode(t, c[3], &verdicts)
		got := New(text, core)
		if want := ops(t, c[2]); !slices.Equal(got.Ops(), want) {
			f.errorf("New(%q, %q).Ops() = %q, want %q", text, core, got.Ops(), want)
		}
		for i, v := range d.Installed {
			if ok := got.IsCompatible(v); ok != (verdicts[i] == '1') {
				f.errorf("New(%q, %q).IsCompatible(%q) = %v, want %v", text, core, v, ok, !ok)
			}
		}
	}
	f.summary("Constraint")
}

func TestParseDependencyOracle(t *testing.T) {
	d := loadOracle(t)
	f := &failures{t: t, of: len(d.Dependencies)}
	for _, c := range d.Dependencies {
		want := Dependency{Project: c[1], Name: c[2], Constraint: c[3]}
		if got := ParseDependency(c[0]); got != want {
			f.errorf("ParseDependency(%q) = %+v, want %+v", c[0], got, want)
		}
	}
	f.summary("ParseDependency")
}

func TestParseD7DependencyOracle(t *testing.T) {
	d := loadOracle(t)
	f := &failures{t: t, of: len(d.D7) * (1 + len(d.Installed))}
	for _, c := range d.D7 {
		var in, verdicts string
		var project, original *string
		var want D7Dependency
		decode(t, c[0], &in)
		decode(t, c[1], &project)
		decode(t, c[2], &want.Name)
		decode(t, c[3], &original)
		decode(t, c[5], &verdicts)
		if project != nil {
			want.Project = *project
		}
		if original != nil {
			want.OriginalVersion = *original
		}
		want.Versions = ops(t, c[4])
		got := ParseD7Dependency(in)
		if got.Name != want.Name || got.Project != want.Project || got.OriginalVersion != want.OriginalVersion || !slices.Equal(got.Versions, want.Versions) {
			f.errorf("ParseD7Dependency(%q) = %+v, want %+v", in, got, want)
		}
		for i, v := range d.Installed {
			if ok := got.IsCompatible(v); ok != (verdicts[i] == '1') {
				f.errorf("ParseD7Dependency(%q).IsCompatible(%q) = %v, want %v", in, v, ok, !ok)
			}
		}
	}
	f.summary("D7Dependency")
}

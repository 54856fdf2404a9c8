package composer

import (
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"
)

// seedStrings returns version and constraint strings from the oracle data,
// to start the fuzzers somewhere interesting.
func seedStrings(f *testing.F) (versions, constraints []string) {
	f.Helper()
	b, err := os.ReadFile("testdata/oracle.json")
	if err != nil {
		f.Fatal(err)
	}
	var d oracleData
	if err := json.Unmarshal(b, &d); err != nil {
		f.Fatal(err)
	}
	for i, c := range d.Normalize {
		if i%10 == 0 {
			versions = append(versions, *c[0])
		}
	}
	for i, c := range d.Parse {
		if i%20 == 0 {
			constraints = append(constraints, *c[0])
		}
	}
	return versions, constraints
}

// FuzzNormalize checks that Normalize never panics and is idempotent on
// its output, except where Composer itself is not: a date version that
// reads as a classical one once its separators are dots gains ".0" parts
// ("2010-01-02" → "2010.01.02" → "2010.01.02.0"), and "-stable" spelled in
// upper case survives the first pass and is dropped by the second. Either
// way the second result is a fixed point.
func FuzzNormalize(f *testing.F) {
	versions, _ := seedStrings(f)
	for _, v := range versions {
		f.Add(v)
	}
	f.Fuzz(func(t *testing.T, v string) {
		ParseStability(v)
		n, err := Normalize(v)
		if err != nil {
			return
		}
		n2, err := Normalize(n)
		if err != nil {
			t.Fatalf("Normalize(%q) = %q, but Normalize(%q) fails: %v", v, n, n, err)
		}
		if n2 != n && !strings.Contains(n, "-stable") && !padded(n, n2) {
			t.Errorf("Normalize(%q) = %q, but Normalize(%q) = %q", v, n, n, n2)
		}
		if n3, err := Normalize(n2); err != nil || n3 != n2 {
			t.Errorf("Normalize(%q) = %q, %v, want it unchanged", n2, n3, err)
		}
	})
}

// padded reports whether long is short with ".0" parts added to its
// numbers.
func padded(short, long string) bool {
	i := strings.IndexByte(short, '-')
	if i < 0 {
		i = len(short)
	}
	mid, ok := strings.CutPrefix(long, short[:i])
	if !ok {
		return false
	}
	mid, ok = strings.CutSuffix(mid, short[i:])
	return ok && mid != "" && strings.ReplaceAll(mid, ".0", "") == ""
}

// sampleVersions are normalized versions every fuzzed constraint is tried
// on, besides the fuzzer's own.
var sampleVersions = []string{
	"0.0.0.0", "0.1.0.0", "1.0.0.0-dev", "1.0.0.0-alpha1", "1.0.0.0-beta2", "1.0.0.0-RC1", "1.0.0.0",
	"1.0.0.0-patch1", "1.2.3.0", "1.9999999.9999999.9999999-dev", "2.0.0.0-dev", "2.0.0.0", "9.5.11.0",
	"10.0.0.0-alpha1", "10.3.0.0", "11.2.3.0", "2010.01.02", "2010.01.02.0", "99999.0.0.0",
	"dev-main", "dev-master", "dev-foo",
}

// FuzzParseConstraint checks that parsing never panics and that String
// gives a constraint that ParseConstraint reads back to one matching the
// same versions.
func FuzzParseConstraint(f *testing.F) {
	versions, constraints := seedStrings(f)
	for i, c := range constraints {
		f.Add(c, versions[i%len(versions)])
	}
	f.Fuzz(func(t *testing.T, s, version string) {
		Satisfies(version, s)
		c, err := ParseConstraint(s)
		if err != nil {
			return
		}
		again, err := ParseConstraint(c.String())
		if err != nil {
			t.Fatalf("ParseConstraint(%q).String() = %q, which does not parse: %v", s, c.String(), err)
		}
		sample := sampleVersions
		if n, err := Normalize(version); err == nil {
			sample = append(slices.Clip(sample), n)
		}
		for _, v := range sample {
			if got, want := again.Matches(v), c.Matches(v); got != want {
				t.Errorf("ParseConstraint(%q).Matches(%q) = %v, but its String() %q gives %v", s, v, want, c.String(), got)
			}
		}
	})
}

// FuzzSort checks that Sort never panics and returns a permutation of its
// input.
func FuzzSort(f *testing.F) {
	f.Add("1.0 dev-main 0.9 1.00 dev-b dev-a 2.0-beta1 2.0 junk")
	f.Add(strings.Repeat("1.0 v1.0 dev-a 2 0.5 dev-b ", 5))
	f.Fuzz(func(t *testing.T, list string) {
		in := strings.Fields(list)
		got := Sort(in)
		if !slices.Equal(slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(in))) {
			t.Errorf("Sort(%q) = %q, not a permutation", in, got)
		}
	})
}

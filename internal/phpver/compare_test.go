package phpver

import (
	"strings"
	"testing"
)

// versionCompareTests are readable cases; oracle_data_test.go holds the
// exhaustive matrix PHP produced.
var versionCompareTests = []struct {
	a, b string
	want int
	why  string
}{
	{"1.0", "1.0", 0, "equal"},
	{"1.0-alpha1", "1.0", -1, "a pre-release is below its release"},
	{"1.0", "1.0.0", -1, "a longer version with a number left is greater"},
	{"1.x", "1.0", -1, "x ranks below numbers (Drupal bumps branch majors for this)"},
	{"1.0-dev", "1.0-alpha1", -1, "dev < alpha"},
	{"1.0-alpha1", "1.0-beta1", -1, "alpha < beta"},
	{"1.0-beta1", "1.0-RC1", -1, "beta < RC"},
	{"1.0-RC1", "1.0-rc1", 0, "RC and rc rank the same"},
	{"1.0-rc1", "1.0-pl1", -1, "pl ranks above numbers"},
	{"1.0-a1", "1.0-alpha1", 0, "a is alpha"},
	{"1.0-b1", "1.0-beta1", 0, "b is beta"},
	{"1.0-p1", "1.0-pl1", 0, "p is pl"},
	{"1.5+3-dev", "1.5", 1, "+ is a separator, and a remaining number wins"},
	{"1.0-bugfix", "1.0", -1, "words are matched by prefix: bugfix ranks as b"},
	{"1.0-x", "1.0-dev", -1, "an unknown word ranks lowest"},
	{"", "0", -1, "the empty string is below everything"},
	{"", "", 0, "two empty strings are equal"},
	{"1.0", "1-0", 0, "- and . are the same separator"},
	{"1.0", "1_0", 0, "_ is a separator too"},
	{"10", "9", 1, "numbers compare numerically"},
	{"01", "1", 0, "leading zeros do not count"},
	{"2.4-beta3", "2.4-rc0", -1, "rc0 is still above beta3"},
	{"1.0rc1", "1.0-RC1", 0, "a . goes where a digit meets a letter"},
	{"99999999999999999999", "9223372036854775807", 0, "numbers saturate like strtol"},
	{"1\x001", "1", 0, "PHP passes C strings: a NUL byte ends the version"},
	{"\x00", "", 0, "a version starting with NUL is empty"},
	{"\x00", "0", -1, "and so below everything"},
}

func TestVersionCompare(t *testing.T) {
	for _, tt := range versionCompareTests {
		if got := VersionCompare(tt.a, tt.b); got != tt.want {
			t.Errorf("VersionCompare(%q, %q) = %d, want %d (%s)", tt.a, tt.b, got, tt.want, tt.why)
		}
		if got := VersionCompare(tt.b, tt.a); got != -tt.want {
			t.Errorf("VersionCompare(%q, %q) = %d, want %d (reversed: %s)", tt.b, tt.a, got, -tt.want, tt.why)
		}
	}
}

func TestVersionCompareOp(t *testing.T) {
	// version_compare's third argument, for 1.0 against 1.0 and 2.0, as
	// PHP 8.2 answers; any other operator throws a ValueError.
	tests := []struct {
		op           string
		same, before bool
	}{
		{"<", false, true}, {"lt", false, true},
		{"<=", true, true}, {"le", true, true},
		{">", false, false}, {"gt", false, false},
		{">=", true, false}, {"ge", true, false},
		{"==", true, false}, {"=", true, false}, {"eq", true, false},
		{"!=", false, true}, {"<>", false, true}, {"ne", false, true},
	}
	for _, tt := range tests {
		if got, ok := VersionCompareOp("1.0", "1.0", tt.op); got != tt.same || !ok {
			t.Errorf("VersionCompareOp(%q, %q, %q) = %v, %v, want %v, true", "1.0", "1.0", tt.op, got, ok, tt.same)
		}
		if got, ok := VersionCompareOp("1.0", "2.0", tt.op); got != tt.before || !ok {
			t.Errorf("VersionCompareOp(%q, %q, %q) = %v, %v, want %v, true", "1.0", "2.0", tt.op, got, ok, tt.before)
		}
	}
	for _, op := range []string{"", "LT", "EQ", "=<", "=>", "!", "===", " <"} {
		if got, ok := VersionCompareOp("1.0", "1.0", op); ok {
			t.Errorf("VersionCompareOp(%q, %q, %q) = %v, true, want false, false (PHP throws)", "1.0", "1.0", op, got)
		}
	}
}

func TestVersionCompareOracle(t *testing.T) {
	n := 0
	for i, a := range oracleVersions {
		for j, b := range oracleVersions {
			want := map[byte]int{'<': -1, '=': 0, '>': 1}[oracleCompare[i][j]]
			if got := VersionCompare(a, b); got != want {
				if n++; n <= 40 {
					t.Errorf("VersionCompare(%q, %q) = %d, want %d", a, b, got, want)
				}
			}
		}
	}
	if n > 0 {
		t.Errorf("%d of %d cases differ from PHP", n, len(oracleVersions)*len(oracleVersions))
	}
}

// FuzzVersionCompare checks that VersionCompare never panics and orders
// ordinary versions consistently: for strings of letters, digits and
// ". - _ +" that do not end in a separator it is reflexive and
// antisymmetric, which Composer's matching relies on when it compares a
// version with a bound from either side.
//
// PHP's version_compare is neither for other strings: when both sides run
// out on an empty piece it always answers from the left side's point of
// view, so version_compare("1.", "1.") is -1 (the oracle matrix pins this).
func FuzzVersionCompare(f *testing.F) {
	for _, tt := range versionCompareTests {
		f.Add(tt.a, tt.b)
	}
	for _, v := range oracleVersions {
		f.Add(v, "1.0")
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		ab, ba := VersionCompare(a, b), VersionCompare(b, a)
		if ab < -1 || ab > 1 {
			t.Errorf("VersionCompare(%q, %q) = %d, want -1, 0 or 1", a, b, ab)
		}
		if !ordinary(a) || !ordinary(b) {
			return
		}
		if ab != -ba {
			t.Errorf("VersionCompare(%q, %q) = %d but VersionCompare(%q, %q) = %d", a, b, ab, b, a, ba)
		}
		if aa := VersionCompare(a, a); aa != 0 {
			t.Errorf("VersionCompare(%q, %q) = %d, want 0", a, a, aa)
		}
	})
}

// ordinary reports whether v is made of letters, digits and ". - _ +" and
// does not end in one of those separators.
func ordinary(v string) bool {
	for i := 0; i < len(v); i++ {
		if !isAlnum(v[i]) && !strings.ContainsRune(".-_+", rune(v[i])) {
			return false
		}
	}
	return v == "" || isAlnum(v[len(v)-1])
}

// TestCanonicalCompare checks the precomputed path composer's matcher uses:
// comparing canonical forms is comparing the versions.
func TestCanonicalCompare(t *testing.T) {
	long := strings.Repeat("1.", 40) + "0"
	cases := []string{"1", "1.0", "1.0-dev", "1.", "1.0-", "#", "#1", "-1", ".1", "1#", "1\x001",
		"dev-main", "1.0.0.0-RC1", "1.5+3-dev", "99999999999999999999", long, long + ".1", "1.0-bugfix"}
	for _, a := range cases {
		for _, b := range cases {
			got := CompareCanonical(Canonical(nil, a), Canonical(nil, b))
			if want := VersionCompare(a, b); got != want {
				t.Errorf("CompareCanonical(Canonical(%q), Canonical(%q)) = %d, VersionCompare gives %d", a, b, got, want)
			}
		}
	}
}

func FuzzCanonicalCompare(f *testing.F) {
	f.Add("1.0-beta2", "1.0")
	f.Add("1.", "1.")
	f.Fuzz(func(t *testing.T, a, b string) {
		ca, cb := Canonical(nil, a), Canonical(nil, b)
		if len(ca) == 0 || len(cb) == 0 {
			return // VersionCompare treats empty versions apart
		}
		if got, want := CompareCanonical(ca, cb), VersionCompare(a, b); got != want {
			t.Errorf("CompareCanonical(Canonical(%q), Canonical(%q)) = %d, VersionCompare gives %d", a, b, got, want)
		}
	})
}

func BenchmarkVersionCompare(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		VersionCompare("8.x-2.4-beta3", "8.x-2.4")
	}
}

package phpver

import "testing"

func TestIsNumeric(t *testing.T) {
	tests := []struct {
		s    string
		want bool
	}{
		{"1", true},
		{" 1", true},
		{"1 ", true},     // PHP 8 allows trailing whitespace
		{"\f1", true},    // \f counts as whitespace here, unlike in trim()
		{"1.", true},     // a dot without a fraction
		{".5", true},     // a fraction without an integer part
		{"1e3", true},    // exponents
		{"1e", false},    // an exponent needs digits
		{"0x1A", false},  // no hexadecimal
		{"1_000", false}, // no digit separators
		{"Inf", false},   // no words strconv would take
		{"", false},
		{" ", false},
		{"1\x00", false}, // NUL is not whitespace
	}
	for _, tt := range tests {
		if got := IsNumeric(tt.s); got != tt.want {
			t.Errorf("IsNumeric(%q) = %v, want %v", tt.s, got, tt.want)
		}
	}
}

func TestIsNumericOracle(t *testing.T) {
	for _, tt := range oracleNumeric {
		if got := IsNumeric(tt.s); got != tt.ok {
			t.Errorf("IsNumeric(%q) = %v, want %v", tt.s, got, tt.ok)
		}
	}
}

func TestCompareStrings(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"10", "9", 1}, // both numeric: numbers
		{"1", "01", 0}, // numerically equal
		{"1e3", "1000", 0},
		{"abc", "abd", -1}, // otherwise bytes
		{"10", "9a", -1},   // one side not numeric: bytes
		{"", "0", -1},
		// Integers compare exactly, not as floats.
		{"9007199254740993", "9007199254740992", 1},
		// An integer beyond PHP_INT_MAX is above every integer, whatever
		// float it rounds to.
		{"9223372036854775807", "9223372036854775808", -1},
		// Two integers overflowing to the same float compare as strings,
		{"99999999999999999999", "99999999999999999998", 1},
		// and so do two equal infinities.
		{"1e400", "2e400", -1},
	}
	for _, tt := range tests {
		if got := CompareStrings(tt.a, tt.b); got != tt.want {
			t.Errorf("CompareStrings(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestCompareStringsOracle(t *testing.T) {
	for i, a := range oracleStrings {
		for j, b := range oracleStrings {
			want := map[byte]int{'<': -1, '=': 0, '>': 1}[oracleStringCompare[i][j]]
			if got := CompareStrings(a, b); got != want {
				t.Errorf("CompareStrings(%q, %q) = %d, want %d", a, b, got, want)
			}
		}
	}
}

// FuzzNumeric checks that IsNumeric never panics and that CompareStrings
// is antisymmetric.
func FuzzNumeric(f *testing.F) {
	for _, tt := range oracleNumeric {
		f.Add(tt.s, "1")
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		IsNumeric(a)
		if ab, ba := CompareStrings(a, b), CompareStrings(b, a); ab != -ba {
			t.Errorf("CompareStrings(%q, %q) = %d but CompareStrings(%q, %q) = %d", a, b, ab, b, a, ba)
		}
	})
}

func TestAddOne(t *testing.T) {
	tests := []struct{ in, want string }{
		{"0", "1"},
		{"9", "10"},
		{"007", "8"},
		{"9223372036854775806", "9223372036854775807"},
		{"9223372036854775807", "9.2233720368548E+18"},
		{"99999999999999999999", "1.0E+20"},
	}
	for _, tt := range tests {
		if got := AddOne(tt.in); got != tt.want {
			t.Errorf("AddOne(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

package phpver

import (
	"strconv"
	"strings"
)

// isPHPSpace is the whitespace PHP 8 allows around a numeric string.
func isPHPSpace(r rune) bool {
	return r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\v' || r == '\f'
}

// IsNumeric reports whether PHP 8's is_numeric accepts s: optional
// surrounding whitespace, an optional sign, and a decimal integer, a decimal
// fraction or either with an exponent ("1", " 1", "1.", ".5", "1e3").
func IsNumeric(s string) bool {
	_, ok := Numeric(s)
	return ok
}

// Numeric returns the value PHP gives a numeric string, and whether s is one.
func Numeric(s string) (float64, bool) {
	// Fast path for the plain digit strings versions are made of.
	if len(s) > 0 && len(s) <= 15 {
		var n int64
		i := 0
		for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
			n = n*10 + int64(s[i]-'0')
		}
		if i == len(s) {
			return float64(n), true
		}
	}
	t := strings.TrimFunc(s, isPHPSpace)
	if t == "" || !numericBody(t) {
		return 0, false
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil {
		// Only overflow gets here; PHP turns it into INF, which compares
		// the same way.
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			return f, true
		}
		return 0, false
	}
	return f, true
}

// numericBody checks the grammar itself, because strconv.ParseFloat also
// accepts forms PHP rejects ("Inf", "0x1p-2", "1_000").
func numericBody(t string) bool {
	i := 0
	if t[i] == '+' || t[i] == '-' {
		i++
	}
	digits := 0
	for i < len(t) && t[i] >= '0' && t[i] <= '9' {
		i++
		digits++
	}
	if i < len(t) && t[i] == '.' {
		i++
		for i < len(t) && t[i] >= '0' && t[i] <= '9' {
			i++
			digits++
		}
	}
	if digits == 0 {
		return false
	}
	if i < len(t) && (t[i] == 'e' || t[i] == 'E') {
		i++
		if i < len(t) && (t[i] == '+' || t[i] == '-') {
			i++
		}
		exp := 0
		for i < len(t) && t[i] >= '0' && t[i] <= '9' {
			i++
			exp++
		}
		if exp == 0 {
			return false
		}
	}
	return i == len(t)
}

// CompareStrings is PHP 8's `<=>` between two strings: numerically when both
// are numeric strings ("10" > "9", "1" == "01"), byte-wise otherwise.
func CompareStrings(a, b string) int {
	if x, ok := Numeric(a); ok {
		if y, ok := Numeric(b); ok {
			switch {
			case x < y:
				return -1
			case x > y:
				return 1
			}
			return 0
		}
	}
	return strings.Compare(a, b)
}

package phpver

import (
	"cmp"
	"math"
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
//
// The numeric comparison is zendi_smart_strcmp's: integers that fit in 64
// bits compare exactly, an integer string beyond them is above (or below)
// every integer, and two that overflow to the same float, or two equal
// infinities, fall back to comparing bytes.
func CompareStrings(a, b string) int {
	x, ok := numericParts(a)
	if !ok {
		return strings.Compare(a, b)
	}
	y, ok := numericParts(b)
	if !ok {
		return strings.Compare(a, b)
	}
	if x.overflow != 0 && x.overflow == y.overflow && x.f-y.f == 0 {
		return strings.Compare(a, b)
	}
	if x.isInt && y.isInt {
		return cmp.Compare(x.i, y.i)
	}
	switch {
	case x.isInt:
		if y.overflow != 0 {
			return -y.overflow
		}
		x.f = float64(x.i)
	case y.isInt:
		if x.overflow != 0 {
			return x.overflow
		}
		y.f = float64(y.i)
	case x.f == y.f && math.IsInf(x.f, 0):
		return strings.Compare(a, b)
	}
	return cmp.Compare(x.f-y.f, 0)
}

// numeric is what PHP's is_numeric_string_ex tells about a numeric string:
// an integer, or a float, and for an integer string too large for 64 bits
// the direction it overflowed in.
type numeric struct {
	isInt    bool
	i        int64
	f        float64
	overflow int
}

// longMinDigits are the digits of PHP_INT_MIN, which PHP compares a
// 19-digit integer string with to detect overflow.
const longMinDigits = "9223372036854775808"

func numericParts(s string) (numeric, bool) {
	// Fast path: plain digits that cannot overflow, like feed dates.
	if len(s) > 0 && len(s) <= 18 {
		var n int64
		i := 0
		for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
			n = n*10 + int64(s[i]-'0')
		}
		if i == len(s) {
			return numeric{isInt: true, i: n}, true
		}
	}
	f, ok := Numeric(s)
	if !ok {
		return numeric{}, false
	}
	t := strings.TrimLeftFunc(s, isPHPSpace)
	if strings.ContainsAny(t, ".eE") {
		return numeric{f: f}, true
	}
	neg := t[0] == '-'
	sign := 1
	if neg {
		sign = -1
	}
	body := strings.TrimLeft(strings.TrimLeft(t, "+-"), "0")
	digits := len(body) - len(strings.TrimLeft(body, "0123456789"))
	if digits >= 20 {
		return numeric{f: f, overflow: sign}, true
	}
	if digits == 19 {
		// PHP runs strcmp from the first significant digit to the end of
		// the string, trailing whitespace included.
		if c := strings.Compare(body, longMinDigits); !(c < 0 || (c == 0 && neg)) {
			return numeric{f: f, overflow: sign}, true
		}
	}
	i, err := strconv.ParseInt(strings.TrimRightFunc(t, isPHPSpace), 10, 64)
	if err != nil {
		// Only "+" signs and PHP_INT_MIN need help from ParseInt's
		// perspective; both are covered above or parse fine.
		return numeric{f: f}, true
	}
	return numeric{isInt: true, i: i}, true
}

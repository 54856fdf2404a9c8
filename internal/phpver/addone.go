package phpver

import (
	"math"
	"strconv"
	"strings"
)

// AddOne is PHP's `$digits + 1` on a string of ASCII digits, printed back
// as PHP prints the result: an integer while it fits in 64 bits, otherwise a
// float in PHP's 14-digit notation ("99999999999999999999" + 1 is
// "1.0E+20"). Drupal bumps the major of branch constraints this way
// (">99999999999999999999.x"), and Composer its upper bounds.
func AddOne(digits string) string {
	significant := strings.TrimLeft(digits, "0")
	if len(significant) < 19 || (len(significant) == 19 && significant < "9223372036854775807") {
		n, _ := strconv.ParseInt("0"+significant, 10, 64)
		return strconv.FormatInt(n+1, 10)
	}
	// At or beyond PHP_INT_MAX the sum is a float. ParseFloat rounds
	// correctly, as PHP's strtod does, and saturates to +Inf.
	f, _ := strconv.ParseFloat(digits, 64)
	return phpFloatString(f + 1)
}

// phpFloatString is PHP 8's string conversion of a float with the default
// precision of 14 for the large values AddOne produces: exponent form
// ("9.2233720368548E+18", "1.0E+20"), or INF.
func phpFloatString(f float64) string {
	if math.IsInf(f, 1) {
		return "INF"
	}
	if f < 1e15 {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	s := strconv.FormatFloat(f, 'e', 13, 64) // d.ddddddddddddde+XX
	mantissa, exp, _ := strings.Cut(s, "e+")
	mantissa = strings.TrimRight(mantissa, "0")
	if strings.HasSuffix(mantissa, ".") {
		mantissa += "0"
	}
	e, _ := strconv.Atoi(exp)
	return mantissa + "E+" + strconv.Itoa(e)
}

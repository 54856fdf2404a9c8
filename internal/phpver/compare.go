package phpver

// VersionCompare is PHP's version_compare(a, b): -1, 0 or 1.
//
// Both strings are first canonicalised: "-", "_" and "+" become ".", a "."
// is put wherever a digit meets a non-digit, any other non-alphanumeric
// becomes ".", never doubling a dot (the first byte is kept as it is). The
// dot-separated pieces are then compared in turn: two numbers numerically,
// two words by the rank of their prefix (anything else < dev < alpha = a <
// beta = b < RC = rc < number < pl = p), a number against a word by the
// number's rank. When one side runs out, a remaining number makes its side
// greater and a remaining word is compared against a number. An empty
// string is lower than anything else.
func VersionCompare(a, b string) int {
	if a == "" || b == "" {
		switch {
		case a == "" && b == "":
			return 0
		case a != "":
			return 1
		}
		return -1
	}
	return compareCanonical(canonical(a), canonical(b))
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isAlnum(c byte) bool {
	return isDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

// canonical is php_canonicalize_version. A string starting with "#" is
// used as it is, as PHP does for its internal "#N#" marker.
func canonical(v string) string {
	if v[0] == '#' {
		return v
	}
	buf := make([]byte, 0, 2*len(v))
	buf = append(buf, v[0])
	lp := v[0]
	for i := 1; i < len(v); i++ {
		c := v[i]
		last := buf[len(buf)-1]
		switch {
		case c == '-' || c == '_' || c == '+':
			if last != '.' {
				buf = append(buf, '.')
			}
		case (lp != '.' && !isDigit(lp) && isDigit(c)) || (isDigit(lp) && c != '.' && !isDigit(c)):
			if last != '.' {
				buf = append(buf, '.')
			}
			buf = append(buf, c)
		case !isAlnum(c):
			if last != '.' {
				buf = append(buf, '.')
			}
		default:
			buf = append(buf, c)
		}
		lp = c
	}
	return string(buf)
}

// compareCanonical walks both canonical strings piece by piece, mirroring
// the C loop (including its handling of empty pieces).
func compareCanonical(v1, v2 string) int {
	p1, p2 := 0, 0
	n1, n2 := 0, 0 // -1 plays the role of a NULL strchr result
	at := func(s string, i int) byte {
		if i < len(s) {
			return s[i]
		}
		return 0
	}
	piece := func(s string, p int) (string, int) {
		for i := p; i < len(s); i++ {
			if s[i] == '.' {
				return s[p:i], i
			}
		}
		return s[p:], -1
	}
	compare := 0
	for at(v1, p1) != 0 && at(v2, p2) != 0 && n1 >= 0 && n2 >= 0 {
		var s1, s2 string
		s1, n1 = piece(v1, p1)
		s2, n2 = piece(v2, p2)
		d1, d2 := at(s1, 0), at(s2, 0)
		switch {
		case isDigit(d1) && isDigit(d2):
			compare = sign(strtol(s1) - strtol(s2))
		case !isDigit(d1) && !isDigit(d2):
			compare = compareSpecial(s1, s2)
		case isDigit(d1):
			compare = compareSpecial("#N#", s2)
		default:
			compare = compareSpecial(s1, "#N#")
		}
		if compare != 0 {
			break
		}
		if n1 >= 0 {
			p1 = n1 + 1
		}
		if n2 >= 0 {
			p2 = n2 + 1
		}
	}
	if compare == 0 {
		switch {
		case n1 >= 0:
			if isDigit(at(v1, p1)) {
				compare = 1
			} else {
				compare = VersionCompare(v1[min(p1, len(v1)):], "#N#")
			}
		case n2 >= 0:
			if isDigit(at(v2, p2)) {
				compare = -1
			} else {
				compare = VersionCompare("#N#", v2[min(p2, len(v2)):])
			}
		}
	}
	return compare
}

// strtol reads the leading decimal digits, saturating like C's strtol.
func strtol(s string) int64 {
	var n int64
	for i := 0; i < len(s) && isDigit(s[i]); i++ {
		d := int64(s[i] - '0')
		if n > (1<<63-1-d)/10 {
			return 1<<63 - 1
		}
		n = n*10 + d
	}
	return n
}

func sign(n int64) int {
	switch {
	case n < 0:
		return -1
	case n > 0:
		return 1
	}
	return 0
}

var specialForms = []struct {
	name  string
	order int
}{
	{"dev", 0}, {"alpha", 1}, {"a", 1}, {"beta", 2}, {"b", 2},
	{"RC", 3}, {"rc", 3}, {"#", 4}, {"pl", 5}, {"p", 5},
}

// compareSpecial ranks two words by the first special form each starts with.
func compareSpecial(a, b string) int {
	rank := func(s string) int {
		for _, f := range specialForms {
			if len(s) >= len(f.name) && s[:len(f.name)] == f.name {
				return f.order
			}
		}
		return -1
	}
	return sign(int64(rank(a) - rank(b)))
}

// Operators version_compare accepts as its third argument.
var operators = map[string]func(int) bool{
	"<": func(c int) bool { return c < 0 }, "lt": func(c int) bool { return c < 0 },
	"<=": func(c int) bool { return c <= 0 }, "le": func(c int) bool { return c <= 0 },
	">": func(c int) bool { return c > 0 }, "gt": func(c int) bool { return c > 0 },
	">=": func(c int) bool { return c >= 0 }, "ge": func(c int) bool { return c >= 0 },
	"==": func(c int) bool { return c == 0 }, "eq": func(c int) bool { return c == 0 },
	"!=": func(c int) bool { return c != 0 }, "<>": func(c int) bool { return c != 0 }, "ne": func(c int) bool { return c != 0 },
}

// VersionCompareOp is version_compare(a, b, op). ok is false for an operator
// PHP does not know (PHP 8 throws a ValueError).
func VersionCompareOp(a, b, op string) (result, ok bool) {
	f, ok := operators[op]
	if !ok {
		return false, false
	}
	return f(VersionCompare(a, b)), true
}

package phpver

import (
	"cmp"
	"strings"
)

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
//
// PHP hands the C function NUL-terminated strings, so a NUL byte ends the
// version ("1\x00.5" compares as "1"). Beware that the result is not even
// reflexive on strings ending in a separator: version_compare("1.", "1.")
// is -1, in PHP as here.
//
// It does not allocate for versions of up to 64 bytes, since constraint
// matching calls it in hot loops.
func VersionCompare(a, b string) int {
	return compareRaw(cString(a), cString(b))
}

// Canonical appends php_canonicalize_version(v) to dst, for callers that
// compare one version many times: CompareCanonical on two canonical forms
// is VersionCompare on the originals, provided neither original is empty
// (or starts with a NUL byte), which VersionCompare treats apart.
func Canonical(dst []byte, v string) []byte {
	v = cString(v)
	if v == "" {
		return dst
	}
	return canonical(dst, v)
}

// cString is s as C sees it: up to the first NUL byte.
func cString(s string) string {
	if i := strings.IndexByte(s, 0); i >= 0 {
		return s[:i]
	}
	return s
}

// maxStack bounds the versions canonicalised into stack buffers; longer
// ones spill to the heap. Canonical forms are at most twice as long.
const maxStack = 64

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isAlnum(c byte) bool {
	return isDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

// numberMarker is the piece PHP compares a lone word against when the other
// side has run out ("#N#", ranked like a number).
const numberMarker = "#N#"

type text interface{ ~string | ~[]byte }

func compareRaw[A, B text](a A, b B) int {
	switch {
	case len(a) == 0 && len(b) == 0:
		return 0
	case len(a) == 0:
		return -1
	case len(b) == 0:
		return 1
	}
	var ba, bb [2 * maxStack]byte
	return CompareCanonical(canonical(ba[:0], a), canonical(bb[:0], b))
}

// canonical is php_canonicalize_version, appending to dst: "-", "_" and
// "+" become ".", a "." goes wherever a digit meets a non-digit, other
// non-alphanumerics become ".", and no dot is doubled. A string starting
// with "#" is PHP's internal marker and stays as it is.
func canonical[T text](dst []byte, v T) []byte {
	if v[0] == '#' {
		return append(dst, v...)
	}
	dst = append(dst, v[0])
	prev := v[0]
	for i := 1; i < len(v); i++ {
		c := v[i]
		last := dst[len(dst)-1]
		switch {
		case c == '-' || c == '_' || c == '+':
			if last != '.' {
				dst = append(dst, '.')
			}
		case (prev != '.' && !isDigit(prev) && isDigit(c)) || (isDigit(prev) && c != '.' && !isDigit(c)):
			if last != '.' {
				dst = append(dst, '.')
			}
			dst = append(dst, c)
		case !isAlnum(c):
			if last != '.' {
				dst = append(dst, '.')
			}
		default:
			dst = append(dst, c)
		}
		prev = c
	}
	return dst
}

// CompareCanonical walks two canonical versions piece by piece the way
// PHP's C loop does, including its treatment of empty pieces.
func CompareCanonical[A, B text](v1 A, v2 B) int {
	p1, p2, n1, n2 := 0, 0, 0, 0 // n < 0 stands for strchr's NULL
	compare := 0
	for byteAt(v1, p1) != 0 && byteAt(v2, p2) != 0 && n1 >= 0 && n2 >= 0 {
		var s1 A
		var s2 B
		s1, n1 = piece(v1, p1)
		s2, n2 = piece(v2, p2)
		d1, d2 := isDigit(byteAt(s1, 0)), isDigit(byteAt(s2, 0))
		switch {
		case d1 && d2:
			compare = cmp.Compare(leadingNumber(s1), leadingNumber(s2))
		case !d1 && !d2:
			compare = cmp.Compare(specialRank(s1), specialRank(s2))
		case d1:
			compare = cmp.Compare(specialRank(numberMarker), specialRank(s2))
		default:
			compare = cmp.Compare(specialRank(s1), specialRank(numberMarker))
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
			if isDigit(byteAt(v1, p1)) {
				return 1
			}
			return compareRaw(v1[min(p1, len(v1)):], numberMarker)
		case n2 >= 0:
			if isDigit(byteAt(v2, p2)) {
				return -1
			}
			return compareRaw(numberMarker, v2[min(p2, len(v2)):])
		}
	}
	return compare
}

// byteAt is s[i], or the NUL that ends a C string.
func byteAt[T text](s T, i int) byte {
	if i < len(s) {
		return s[i]
	}
	return 0
}

// piece returns the text from p to the next dot and the dot's index, or
// -1 when there is none (strchr returning NULL).
func piece[T text](s T, p int) (T, int) {
	for i := p; i < len(s); i++ {
		if s[i] == '.' {
			return s[p:i], i
		}
	}
	return s[p:], -1
}

// leadingNumber reads the leading digits, saturating like C's strtol.
func leadingNumber[T text](s T) int64 {
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

// specialRank ranks a word by the first special form it starts with:
// anything else < dev < alpha = a < beta = b < RC = rc < number < pl = p.
func specialRank[T text](s T) int {
	forms := [...]struct {
		name string
		rank int
	}{
		{"dev", 0}, {"alpha", 1}, {"a", 1}, {"beta", 2}, {"b", 2},
		{"RC", 3}, {"rc", 3}, {"#", 4}, {"pl", 5}, {"p", 5},
	}
	for _, f := range forms {
		if len(s) >= len(f.name) && string(s[:len(f.name)]) == f.name {
			return f.rank
		}
	}
	return -1
}

// Operators version_compare accepts as its third argument.
var operators = map[string]func(int) bool{
	"<": func(c int) bool { return c < 0 }, "lt": func(c int) bool { return c < 0 },
	"<=": func(c int) bool { return c <= 0 }, "le": func(c int) bool { return c <= 0 },
	">": func(c int) bool { return c > 0 }, "gt": func(c int) bool { return c > 0 },
	">=": func(c int) bool { return c >= 0 }, "ge": func(c int) bool { return c >= 0 },
	"==": func(c int) bool { return c == 0 }, "=": func(c int) bool { return c == 0 }, "eq": func(c int) bool { return c == 0 },
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

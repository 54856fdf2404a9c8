package composer

import "strings"

// Composer reads versions with PCRE patterns and PHP string functions. The
// helpers below give the exact PHP and PCRE meaning of the few character
// classes and anchors those patterns use, so that the hand-written scanners
// elsewhere in the package agree with them byte for byte.

// isSpace is PCRE's \s without Unicode support: space, \t, \n, \v, \f, \r.
func isSpace(c byte) bool {
	switch c {
	case ' ', '\t', '\n', '\v', '\f', '\r':
		return true
	}
	return false
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isAlnum(c byte) bool {
	return isDigit(c) || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z')
}

// atEnd is PCRE's "$" (neither multiline nor dollar-end-only): the end of
// the subject, or a newline that is its last byte. Composer's patterns never
// set /D, so "1.0\n" ends where "1.0" does.
func atEnd(s string, i int) bool {
	return i == len(s) || (i == len(s)-1 && s[i] == '\n')
}

// phpTrim is PHP's trim() with its default list, which (unlike \s) has NUL
// and lacks \f.
func phpTrim(s string) string { return strings.Trim(s, " \t\n\r\x00\x0b") }

// hasPrefixFold is a case-insensitive prefix test for ASCII prefixes, as
// PCRE's /i and PHP's stripos see them outside any locale.
func hasPrefixFold(s, prefix string) bool {
	if len(s) < len(prefix) {
		return false
	}
	for i := 0; i < len(prefix); i++ {
		if lowerByte(s[i]) != lowerByte(prefix[i]) {
			return false
		}
	}
	return true
}

func lowerByte(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// asciiLower is PHP 8.2's strtolower, which leaves bytes above 0x7f alone
// (strings.ToLower would fold UTF-8 letters too).
func asciiLower(s string) string {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				b[j] = lowerByte(b[j])
			}
			return string(b)
		}
	}
	return s
}

// digitsFrom returns the end of the run of ASCII digits starting at i.
func digitsFrom(s string, i int) int {
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	return i
}

package sa

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// MaxFieldLen caps every text field of an RSS item, a psa.json advisory
// and a Composer advisory, in bytes.
const MaxFieldLen = 4096

// cleanText makes s a one-line plain-text field: runs of white space
// (no-break spaces included) become one space, and control and format
// characters (bidi overrides, zero-width joiners) and the non-characters
// U+FFFE and U+FFFF are dropped, so that a field prints as what it says
// and survives being written into XML again.
func cleanText(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			space = b.Len() > 0
			continue
		case unicode.IsControl(r), unicode.Is(unicode.Cf, r), r == 0xFFFE, r == 0xFFFF:
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// cut shortens s to at most n bytes without splitting a character, for
// naming entries in warnings.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// utc returns t in UTC to the second, or the zero time when its UTC year
// is outside 1 to 9999: such dates are nonsense here and do not survive
// formatting.
func utc(t time.Time) time.Time {
	t = t.UTC().Truncate(time.Second)
	if t.Year() < 1 || t.Year() > 9999 {
		return time.Time{}
	}
	return t
}

package composer

import (
	"errors"
	"fmt"
	"strings"
)

// ErrInvalidVersion is wrapped by every error about a version string that
// Composer's VersionParser::normalize rejects.
var ErrInvalidVersion = errors.New("invalid version")

// Normalize is Composer's VersionParser::normalize: it turns a version
// string into the four-part form Composer compares ("1.0" → "1.0.0.0",
// "v2.1-beta2" → "2.1.0.0-beta2", "1.x-dev" → "1.9999999.9999999.9999999-dev",
// "master" → "dev-master", "2010-01-02" → "2010.01.02").
//
// Composer's quirks are kept: an alias ("1.0 as 2.0") and a stability flag
// ("@dev") are dropped, build metadata ("+foo") is ignored, a date-like
// version keeps its own shape, and normalizing a result again is not always
// a no-op ("2010.01.02" becomes "2010.01.02.0", "1.0-STABLE" becomes
// "1.0.0.0-stable" and then "1.0.0.0").
func Normalize(version string) (string, error) {
	if n, ok := normalize(version); ok {
		return n, nil
	}
	return "", fmt.Errorf("normalize %q: %w", version, ErrInvalidVersion)
}

func normalize(version string) (string, bool) {
	v := phpTrim(version)
	if a, ok := cutAlias(v); ok {
		v = a
	}
	if n := stabilityFlagLen(v); n > 0 {
		// Composer cuts as many bytes as the flag has from the end, even
		// when a final newline follows the flag.
		v = v[:len(v)-n]
	}
	switch v {
	case "master", "trunk", "default":
		v = "dev-" + v
	}
	if hasPrefixFold(v, "dev-") {
		return "dev-" + v[4:], true
	}
	if b, ok := cutBuildMetadata(v); ok {
		v = b
	}
	if n, ok := classicalVersion(v); ok {
		return n, true
	}
	if n, ok := datedVersion(v); ok {
		return n, true
	}
	if name, ok := devBranchName(v); ok {
		// "foo-dev" is not a version; only numeric branches ("2.1.x-dev")
		// normalize, and normalizeBranch marks the others with "dev-".
		if n := normalizeBranch(name); !strings.Contains(n, "dev-") {
			return n, true
		}
	}
	return "", false
}

// cutAlias recognises "<version> as <alias>" (one token each side, spaces
// only between) and returns the version.
func cutAlias(s string) (string, bool) {
	i := 0
	for i < len(s) && s[i] != ',' && !isSpace(s[i]) {
		i++
	}
	j := i
	for j < len(s) && s[j] == ' ' {
		j++
	}
	if i == 0 || j == i || !strings.HasPrefix(s[j:], "as") {
		return "", false
	}
	k := j + 2
	m := k
	for m < len(s) && s[m] == ' ' {
		m++
	}
	n := m
	for n < len(s) && s[n] != ',' && !isSpace(s[n]) {
		n++
	}
	if m == k || n == m || !atEnd(s, n) {
		return "", false
	}
	return s[:i], true
}

// flagWords are the stabilities a trailing "@flag" may name.
var flagWords = [...]string{"stable", "RC", "beta", "alpha", "dev"}

// stabilityFlagLen is the length of a trailing "@stable", "@RC", "@beta",
// "@alpha" or "@dev" (any case), or 0.
func stabilityFlagLen(s string) int {
	for i := strings.IndexByte(s, '@'); i >= 0; {
		for _, w := range flagWords {
			if hasPrefixFold(s[i+1:], w) && atEnd(s, i+1+len(w)) {
				return 1 + len(w)
			}
		}
		next := strings.IndexByte(s[i+1:], '@')
		if next < 0 {
			break
		}
		i += 1 + next
	}
	return 0
}

// cutBuildMetadata drops "+metadata" from "<token>+<metadata>", where the
// token has no comma, plus or space and the metadata no space.
func cutBuildMetadata(s string) (string, bool) {
	i := 0
	for i < len(s) && s[i] != ',' && s[i] != '+' && !isSpace(s[i]) {
		i++
	}
	if i == 0 || i == len(s) || s[i] != '+' {
		return "", false
	}
	j := i + 1
	for j < len(s) && !isSpace(s[j]) {
		j++
	}
	if j == i+1 || !atEnd(s, j) {
		return "", false
	}
	return s[:i], true
}

// classicalVersion reads "[v]N[.N[.N[.N]]]<modifier>" with a major of at
// most five digits and pads it to four parts.
func classicalVersion(s string) (string, bool) {
	p := 0
	if p < len(s) && (s[p] == 'v' || s[p] == 'V') {
		p++
	}
	start := p
	for p < len(s) && p-start < 5 && isDigit(s[p]) {
		p++
	}
	if p == start {
		return "", false
	}
	var b strings.Builder
	b.WriteString(s[start:p])
	parts := 1
	for ; parts < 4 && p+1 < len(s) && s[p] == '.' && isDigit(s[p+1]); parts++ {
		q := digitsFrom(s, p+1)
		b.WriteString(s[p:q])
		p = q
	}
	for ; parts < 4; parts++ {
		b.WriteString(".0")
	}
	m, ok := matchModifier(s, p, true, func(i int) bool { return atEnd(s, i) })
	if !ok {
		return "", false
	}
	return m.apply(b.String()), true
}

// datedVersion reads date-like versions: four digits, one to six groups of
// two digits and up to two groups of one to three digits, each optionally
// preceded by ".", ":" or "-" (composer/semver 3.4; 3.3 allowed only one
// short group). Separators become dots.
func datedVersion(s string) (string, bool) {
	p := 0
	if p < len(s) && (s[p] == 'v' || s[p] == 'V') {
		p++
	}
	var out string
	ok := dateEnds(s, p, func(end int) bool {
		m, ok := matchModifier(s, end, true, func(i int) bool { return atEnd(s, i) })
		if ok {
			b := []byte(s[p:end])
			for i, c := range b {
				if !isDigit(c) {
					b[i] = '.'
				}
			}
			out = m.apply(string(b))
		}
		return ok
	})
	return out, ok
}

func isDateSep(c byte) bool { return c == '.' || c == ':' || c == '-' }

// dateEnds offers each place the date part starting at p can end, in the
// order a backtracking matcher tries them, until accept takes one.
func dateEnds(s string, p int, accept func(end int) bool) bool {
	digitsAt := func(i, n int) bool {
		if i+n > len(s) {
			return false
		}
		for k := i; k < i+n; k++ {
			if !isDigit(s[k]) {
				return false
			}
		}
		return true
	}
	// Up to two trailing groups of one to three digits, longest first.
	var short func(q, n int) bool
	short = func(q, n int) bool {
		if n < 2 {
			starts := [2]int{-1, q}
			if q < len(s) && isDateSep(s[q]) {
				starts[0] = q + 1
			}
			for _, st := range starts {
				if st < 0 {
					continue
				}
				for k := 3; k >= 1; k-- {
					if digitsAt(st, k) && short(st+k, n+1) {
						return true
					}
				}
			}
		}
		return accept(q)
	}
	// One to six groups of two digits, as many as possible first.
	var pairs func(q, n int) bool
	pairs = func(q, n int) bool {
		if n < 6 {
			if q < len(s) && isDateSep(s[q]) && digitsAt(q+1, 2) && pairs(q+3, n+1) {
				return true
			}
			if digitsAt(q, 2) && pairs(q+2, n+1) {
				return true
			}
		}
		return n >= 1 && short(q, 0)
	}
	return digitsAt(p, 4) && pairs(p+4, 0)
}

// devBranchName finds the "<name>" of "<name>[.-]dev" (any case). Like the
// unanchored lazy pattern Composer uses, the name cannot span a newline, so
// only the text after the last newline counts.
func devBranchName(s string) (string, bool) {
	e := len(s)
	if !(e >= 3 && hasPrefixFold(s[e-3:], "dev")) {
		if e >= 4 && s[e-1] == '\n' && hasPrefixFold(s[e-4:], "dev") {
			e--
		} else {
			return "", false
		}
	}
	t := e - 3
	if t >= 1 && (s[t-1] == '.' || s[t-1] == '-') {
		t--
	}
	start := strings.LastIndexByte(s[:t], '\n') + 1
	return s[start:t], true
}

// normalizeBranch is VersionParser::normalizeBranch: "1.2.x" becomes
// "1.2.9999999.9999999-dev", anything that is not numeric becomes
// "dev-<name>".
func normalizeBranch(name string) string {
	name = phpTrim(name)
	p := 0
	if p < len(name) && (name[p] == 'v' || name[p] == 'V') {
		p++
	}
	q := digitsFrom(name, p)
	if q == p {
		return "dev-" + name
	}
	parts := []string{name[p:q]}
	p = q
	for len(parts) < 4 && p+1 < len(name) && name[p] == '.' {
		switch c := name[p+1]; {
		case isDigit(c):
			q = digitsFrom(name, p+1)
		case c == 'x' || c == 'X' || c == '*':
			q = p + 2
		default:
			q = -1
		}
		if q < 0 {
			break
		}
		parts = append(parts, name[p:q])
		p = q
	}
	if !atEnd(name, p) {
		return "dev-" + name
	}
	var b strings.Builder
	for i := 0; i < 4; i++ {
		if i < len(parts) {
			b.WriteString(parts[i])
		} else {
			b.WriteString(".x")
		}
	}
	v := strings.NewReplacer("*", "x", "X", "x").Replace(b.String())
	return strings.ReplaceAll(v, "x", "9999999") + "-dev"
}

// A modifier is what follows the numbers of a version: an optional
// separator, a stability word with its number ("-beta2", ".RC.1") and a
// dev suffix ("-dev"), each part optional. Fields hold the text as written.
type modifier struct {
	word   string // stable, beta, b, RC, alpha, a, patch, pl or p
	number string // digits, possibly with "." or "-" between them
	dev    string // "dev" with its separator
}

// modifierWords in the order Composer's alternation tries them.
var modifierWords = [...]string{"stable", "beta", "b", "RC", "alpha", "a", "patch", "pl", "p"}

// matchModifier matches a modifier at p followed by whatever tail accepts,
// trying the choices in the order a backtracking matcher would and
// returning the first that works. fold makes the words case-insensitive.
func matchModifier(s string, p int, fold bool, tail func(int) bool) (modifier, bool) {
	has := func(i int, w string) bool {
		if fold {
			return hasPrefixFold(s[i:], w)
		}
		return strings.HasPrefix(s[i:], w)
	}
	dev := func(i int) (string, bool) {
		if i < len(s) && (s[i] == '.' || s[i] == '-') && has(i+1, "dev") && tail(i+4) {
			return s[i : i+4], true
		}
		if has(i, "dev") && tail(i+3) {
			return s[i : i+3], true
		}
		return "", tail(i)
	}
	var starts [2]int
	n := 0
	if p < len(s) && (s[p] == '.' || s[p] == '_' || s[p] == '-') {
		starts[n] = p + 1
		n++
	}
	starts[n] = p
	n++
	for _, q := range starts[:n] {
		for _, w := range modifierWords {
			if !has(q, w) {
				continue
			}
			r := q + len(w)
			// The number is possessive: it takes every "[.-]digits" run.
			d := r
			for d < len(s) {
				if isDigit(s[d]) {
					d = digitsFrom(s, d)
				} else if (s[d] == '.' || s[d] == '-') && d+1 < len(s) && isDigit(s[d+1]) {
					d = digitsFrom(s, d+1)
				} else {
					break
				}
			}
			if dv, ok := dev(d); ok {
				return modifier{word: s[q:r], number: s[r:d], dev: dv}, true
			}
		}
		if dv, ok := dev(q); ok {
			return modifier{dev: dv}, true
		}
	}
	return modifier{}, false
}

// apply appends the modifier to a normalized number the way normalize
// does: "-" + the expanded stability + the number, then "-dev". A word
// spelled exactly "stable" drops the whole modifier, dev suffix included.
func (m modifier) apply(version string) string {
	if m.word != "" {
		if m.word == "stable" {
			return version
		}
		version += "-" + expandStability(m.word) + strings.TrimLeft(m.number, ".-")
	}
	if m.dev != "" {
		version += "-dev"
	}
	return version
}

func expandStability(word string) string {
	switch w := asciiLower(word); w {
	case "a":
		return "alpha"
	case "b":
		return "beta"
	case "p", "pl":
		return "patch"
	case "rc":
		return "RC"
	default:
		return w
	}
}

// Stabilities, from least to most stable, as ParseStability returns them.
const (
	StabilityDev    = "dev"
	StabilityAlpha  = "alpha"
	StabilityBeta   = "beta"
	StabilityRC     = "RC"
	StabilityStable = "stable"
)

// ParseStability is Composer's VersionParser::parseStability: the
// stability a version string announces ("stable", "RC", "beta", "alpha" or
// "dev"). It accepts any string; text it cannot read counts as stable, and
// "patch" releases are stable.
func ParseStability(version string) string {
	v := stripReference(version)
	if strings.HasPrefix(v, "dev-") || strings.HasSuffix(v, "-dev") {
		return StabilityDev
	}
	l := asciiLower(v)
	plusTail := func(i int) bool {
		if i < len(l) && l[i] == '+' {
			j := i + 1 + strings.IndexByte(l[i+1:], '\n')
			if j == i {
				j = len(l)
			}
			if atEnd(l, j) {
				return true
			}
		}
		return atEnd(l, i)
	}
	var m modifier
	for p := 0; p <= len(l); p++ {
		var ok bool
		if m, ok = matchModifier(l, p, true, plusTail); ok {
			break
		}
	}
	switch {
	case m.dev != "":
		return StabilityDev
	case m.word == "beta" || m.word == "b":
		return StabilityBeta
	case m.word == "alpha" || m.word == "a":
		return StabilityAlpha
	case m.word == "rc":
		return StabilityRC
	}
	return StabilityStable
}

// stripReference removes a "#reference" suffix: from the first "#" that
// has at least one byte after it and no newline before the end (a final
// newline is kept).
func stripReference(s string) string {
	body := s
	if strings.HasSuffix(body, "\n") {
		body = body[:len(body)-1]
	}
	from := strings.LastIndexByte(body, '\n') + 1
	i := strings.IndexByte(body[from:], '#')
	if i < 0 || from+i+1 >= len(body) {
		return s
	}
	return s[:from+i] + s[len(body):]
}

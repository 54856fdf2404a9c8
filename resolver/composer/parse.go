package composer

import (
	"errors"
	"fmt"
	"github.com/drupdate/drupdate/internal/phpver"
	"strings"
)

// ErrInvalidConstraint is wrapped by every error about a constraint string
// that Composer's VersionParser::parseConstraints rejects.
var ErrInvalidConstraint = errors.New("invalid constraint")

// ParseConstraint is Composer's VersionParser::parseConstraints. It reads
// "||" or "|" as OR and "," or a space as AND, and within those:
//
//   - comparisons: "1.0", "=1.0", "==1.0", "!=1.0", "<>1.0", "<1.0",
//     "<=1.0", ">1.0", ">=1.0" ("<" and ">=" reach down to the -dev
//     pre-release of a stable version, so "<2.0" excludes "2.0-beta1");
//   - caret "^1.2" (>=1.2.0.0-dev <2.0.0.0-dev) and tilde "~1.2"
//     (>=1.2.0.0-dev <2.0.0.0-dev), "~1.2.3" (<1.3.0.0-dev);
//   - wildcards "*", "1.*", "1.2.x" and hyphen ranges "1.0 - 2.0";
//   - branches "dev-main", "2.x-dev", and "@dev"/"@beta"/… flags, aliases
//     ("1.0 as 2.0") and "#reference" suffixes, which are dropped.
//
// Pre-releases are not special: "^9" is ">=9.0.0.0-dev <10.0.0.0-dev" and so
// accepts "9.1.0-beta1". The result is compiled once and matched cheaply.
func ParseConstraint(s string) (Constraint, error) {
	c, err := parseConstraints(s)
	if err != nil {
		return Constraint{}, fmt.Errorf("parse constraint %q: %w", s, err)
	}
	return c, nil
}

func parseConstraints(s string) (Constraint, error) {
	var groups [][]leaf
	for _, alternative := range splitOr(phpTrim(s)) {
		var group []leaf
		for _, part := range splitAnd(alternative) {
			leaves, err := parseOne(part)
			if err != nil {
				return Constraint{}, err
			}
			group = append(group, leaves...)
		}
		groups = append(groups, group)
	}
	c := Constraint{source: s}
	if len(groups) > 1 {
		groups = mergeAdjacentRanges(groups)
	}
	c.or = groups
	// Composer keeps a lone comparison as it is instead of wrapping it, and
	// then compares it against the version from the other side, which
	// matters for "==" and "!=".
	c.bare = len(groups) == 1 && len(groups[0]) == 1
	return c, nil
}

// splitOr splits on "|" or "||" with the whitespace around them.
func splitOr(s string) []string {
	var parts []string
	for {
		bar := strings.IndexByte(s, '|')
		if bar < 0 {
			return append(parts, s)
		}
		start := bar
		for start > 0 && isSpace(s[start-1]) {
			start--
		}
		end := bar + 1
		if end < len(s) && s[end] == '|' {
			end++
		}
		for end < len(s) && isSpace(s[end]) {
			end++
		}
		parts = append(parts, s[:start])
		s = s[end:]
	}
}

// splitAnd splits one alternative into its AND-ed parts. Composer splits at
// a comma or space (with spaces around it) except right after an operator,
// a comma or "as", around a "-" (hyphen ranges), or before a comma, "as" or
// the end; the search is re-created here position by position.
func splitAnd(s string) []string {
	var parts []string
	from := 0
	for i := 1; i < len(s); i++ {
		if e, ok := andSeparator(s, i); ok {
			parts = append(parts, s[from:i])
			from = e
			i = e - 1
		}
	}
	return append(parts, s[from:])
}

// andSeparator tries to match Composer's AND separator starting at i and
// returns where it ends.
func andSeparator(s string, i int) (int, bool) {
	if i == 0 || strings.HasSuffix(s[:i], "as") || strings.IndexByte("=>< ,", s[i-1]) >= 0 {
		return 0, false
	}
	n1 := 0
	for i+n1 < len(s) && s[i+n1] == ' ' {
		n1++
	}
	for k1 := n1; k1 >= 0; k1-- {
		j := i + k1
		if j >= len(s) || (s[j] != ',' && s[j] != ' ') || s[j-1] == '-' {
			continue
		}
		j++
		if j < len(s) && s[j] == '-' {
			continue
		}
		n2 := 0
		for j+n2 < len(s) && s[j+n2] == ' ' {
			n2++
		}
		for k2 := n2; k2 >= 0; k2-- {
			e := j + k2
			if (e < len(s) && s[e] == ',') || strings.HasPrefix(s[e:], "as") || atEnd(s, e) {
				continue
			}
			return e, true
		}
	}
	return 0, false
}

// parseOne is VersionParser::parseConstraint: one AND-ed part, which may
// stand for one or two comparisons.
func parseOne(c string) ([]leaf, error) {
	if a, ok := cutAlias(c); ok {
		c = a
	}
	var flag string
	if pre, word, ok := cutConstraintFlag(c); ok {
		c = pre
		if c == "" {
			c = "*"
		}
		if word != "stable" {
			flag = word
		}
	}
	if r, ok := cutReference(c); ok {
		c = r
	}
	if hasV, dotted, ok := matchWildcard(c); ok {
		if hasV || dotted {
			return []leaf{newLeaf(opGE, "0.0.0.0-dev")}, nil
		}
		return []leaf{{any: true}}, nil
	}
	if strings.HasPrefix(c, "~") {
		if leaves, ok, err := tildeRange(c); ok {
			return leaves, err
		}
	}
	if strings.HasPrefix(c, "^") {
		if m, ok := matchVersion(c, 1, func(i int) bool { return atEnd(c, i) }); ok {
			return caretRange(c, m)
		}
	}
	if leaves, ok := wildcardRange(c); ok {
		return leaves, nil
	}
	if leaves, ok, err := hyphenRange(c); ok {
		return leaves, err
	}
	return comparison(c, flag)
}

// cutConstraintFlag splits "<token>@<stability>" (any case; the token may
// be empty but has no comma or space) and returns the flag as written.
func cutConstraintFlag(s string) (string, string, bool) {
	for i := 0; i < len(s) && s[i] != ',' && !isSpace(s[i]); i++ {
		if s[i] != '@' {
			continue
		}
		for _, w := range flagWords {
			if hasPrefixFold(s[i+1:], w) && atEnd(s, i+1+len(w)) {
				return s[:i], s[i+1 : i+1+len(w)], true
			}
		}
	}
	return "", "", false
}

// cutReference drops the "#<ref>" Composer allows after "dev-<branch>" and
// "<branch>.x-dev".
func cutReference(s string) (string, bool) {
	inToken := func(c byte) bool { return c != ',' && c != '@' && !isSpace(c) }
	// "#" then ".+$": at least one byte and no newline up to the end, a
	// final newline aside.
	end := len(s)
	if strings.HasSuffix(s, "\n") {
		end--
	}
	lastNewline := strings.LastIndexByte(s[:end], '\n')
	refAt := func(i int) bool {
		return i < len(s) && s[i] == '#' && i > lastNewline && i+1 < end
	}
	if hasPrefixFold(s, "dev-") {
		for k := 5; k <= len(s) && inToken(s[k-1]); k++ {
			if refAt(k) {
				return s[:k], true
			}
		}
	}
	for k := 1; k <= len(s) && inToken(s[k-1]); k++ {
		if k < len(s) && s[k] == '.' && hasPrefixFold(s[k+1:], "x-dev") && refAt(k+6) {
			return s[:k+6], true
		}
	}
	return "", false
}

// matchWildcard recognises "*", "x", "v*", "*.*" and the like. Composer
// turns a plain wildcard into "match all" but one with a "v" or a dot into
// ">=0.0.0.0-dev", which excludes branches.
func matchWildcard(s string) (hasV, dotted, ok bool) {
	p := 0
	if p < len(s) && (s[p] == 'v' || s[p] == 'V') {
		p++
		hasV = true
	}
	isX := func(c byte) bool { return c == 'x' || c == 'X' || c == '*' }
	if p >= len(s) || !isX(s[p]) {
		return false, false, false
	}
	p++
	for p+1 < len(s) && s[p] == '.' && isX(s[p+1]) {
		p += 2
		dotted = true
	}
	return hasV, dotted, atEnd(s, p)
}

// versionMatch holds what Composer's version sub-pattern captured: up to
// four numbers, the modifier, and an "x-dev" wildcard branch.
type versionMatch struct {
	num  [4]string // "" when absent
	mod  modifier
	xdev string // e.g. "x-dev" in "1.2.x-dev"
	end  int
}

// matchVersion matches "[v]N[.N[.N[.N]]]" followed by a modifier or by
// ".x-dev", then optional "+metadata", at p, such that tail accepts where
// it ends.
func matchVersion(s string, p int, tail func(int) bool) (versionMatch, bool) {
	var m versionMatch
	if p < len(s) && (s[p] == 'v' || s[p] == 'V') {
		p++
	}
	q := digitsFrom(s, p)
	if q == p {
		return m, false
	}
	m.num[0] = s[p:q]
	p = q
	for k := 1; k < 4 && p+1 < len(s) && s[p] == '.' && isDigit(s[p+1]); k++ {
		q = digitsFrom(s, p+1)
		m.num[k] = s[p+1 : q]
		p = q
	}
	// "+metadata" is greedy but gives back bytes if what follows needs them.
	build := func(i int) bool {
		if i < len(s) && s[i] == '+' {
			j := i + 1
			for j < len(s) && !isSpace(s[j]) {
				j++
			}
			for ; j > i+1; j-- {
				if tail(j) {
					m.end = j
					return true
				}
			}
		}
		if tail(i) {
			m.end = i
			return true
		}
		return false
	}
	if mod, ok := matchModifier(s, p, true, build); ok {
		m.mod = mod
		return m, true
	}
	if p+2 < len(s) && s[p] == '.' && (s[p+1] == 'x' || s[p+1] == 'X' || s[p+1] == '*') {
		r := p + 2
		if r < len(s) && (s[r] == '.' || s[r] == '-') && hasPrefixFold(s[r+1:], "dev") {
			if build(r + 4) {
				m.xdev = s[p+1 : r+4]
				return m, true
			}
		}
		if hasPrefixFold(s[r:], "dev") && build(r+3) {
			m.xdev = s[p+1 : r+3]
			return m, true
		}
	}
	return m, false
}

// tildeRange reads "~1.2.3": at least the version, below the next
// significant release.
func tildeRange(c string) ([]leaf, bool, error) {
	p := 1
	if p < len(c) && c[p] == '>' {
		p++
	}
	m, ok := matchVersion(c, p, func(i int) bool { return atEnd(c, i) })
	if !ok {
		return nil, false, nil
	}
	if p == 2 {
		return nil, true, fmt.Errorf("%q: operator \"~>\" is not supported, use \"~\": %w", c, ErrInvalidConstraint)
	}
	position := 1
	for k := 3; k >= 1; k-- {
		if m.num[k] != "" {
			position = k + 1
			break
		}
	}
	if m.xdev != "" {
		position++
	}
	low, err := lowerBound(c, m)
	if err != nil {
		return nil, true, err
	}
	high := bumpVersion(m.num, max(1, position-1)) + "-dev"
	return []leaf{newLeaf(opGE, low), newLeaf(opLT, high)}, true, nil
}

// caretRange reads "^1.2.3": at least the version, below the next release
// that changes its left-most non-zero number.
func caretRange(c string, m versionMatch) ([]leaf, error) {
	position := 3
	switch {
	case m.num[0] != "0" || m.num[1] == "":
		position = 1
	case m.num[1] != "0" || m.num[2] == "":
		position = 2
	}
	low, err := lowerBound(c, m)
	if err != nil {
		return nil, err
	}
	high := bumpVersion(m.num, position) + "-dev"
	return []leaf{newLeaf(opGE, low), newLeaf(opLT, high)}, nil
}

// lowerBound normalizes the version after the tilde or caret, reaching down
// to its -dev pre-release unless it names a stability itself.
func lowerBound(c string, m versionMatch) (string, error) {
	v := c[1:]
	if m.mod.word == "" && m.mod.dev == "" && m.xdev == "" {
		v += "-dev"
	}
	low, ok := normalize(v)
	if !ok {
		return "", fmt.Errorf("%q: %w", v, ErrInvalidVersion)
	}
	return low, nil
}

// wildcardRange reads "1.x", "1.2.*": the versions starting with the given
// numbers, dev pre-releases included.
func wildcardRange(c string) ([]leaf, bool) {
	p := 0
	if p < len(c) && c[p] == 'v' {
		p++
	}
	var num [4]string
	q := digitsFrom(c, p)
	if q == p {
		return nil, false
	}
	num[0] = c[p:q]
	p = q
	position := 1
	for k := 1; k < 3 && p+1 < len(c) && c[p] == '.' && isDigit(c[p+1]); k++ {
		q = digitsFrom(c, p+1)
		num[k] = c[p+1 : q]
		p = q
		position = k + 1
	}
	isX := func(c byte) bool { return c == 'x' || c == 'X' || c == '*' }
	stars := 0
	for p+1 < len(c) && c[p] == '.' && isX(c[p+1]) {
		p += 2
		stars++
	}
	if stars == 0 || !atEnd(c, p) {
		return nil, false
	}
	low := padVersion(num, position) + "-dev"
	high := bumpVersion(num, position) + "-dev"
	if low == "0.0.0.0-dev" {
		return []leaf{newLeaf(opLT, high)}, true
	}
	return []leaf{newLeaf(opGE, low), newLeaf(opLT, high)}, true
}

// hyphenRange reads "1.0 - 2.1": inclusive at both ends, where a partial
// upper version stands for every version starting with it.
func hyphenRange(c string) ([]leaf, bool, error) {
	var to versionMatch
	var toStart int
	from, ok := matchVersion(c, 0, func(e int) bool {
		q := e
		for q < len(c) && c[q] == ' ' {
			q++
		}
		if q == e || q >= len(c) || c[q] != '-' {
			return false
		}
		r := q + 1
		for r < len(c) && c[r] == ' ' {
			r++
		}
		if r == q+1 {
			return false
		}
		var ok bool
		to, ok = matchVersion(c, r, func(i int) bool { return atEnd(c, i) })
		toStart = r
		return ok
	})
	if !ok {
		return nil, false, nil
	}
	fromText, toText := c[:from.end], c[toStart:to.end]
	low, ok := normalize(fromText)
	if !ok {
		return nil, true, fmt.Errorf("%q: %w", fromText, ErrInvalidVersion)
	}
	if from.mod.word == "" && from.mod.dev == "" && from.xdev == "" {
		low += "-dev"
	}
	high, ok := normalize(toText)
	if !ok {
		return nil, true, fmt.Errorf("%q: %w", toText, ErrInvalidVersion)
	}
	upper := newLeaf(opLE, high)
	if !(to.num[1] != "" && to.num[2] != "") && to.mod.word == "" && to.mod.dev == "" && to.xdev == "" {
		position := 1
		if to.num[1] != "" {
			position = 2
		}
		upper = newLeaf(opLT, bumpVersion(to.num, position)+"-dev")
	}
	return []leaf{newLeaf(opGE, low), upper}, true, nil
}

// comparison reads "<op><version>", the form every other one falls back
// to.
func comparison(c, flag string) ([]leaf, error) {
	var opText string
	for _, o := range [...]string{"<>", "!=", ">=", ">", "<=", "<", "==", "="} {
		if strings.HasPrefix(c, o) {
			opText = o
			break
		}
	}
	rest := c[len(opText):]
	for len(rest) > 0 && isSpace(rest[0]) {
		rest = rest[1:]
	}
	if i := strings.IndexByte(rest, '\n'); i >= 0 {
		rest = rest[:i]
	}
	version, ok := normalize(rest)
	if !ok {
		// Composer forgives "foo-dev" for "dev-foo".
		if !strings.HasSuffix(rest, "-dev") || !isBranchish(rest) {
			return nil, fmt.Errorf("%q: %w", c, ErrInvalidConstraint)
		}
		version = "dev-" + rest[:len(rest)-4]
	}
	o := parseOp(opText)
	switch {
	case o != opEQ && flag != "" && ParseStability(version) == StabilityStable:
		version += "-" + flag
	case (o == opLT || o == opGE) && !hasModifierSuffix(asciiLower(rest)) && !strings.HasPrefix(rest, "dev-"):
		// "<2.0" must exclude "2.0-beta1", so the bound moves down to the
		// lowest pre-release; Composer only looks for "-<stability>" at
		// the end, and in lower case, so "<2.0-RC1" moves too.
		version += "-dev"
	}
	return []leaf{newLeaf(o, version)}, nil
}

// isBranchish reports whether s is made only of letters, digits, "-", "."
// and "/".
func isBranchish(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !isAlnum(c) && c != '-' && c != '.' && c != '/' {
			return false
		}
	}
	return true
}

// hasModifierSuffix reports whether s (already lower case) ends in "-" and
// a modifier, matched case-sensitively so that "rc" does not count.
func hasModifierSuffix(s string) bool {
	end := func(i int) bool { return atEnd(s, i) }
	for i := strings.IndexByte(s, '-'); i >= 0; {
		if _, ok := matchModifier(s, i+1, false, end); ok {
			return true
		}
		next := strings.IndexByte(s[i+1:], '-')
		if next < 0 {
			break
		}
		i += 1 + next
	}
	return false
}

// padVersion joins the first position numbers and pads with zeros.
func padVersion(num [4]string, position int) string {
	return joinVersion(num, position, false)
}

// bumpVersion adds one to the number at position (1-based) and zeroes the
// ones after it, with PHP's arithmetic on numeric strings.
func bumpVersion(num [4]string, position int) string {
	return joinVersion(num, position, true)
}

func joinVersion(num [4]string, position int, bump bool) string {
	var b strings.Builder
	for i := 0; i < 4; i++ {
		if i > 0 {
			b.WriteByte('.')
		}
		switch {
		case i+1 > position:
			b.WriteByte('0')
		case i+1 == position && bump:
			b.WriteString(phpver.AddOne(num[i]))
		default:
			b.WriteString(num[i])
		}
	}
	return b.String()
}

// mergeAdjacentRanges is the one optimisation MultiConstraint::create
// makes: an alternative ">= a, < b" followed by ">= b, < c" becomes
// ">= a, < c". Composer compares the printed bounds only (the text after
// "<" with the text after ">="), so it also merges when a > b, and then
// changes the meaning; Composer does that, so this does.
func mergeAdjacentRanges(groups [][]leaf) [][]leaf {
	isRange := func(g []leaf) bool {
		return len(g) == 2 && !g[0].any && !g[1].any && g[0].op == opGE && (g[1].op == opLT || g[1].op == opLE)
	}
	mergeable := func(left, right []leaf) bool {
		if !isRange(left) || !isRange(right) {
			return false
		}
		// "< b" leaves "b" after two bytes, "<= b" leaves " b".
		upper, lower := left[1].version, right[0].version
		if left[1].op == opLE {
			return strings.HasPrefix(lower, " ") && lower[1:] == upper
		}
		return lower == upper
	}
	merged := make([][]leaf, 0, len(groups))
	left := groups[0]
	for _, right := range groups[1:] {
		if mergeable(left, right) {
			left = []leaf{left[0], right[1]}
			continue
		}
		merged = append(merged, left)
		left = right
	}
	return append(merged, left)
}

// An Alternative is one OR-ed part of a constraint: its text and its
// comparisons, which must all hold.
type Alternative struct {
	Text        string
	Comparisons []Comparison
}

// A Comparison is one comparison as Composer compiles it: Op is "==", "<",
// "<=", ">", ">=", "!=" or "*" (anything), and Version is normalized, with
// Composer's widening applied ("<2.0" compares against "2.0.0.0-dev").
type Comparison struct {
	Op, Version string
}

// Alternatives parses s as [ParseConstraint] does, but keeps each
// alternative apart with its text (Composer merges adjacent ranges), for
// callers that reason about the ranges themselves.
func Alternatives(s string) ([]Alternative, error) {
	var out []Alternative
	for _, alternative := range splitOr(phpTrim(s)) {
		a := Alternative{Text: alternative}
		for _, part := range splitAnd(alternative) {
			leaves, err := parseOne(part)
			if err != nil {
				return nil, fmt.Errorf("parse constraint %q: %w", s, err)
			}
			for _, l := range leaves {
				if l.any {
					a.Comparisons = append(a.Comparisons, Comparison{Op: "*"})
					continue
				}
				a.Comparisons = append(a.Comparisons, Comparison{Op: l.op.String(), Version: l.version})
			}
		}
		out = append(out, a)
	}
	return out, nil
}

package composer

import (
	"github.com/drupdate/drupdate/internal/phpver"
	"slices"
	"strings"
)

// A Constraint is a parsed Composer constraint: alternatives (OR) of
// comparisons that must all hold (AND). It is immutable and safe for
// concurrent use, and matching never allocates for ordinary version
// strings.
//
// The zero Constraint matches every version, like Composer's "*".
type Constraint struct {
	or     [][]leaf
	bare   bool   // Composer kept a single comparison unwrapped
	source string // the text that was parsed
}

// A leaf is one comparison against a normalized version, or "match all".
type leaf struct {
	op      op
	version string
	any     bool
	branch  bool   // version starts with "dev-"
	canon   string // version canonicalised for version_compare, or ""
}

// newLeaf prepares a comparison for matching.
func newLeaf(o op, version string) leaf {
	return leaf{
		op:      o,
		version: version,
		branch:  strings.HasPrefix(version, "dev-"),
		canon:   string(phpver.Canonical(nil, version)),
	}
}

type op uint8

const (
	opEQ op = iota
	opLT
	opLE
	opGT
	opGE
	opNE
)

// String spells the operator as Composer prints it.
func (o op) String() string {
	return [...]string{"==", "<", "<=", ">", ">=", "!="}[o]
}

func parseOp(s string) op {
	switch s {
	case "<":
		return opLT
	case "<=":
		return opLE
	case ">":
		return opGT
	case ">=":
		return opGE
	case "!=", "<>":
		return opNE
	}
	return opEQ
}

// String is the leaf as Composer's Constraint::__toString prints it; the
// merge of adjacent ranges compares these strings.
func (l leaf) String() string {
	if l.any {
		return "*"
	}
	return l.op.String() + " " + l.version
}

// Matches reports whether a normalized version (as [Normalize] returns it)
// satisfies c, as Composer's matches() does against an "== version"
// constraint. Branches ("dev-…") only match "==" the same branch and "!="
// anything else.
func (c Constraint) Matches(normalizedVersion string) bool {
	if len(c.or) == 0 {
		return true
	}
	// Canonicalise the version once for all the comparisons; the bounds
	// were canonicalised when c was parsed.
	var buf [128]byte
	v := subject{text: normalizedVersion, canon: phpver.Canonical(buf[:0], normalizedVersion)}
	if c.bare {
		return c.or[0][0].matchFromLeaf(v)
	}
	for _, group := range c.or {
		ok := true
		for i := range group {
			if !group[i].matchFromVersion(v) {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// A subject is the version being matched, with its canonical form when it
// is short enough to keep on the stack.
type subject struct {
	text  string
	canon []byte
}

// matchFromVersion is the leaf inside a MultiConstraint, where Composer
// asks the version's "==" constraint whether it meets the leaf.
func (l *leaf) matchFromVersion(v subject) bool {
	switch {
	case l.any:
		return true
	case l.op == opNE:
		return l.compare(v, false, opNE)
	}
	return l.compare(v, true, l.op)
}

// matchFromLeaf is a lone leaf, which Composer asks directly: "==" and "!="
// then compare with the operands the other way round.
func (l *leaf) matchFromLeaf(v subject) bool {
	switch {
	case l.any:
		return true
	case l.op == opEQ:
		return l.compare(v, false, opEQ)
	}
	return l.compare(v, true, l.op)
}

// compare is Constraint::versionCompare without branch comparison, with
// the version on the left (versionFirst) or on the right: branches are
// equal only to themselves and never ordered, and everything else goes to
// version_compare. The order of the operands matters because
// version_compare is not antisymmetric on odd strings ("1." against "1.").
func (l *leaf) compare(v subject, versionFirst bool, o op) bool {
	vBranch := strings.HasPrefix(v.text, "dev-")
	switch {
	case o == opNE && (vBranch || l.branch):
		return v.text != l.version
	case vBranch && l.branch:
		return o == opEQ && v.text == l.version
	case vBranch || l.branch:
		return false
	}
	var cmp int
	switch {
	case len(v.canon) > 0 && l.canon != "" && versionFirst:
		cmp = phpver.CompareCanonical(v.canon, l.canon)
	case len(v.canon) > 0 && l.canon != "":
		cmp = phpver.CompareCanonical(l.canon, v.canon)
	case versionFirst:
		cmp = phpver.VersionCompare(v.text, l.version)
	default:
		cmp = phpver.VersionCompare(l.version, v.text)
	}
	switch o {
	case opEQ:
		return cmp == 0
	case opLT:
		return cmp < 0
	case opLE:
		return cmp <= 0
	case opGT:
		return cmp > 0
	case opGE:
		return cmp >= 0
	}
	return cmp != 0
}

// String returns c in a canonical form that ParseConstraint reads back to
// the same constraint, such as ">= 1.0.0.0-dev, < 2.0.0.0-dev || == dev-main".
// When Composer offers no spelling for one of the bounds (a number too big
// for PHP's integers becomes a float, as in "1.0E+20.0.0.0-dev"), String
// returns the text that was parsed instead.
func (c Constraint) String() string {
	if len(c.or) == 0 {
		return "*"
	}
	canon, ok := c.canonical()
	if !ok {
		return c.source
	}
	if again, err := parseConstraints(canon); err != nil || !c.sameAs(again) {
		return c.source
	}
	return canon
}

func (c Constraint) sameAs(d Constraint) bool {
	return c.bare == d.bare && slices.EqualFunc(c.or, d.or, slices.Equal)
}

func (c Constraint) canonical() (string, bool) {
	var b strings.Builder
	for i, group := range c.or {
		if i > 0 {
			b.WriteString(" || ")
		}
		for j, l := range group {
			if j > 0 {
				b.WriteString(", ")
			}
			s, ok := l.spell()
			if !ok {
				return "", false
			}
			b.WriteString(s)
		}
	}
	return b.String(), true
}

// spell writes a leaf so that Composer's parser gives it back unchanged.
func (l leaf) spell() (string, bool) {
	if l.any {
		return "*", true
	}
	if strings.HasPrefix(l.version, "dev-") {
		v := l.version
		// A trailing "as" or "-" would keep the next comma from splitting;
		// a "@dev" flag hides it and normalize removes it again.
		if strings.HasSuffix(v, "as") || strings.HasSuffix(v, "-") {
			v += "@dev"
		}
		return l.op.String() + " " + v, true
	}
	if v, ok := spellVersion(l.version); ok {
		if (l.op == opLT || l.op == opGE) && !hasModifierSuffix(asciiLower(v)) {
			// Keep the parser from adding "-dev": it looks for "-" and a
			// modifier at the very end, so end with one that normalize
			// drops ("-stable", or "+-stable" as ignored metadata).
			for _, s := range [...]string{v + "-stable", v + "+-stable"} {
				if n, ok := normalize(s); ok && n == l.version {
					return l.op.String() + " " + s, true
				}
			}
			return "", false
		}
		return l.op.String() + " " + v, true
	}
	// "1.0.0.0-Beta" comes from ">1.0@Beta", a stability flag appended as
	// written; only the flag syntax gives it back, and only without spaces.
	if i := strings.LastIndexByte(l.version, '-'); i > 0 && l.op != opEQ {
		if base, ok := spellVersion(l.version[:i]); ok {
			return l.op.String() + base + "@" + l.version[i+1:], true
		}
	}
	return "", false
}

// spellVersion finds a string that normalizes to the given normalized
// version. Normalize is not idempotent, so the version itself does not
// always do.
func spellVersion(v string) (string, bool) {
	candidates := [...]string{
		v,
		// Date versions with three parts or fewer read as classical
		// versions unless their dots are dashes.
		strings.ReplaceAll(v, ".", "-"),
		// "-stable" is dropped, "-STABLE" is kept.
		strings.Replace(v, "-stable", "-STABLE", 1),
	}
	for _, s := range candidates {
		if n, ok := normalize(s); ok && n == v {
			return s, true
		}
	}
	return "", false
}

package constraint

import (
	"strings"

	"github.com/drupdate/drupdate/internal/phpver"
)

// An Op is one comparison of a parsed constraint: installed version Op
// Version under PHP's version_compare. Op is one of "=", "==", "!=", "<>",
// "<", "<=", ">" and ">=".
type Op struct {
	Op, Version string
}

// A Constraint is Drupal's Drupal\Component\Version\Constraint: the version
// part of a dependency, such as ">=8.x-1.2, <8.x-2.0" or "2.x". It is
// immutable and safe for concurrent use.
type Constraint struct {
	text string
	core string
	ops  []Op
}

// New parses constraint the way Drupal does for the given core
// compatibility prefix: "8.x" on Drupal 8 to 11 (Drupal never changed it),
// "7.x" for Drupal 7 .info files.
//
// Parsing never fails. The constraint is split on commas, and each piece
// that does not start (after spaces) with an optional operator, an optional
// core prefix and "<major>.<minor>" — where the minor is a number or "x",
// optionally followed by "-<letters><digits>" — is silently dropped. Text
// after that is ignored: "~1.0" is dropped, ">=2.1.3" reads as ">=2.1" and
// "=2.4-beta" as "=2.4". A constraint with nothing left accepts every
// version.
//
// Branches need care because version_compare puts "2.x" below "2.0":
// ">2.x" and "<=2.x" bump the major (">2.x" means ">=3.x"), and "2.x" or
// "=2.x" become the pair "<3.x" and ">=2.x".
func New(constraint, coreCompatibility string) *Constraint {
	return &Constraint{
		text: constraint,
		core: coreCompatibility,
		ops:  parsePieces(strings.Split(constraint, ","), coreCompatibility),
	}
}

// String returns the constraint as it was written, as Drupal shows it.
func (c *Constraint) String() string { return c.text }

// Ops returns the comparisons the constraint was parsed into, in order.
func (c *Constraint) Ops() []Op { return append([]Op(nil), c.ops...) }

// IsCompatible reports whether an installed extension's version string
// (its info file "version", "" when it has none) satisfies the constraint.
//
// Like Drupal's callers it first removes the core prefix: one leading
// "8.x-" (where, as in Drupal's regular expression, the "." stands for any
// character), or for "7.x" every "7.x-" in the string. Every comparison must
// then hold under version_compare, where "" is lower than any version.
func (c *Constraint) IsCompatible(installedVersion string) bool {
	return satisfiesAll(c.ops, stripCore(installedVersion, c.core))
}

func satisfiesAll(ops []Op, version string) bool {
	for _, o := range ops {
		if ok, _ := phpver.VersionCompareOp(version, o.Version, o.Op); !ok {
			return false
		}
	}
	return true
}

// stripCore removes the core prefix from an installed version the way the
// callers of Drupal's constraint code do: Drupal 7 uses str_replace, later
// versions a regular expression built from the unescaped prefix.
func stripCore(version, core string) string {
	if core == "7.x" {
		return strings.ReplaceAll(version, "7.x-", "")
	}
	prefix := core + "-"
	if len(version) < len(prefix) {
		return version
	}
	for i := 0; i < len(prefix); i++ {
		if prefix[i] == '.' && version[i] != '\n' {
			continue
		}
		if version[i] != prefix[i] {
			return version
		}
	}
	return version[len(prefix):]
}

// parsePieces turns the comma-separated pieces of a constraint into
// comparisons, dropping the pieces that do not parse.
func parsePieces(pieces []string, core string) []Op {
	var ops []Op
	for _, piece := range pieces {
		op, major, minor, ok := parsePiece(piece, core)
		if !ok {
			continue
		}
		if op == "" {
			op = "="
		}
		if minor == "x" {
			switch op {
			case ">", "<=":
				major = phpver.AddOne(major)
			case "=", "==":
				ops = append(ops, Op{"<", phpver.AddOne(major) + ".x"})
				op = ">="
			}
		}
		ops = append(ops, Op{op, major + "." + minor})
	}
	return ops
}

// operators in the order Drupal's pattern tries them; the first one the
// rest of the piece can follow wins, which makes "<=" beat "<".
var operators = [...]string{"!=", "==", "=", "<", "<=", ">", ">=", "<>"}

// parsePiece matches the start of one piece:
// spaces, [operator], spaces, [core "-"], major "." minor[-<letters><digits>].
func parsePiece(s, core string) (op, major, minor string, ok bool) {
	p := 0
	for p < len(s) && isSpace(s[p]) {
		p++
	}
	for _, o := range operators {
		if strings.HasPrefix(s[p:], o) {
			if major, minor, ok = parseVersion(s, p+len(o), core); ok {
				return o, major, minor, true
			}
		}
	}
	major, minor, ok = parseVersion(s, p, core)
	return "", major, minor, ok
}

// parseVersion reads spaces, an optional core prefix and the version. When
// the prefix is there but no version follows it, the prefix itself is read
// as the version: "8.x-beta1" is major 8, minor "x".
func parseVersion(s string, p int, core string) (major, minor string, ok bool) {
	for p < len(s) && isSpace(s[p]) {
		p++
	}
	if prefix := core + "-"; strings.HasPrefix(s[p:], prefix) {
		if major, minor, ok = majorMinor(s, p+len(prefix)); ok {
			return major, minor, true
		}
	}
	return majorMinor(s, p)
}

func majorMinor(s string, p int) (major, minor string, ok bool) {
	q := digitsFrom(s, p)
	if q == p || q >= len(s) || s[q] != '.' {
		return "", "", false
	}
	major = s[p:q]
	m := q + 1
	switch e := digitsFrom(s, m); {
	case e > m:
		m = e
	case m < len(s) && s[m] == 'x':
		m++
	default:
		return "", "", false
	}
	// An optional "-<letters><digits>" suffix, such as "-beta3".
	if m < len(s) && s[m] == '-' {
		l := m + 1
		for l < len(s) && isLetter(s[l]) {
			l++
		}
		if d := digitsFrom(s, l); l > m+1 && d > l {
			m = d
		}
	}
	return major, s[q+1 : m], true
}

// isSpace is PCRE's \s without Unicode support.
func isSpace(c byte) bool {
	switch c {
	case ' ', '\t', '\n', '\v', '\f', '\r':
		return true
	}
	return false
}

func isLetter(c byte) bool { return ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') }

func digitsFrom(s string, i int) int {
	for i < len(s) && '0' <= s[i] && s[i] <= '9' {
		i++
	}
	return i
}

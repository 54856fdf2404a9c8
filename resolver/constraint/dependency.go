package constraint

import "strings"

// phpTrim is PHP's trim() with its default list.
func phpTrim(s string) string { return strings.Trim(s, " \t\n\r\x00\x0b") }

// A Dependency is one entry of an extension's "dependencies:" list in a
// Drupal 8+ *.info.yml, as Drupal\Core\Extension\Dependency reads it.
type Dependency struct {
	Project    string // "drupal" in "drupal:views"; "" when not given
	Name       string // the module or theme
	Constraint string // "" when not given
}

// ParseDependency is Dependency::createFromString:
// "[project:]name[ (constraint)]". If the string contains ":" anywhere,
// what comes before the first one is the project and what lies between the
// first and the second is the rest (a leading ":" gives an empty project).
// The rest is split at the first "(": the name is the trimmed left side,
// the constraint the right side without trailing ")" and spaces, so
// "mod(>1.x)" works without a space.
func ParseDependency(s string) Dependency {
	var d Dependency
	if strings.Contains(s, ":") {
		parts := strings.Split(s, ":")
		d.Project, s = parts[0], parts[1]
	}
	name, rest, found := strings.Cut(s, "(")
	d.Name = phpTrim(name)
	if found {
		d.Constraint = strings.TrimRight(rest, ") ")
	}
	return d
}

// IsCompatible reports whether the installed version of the dependency
// (its info file "version", "" when it has none) satisfies the constraint,
// under Drupal 8+ rules (core prefix "8.x"); see [Constraint.IsCompatible].
func (d Dependency) IsCompatible(installedVersion string) bool {
	return New(d.Constraint, "8.x").IsCompatible(installedVersion)
}

// A D7Dependency is one "dependencies[] = …" line of a Drupal 7 .info
// file, as drupal_parse_dependency reads it.
type D7Dependency struct {
	Name    string
	Project string // "" when not given
	// OriginalVersion is " (" followed by everything after the first "(",
	// closing parenthesis included; "" when there is no "(". Drupal 7
	// shows it when the dependency is not met.
	OriginalVersion string
	Versions        []Op
}

// ParseD7Dependency is drupal_parse_dependency. It differs from
// [ParseDependency]: a project prefix is recognised only when ":" is not
// the first character, the text after "(" is kept as OriginalVersion, and
// the constraint is parsed with the "7.x-" core prefix (the trailing ")"
// is harmless because pieces are only matched from their start).
func ParseD7Dependency(s string) D7Dependency {
	var d D7Dependency
	if strings.IndexByte(s, ':') > 0 {
		parts := strings.Split(s, ":")
		d.Project, s = parts[0], parts[1]
	}
	name, rest, found := strings.Cut(s, "(")
	d.Name = phpTrim(name)
	if found {
		d.OriginalVersion = " (" + rest
		d.Versions = parsePieces(strings.Split(rest, ","), "7.x")
	}
	return d
}

// IsCompatible is drupal_check_incompatibility as Drupal 7 calls it, on
// the installed version with every "7.x-" removed. When it reports false,
// Drupal 7 names d.OriginalVersion as the requirement that failed.
func (d D7Dependency) IsCompatible(installedVersion string) bool {
	return satisfiesAll(d.Versions, stripCore(installedVersion, "7.x"))
}

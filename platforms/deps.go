package platforms

import (
	"fmt"
	"sort"
	"strings"

	"github.com/drupdate/drupdate/internal/drupal"
	"github.com/drupdate/drupdate/resolver/composer"
	"github.com/drupdate/drupdate/resolver/constraint"
)

// coreCompat says whether an extension runs on the platform's core, as
// Drupal's info parser decides it. constraint is what the decision was
// made against; err is set when Drupal would refuse the info file itself.
type coreCompat struct {
	incompatible bool
	constraint   string
	err          string
}

// compat applies InfoParserDynamic's rules for the platform's major:
// core_version_requirement is a Composer constraint on core's version;
// core extensions (under core/) and "Testing" ones without it are
// compatible; Drupal 8 falls back to the core key ("8.x") and Drupal 9 to
// a core key of exactly "8.x", and Drupal 10+ to nothing. Drupal 7
// compares the core key with "7.x" as PHP's == does.
func (s *scanner) compat(e *ext) coreCompat {
	if s.lay.major < 8 {
		c := coreCompat{constraint: e.core.str()}
		c.incompatible = !e.core.isset() || !e.core.looseEqualString("7.x")
		return c
	}
	var c coreCompat
	switch {
	case e.hasCVR:
		c.constraint = e.pub.CoreVersionRequirement
	case strings.HasPrefix(e.docRel, "core/") || e.pub.Package == "Testing":
		return coreCompat{constraint: s.lay.coreVersion}
	case s.lay.major <= 9 && e.core.isset():
		c.constraint = e.core.str()
		if s.lay.major == 9 && c.constraint != "8.x" {
			c.err = fmt.Sprintf("'core: %s' is not supported; Drupal 9 needs core_version_requirement", c.constraint)
			c.incompatible = true
			return c
		}
	default:
		c.err = "the 'core_version_requirement' key must be present"
		c.incompatible = true
		return c
	}
	ok, err := composer.Satisfies(s.lay.coreVersion, c.constraint)
	if err != nil {
		c.err = fmt.Sprintf("the 'core_version_requirement' constraint (%s) is not a valid value", c.constraint)
		c.incompatible = true
		return c
	}
	c.incompatible = !ok
	return c
}

// problems checks, site by site, the extensions each site uses: that each
// runs on this core, that each dependency exists among the modules the
// site sees and satisfies its constraint, and that a theme's base theme
// exists. The checks and their order are Drupal's: missing, then core
// compatibility, then version for Drupal 8+
// (ModuleDependencyMessageTrait); missing, then version, then core for
// Drupal 7 (system_modules), which checks only visible (not hidden)
// dependencies beyond their presence.
func (s *scanner) problems(views []*siteView) []drupal.Problem {
	seen := map[drupal.Problem]bool{}
	var out []drupal.Problem
	add := func(p drupal.Problem) {
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	compat := map[*ext]coreCompat{}
	compatOf := func(e *ext) coreCompat {
		c, ok := compat[e]
		if !ok {
			c = s.compat(e)
			compat[e] = c
			if c.err != "" {
				s.warnings.add(e.pub.Path, c.err)
			}
		}
		return c
	}
	for _, v := range views {
		modules := v.lists["module"]
		for _, e := range v.used {
			if e.test && !s.opts.IncludeTests || e.pub.Type == "theme_engine" {
				continue
			}
			if c := compatOf(e); c.incompatible {
				add(drupal.Problem{Extension: e.pub.Name, Requires: "drupal", Constraint: c.constraint, Installed: s.lay.coreVersion, Kind: drupal.ProblemIncompatibleCore})
			}
			if e.pub.BaseTheme != "" && e.pub.Type == "theme" {
				if _, ok := v.lists["theme"][e.pub.BaseTheme]; !ok {
					add(drupal.Problem{Extension: e.pub.Name, Requires: e.pub.BaseTheme, Kind: drupal.ProblemMissing})
				}
			}
			if s.lay.major < 8 && e.pub.Type == "theme" {
				continue // Drupal 7 themes cannot depend on modules
			}
			if e.pub.Hidden && (v.site == nil || v.site.enabled == nil) {
				// Drupal lists hidden modules nowhere, so it never shows
				// their dependencies; only an enabled one is checked.
				continue
			}
			for i, d := range e.pub.Dependencies {
				dep, ok := modules[d.Name]
				if !ok {
					add(drupal.Problem{Extension: e.pub.Name, Requires: d.Name, Constraint: d.Constraint, Kind: drupal.ProblemMissing})
					continue
				}
				if s.lay.major < 8 && dep.pub.Hidden {
					continue
				}
				installed := dep.version
				coreProblem := func() bool {
					if c := compatOf(dep); c.incompatible {
						add(drupal.Problem{Extension: e.pub.Name, Requires: d.Name, Constraint: c.constraint, Installed: s.lay.coreVersion, Kind: drupal.ProblemIncompatibleCore})
						return true
					}
					return false
				}
				if s.lay.major >= 8 && coreProblem() {
					continue
				}
				if !e.depCompatible(i, installed) {
					add(drupal.Problem{Extension: e.pub.Name, Requires: d.Name, Constraint: d.Constraint, Installed: installed, Kind: drupal.ProblemIncompatibleVersion})
					continue
				}
				if s.lay.major < 8 {
					coreProblem()
				}
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Extension != b.Extension {
			return a.Extension < b.Extension
		}
		if a.Requires != b.Requires {
			return a.Requires < b.Requires
		}
		return a.Kind < b.Kind
	})
	return out
}

// parseDeps splits an extension's dependencies with Drupal's grammar for
// the platform's major.
func (s *scanner) parseDeps(e *ext) {
	e.pub.Dependencies = make([]drupal.Dependency, 0, len(e.deps))
	for _, raw := range e.deps {
		var d drupal.Dependency
		if s.lay.major < 8 {
			pd := constraint.ParseD7Dependency(raw)
			d = drupal.Dependency{Raw: raw, Project: pd.Project, Name: pd.Name, Constraint: d7Constraint(pd.OriginalVersion)}
			e.d7deps = append(e.d7deps, pd)
		} else {
			pd := constraint.ParseDependency(raw)
			d = drupal.Dependency{Raw: raw, Project: pd.Project, Name: pd.Name, Constraint: pd.Constraint}
			e.deps8 = append(e.deps8, pd)
		}
		e.pub.Dependencies = append(e.pub.Dependencies, d)
	}
	if len(e.pub.Dependencies) == 0 {
		e.pub.Dependencies = nil
	}
}

// d7Constraint turns Drupal 7's original_version (" (" plus the rest of
// the string) into the text inside the parentheses, for display; the check
// itself uses the parsed dependency.
func d7Constraint(original string) string {
	c, _ := strings.CutPrefix(original, " (")
	return strings.TrimRight(c, ") ")
}

// depCompatible checks the i-th dependency's constraint against the
// installed version of its target, with the major's own parser.
func (e *ext) depCompatible(i int, installed string) bool {
	if e.d7deps != nil {
		return e.d7deps[i].IsCompatible(installed)
	}
	return e.deps8[i].IsCompatible(installed)
}

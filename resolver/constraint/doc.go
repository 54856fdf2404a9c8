// Package constraint reads Drupal's own dependency grammar: the
// "dependencies:" entries of *.info.yml files ("drupal:views (>=8.x-3.1)")
// and their Drupal 7 predecessors in .info files, and decides whether an
// installed version meets them.
//
// This is not Composer's grammar (see resolver/composer, which Drupal uses
// for core_version_requirement). It is older and looser, and drupdate has
// to agree with its quirks to predict which modules Drupal will refuse to
// enable.
//
// # Drupal 8 and later
//
// [ParseDependency] splits "[project:]name[ (constraint)]", and [New]
// compiles the constraint (Drupal\Component\Version\Constraint). The core
// prefix is "8.x" on every Drupal from 8 to 11. Pieces of the constraint
// that do not parse are dropped without an error; see [New] for the
// grammar and [Constraint.IsCompatible] for the check, which uses PHP's
// version_compare (internal/phpver).
//
// # Drupal 7
//
// [ParseD7Dependency] is drupal_parse_dependency and
// [D7Dependency.IsCompatible] is drupal_check_incompatibility, with the
// core prefix "7.x". New(constraint, "7.x") gives the same comparisons.
//
// # Fidelity
//
// The tests replay answers the real PHP classes and functions gave on a
// large generated matrix (testdata/README.md says how it was produced).
package constraint

// Package composer reproduces composer/semver, the library Drupal uses to
// evaluate core_version_requirement in *.info.yml files and the
// core_compatibility of releases in update feeds.
//
// drupdate has to agree with Drupal about which releases a site's core can
// run, so this package follows Composer's behaviour exactly rather than the
// Semantic Versioning specification. In particular Composer matches
// pre-releases against plain ranges: "^9" means ">=9.0.0.0-dev <10.0.0.0-dev"
// and so accepts "9.1.0-beta1", which Masterminds/semver would not.
//
// # Versions
//
// [Normalize] is VersionParser::normalize and [ParseStability] is
// VersionParser::parseStability. Normalized versions have four numbers and
// an optional suffix ("1.2.0.0-beta2", "2.9999999.9999999.9999999-dev"), or
// are branches ("dev-main"), which compare equal only to themselves.
//
// # Constraints
//
// [ParseConstraint] is VersionParser::parseConstraints; the [Constraint] it
// returns is compiled once and matched against normalized versions without
// allocating. [Satisfies], [SatisfiedBy] and [Sort] are the Semver helpers
// Drupal calls.
//
// Comparisons go through PHP's version_compare, as Composer's do
// (internal/phpver holds the reference version of it).
//
// # Fidelity
//
// The behaviour follows composer/semver 3.4 (what Drupal 10 and 11 install)
// down to its quirks, which are listed where they arise: date-like versions,
// "<2.0-RC1" reaching down to "2.0.0.0-RC1-dev", the merge of adjacent
// ranges, the unstable order of branches in [Sort]. The tests compare the
// package with the real library on thousands of generated cases
// (testdata/README.md says how they were produced).
package composer

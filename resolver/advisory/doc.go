// Package advisory matches installed Drupal projects against security
// advisories in OSV form (feeds/osv), the way Composer would order their
// versions, but without the mistakes of composer audit.
//
// # Compiling
//
// [Compile] turns the records into matchers once: every event version is
// normalized with [composer.Normalize] and canonicalised for PHP's
// version_compare, so [Database.Match] normalizes the installed version
// once and then only compares. A Database is immutable and safe for
// concurrent use.
//
// # Versions
//
// Installed versions are drupal.org versions, mapped to Composer versions
// by [ComposerVersion] ("8.x-1.9" is "1.9.0", "8.x-2.0-beta7" is
// "2.0.0-beta7", "8.x-1.x-dev" is "1.x-dev", Drupal 7's "7.x-3.20" is
// "3.20"). Each mapped version carries the Drupal generation it belongs
// to. The Drupal advisory database's ecosystems, "Packagist" (drupal/core)
// and "Packagist:https://packages.drupal.org/8" (contrib), are Drupal 8 and
// later; a Drupal 7 (or older) project is only matched against records of
// "Packagist:https://packages.drupal.org/7", of which there are none today.
// So "7.x-1.2" of a module never matches an advisory for its 8.x+ namesake,
// and Drupal core 7.86 never matches a drupal/core range.
//
// # Ranges
//
// Only ECOSYSTEM and SEMVER ranges are used, with OSV's rule: events are
// sorted by version, "introduced" makes later versions affected, "fixed"
// makes it and later versions unaffected, "last_affected" makes later
// versions unaffected. Versions are compared directly in Composer's order
// (version_compare on normalized versions), not through Composer
// constraints such as "<1.0.0", which Composer widens to "<1.0.0.0-dev" and
// so would pass a pre-release of the fix: here "1.0.0-beta3" is affected by
// a range fixed in "1.0.0", and a version equal to a "fixed" event never
// is.
//
// # Development branches
//
// A dev branch ("1.x-dev", "3.1.x-dev") is not a point in the order, so it
// is judged by its line: "1.x-dev" stands for every 1.* version, "3.1.x-dev"
// for every 3.1.* version. A range that reaches into the line affects the
// branch, unless a fix for it was released on that same line and the
// snapshot is known to be at least as new as the advisory (the installed
// Datestamp is at or after the record's Published time): then the fix has
// reached the branch. A snapshot without a datestamp is reported. A branch
// whose line the fix never reaches (the range is fixed only in a later
// major) is reported whatever its date. composer audit passes dev
// branches silently; drupdate does not.
//
// # Findings
//
// A [Finding] names the advisory, its aliases (CVEs), the matched ranges
// as written (database_specific.constraint, else the events), the nearest
// fixed version on the installed branch (the same major version, which
// for legacy "8.x-M.N" versions is M) and the advisory's link. Risk is
// carried when the record has a severity; the Drupal database's records
// have none, as drupal.org's risk score is not exported.
package advisory

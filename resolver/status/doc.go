// Package status computes Drupal update statuses exactly as Drupal's update
// module does: for each installed project, given its release history, whether
// it is up to date, has an update, needs a security update, or is revoked or
// unsupported, and what to recommend.
//
// # Algorithms
//
// Drupal 8 and later use the modern algorithm of update.compare.inc
// ([Modern]); Drupal 7 sites and the legacy "7.x" feeds use Drupal 7's
// ([Drupal7]). They differ in how they pick the target major, which releases
// they trust, and above all in what makes a project NOT_SECURE: the modern
// code requires the installed release (or the project) to be marked
// insecure, while Drupal 7 treats any newer security release as insecurity.
//
// # Purity and speed
//
// Evaluation is pure: a [Feed] (a parsed history, prepared once) and an
// installed version in, a [Result] out, with the clock injected for core's
// security coverage. Everything about a release that depends only on its
// feed (validation, version parse, branch support, release types) is worked
// out once in [Prepare], so evaluating a platform is a scan of precomputed
// facts.
//
// # Deliberate differences
//
// Where Drupal throws an uncaught exception (a core release whose version
// cannot be parsed while computing security coverage), drupdate skips that
// release instead of failing the report. Drupal's field-validation rules for
// the internal keys core_compatible and core_compatibility_message, which
// real feeds never carry, are not reproduced.
package status

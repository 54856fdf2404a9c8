// Package phpver reproduces the few PHP primitives that Drupal's and
// Composer's version logic is built on: is_numeric, PHP 8's comparison of
// two strings, and version_compare.
//
// Drupal decides update status and dependency satisfaction with these
// functions, so drupdate can only agree with Drupal if it agrees with them,
// quirks included. The package is a leaf: it imports nothing from the module.
package phpver

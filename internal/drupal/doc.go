// Package drupal is drupdate's shared vocabulary: release histories as
// drupal.org publishes them, installed inventories, update statuses and
// Drupal's version strings.
//
// It holds data and the rules for reading Drupal's own notations (version
// strings, support branches), and no I/O. Every other package speaks in these
// types: feeds produce a [History], platforms produce an [Inventory], and the
// resolver turns both into statuses.
package drupal

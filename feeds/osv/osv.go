// Package osv reads advisories in the Open Source Vulnerability format
// (https://ossf.github.io/osv-schema/), as the Drupal Security Team
// publishes them in DrupalSecurityTeam/drupal-advisory-database.
//
// The types are vocabulary only: they keep the fields drupdate uses and
// ignore the rest. [Parse] reads one record; [LoadDir] reads a directory
// tree of them. Matching records against installed versions is
// resolver/advisory's job.
package osv

import "time"

// Ecosystems used by the Drupal advisory database. Both are Drupal 8 and
// later: drupal/core comes from Packagist, contrib from drupal.org's
// Composer repository for Drupal 8+.
const (
	EcosystemPackagist   = "Packagist"
	EcosystemDrupalOrg8  = "Packagist:https://packages.drupal.org/8"
	EcosystemDrupalOrg7  = "Packagist:https://packages.drupal.org/7"
	RangeEcosystem       = "ECOSYSTEM"
	RangeSemver          = "SEMVER"
	RangeGit             = "GIT"
	ReferenceAdvisory    = "ADVISORY"
	ReferenceWeb         = "WEB"
	MaxRecordSize        = 1 << 20 // bytes; the largest real record is about 60 KB
	maxRecordSizeMessage = "1 MiB"
)

// An Entry is one OSV record (https://ossf.github.io/osv-schema/#id-modified-fields).
type Entry struct {
	SchemaVersion string      `json:"schema_version,omitempty"`
	ID            string      `json:"id"`
	Modified      time.Time   `json:"modified"`
	Published     time.Time   `json:"published,omitzero"`
	Withdrawn     time.Time   `json:"withdrawn,omitzero"`
	Aliases       []string    `json:"aliases,omitempty"`
	Summary       string      `json:"summary,omitempty"`
	Details       string      `json:"details,omitempty"`
	Severity      []Severity  `json:"severity,omitempty"`
	Affected      []Affected  `json:"affected,omitempty"`
	References    []Reference `json:"references,omitempty"`
}

// Severity is a scored severity (https://ossf.github.io/osv-schema/#severity-field).
// The Drupal database leaves it empty.
type Severity struct {
	Type  string `json:"type"`
	Score string `json:"score"`
}

// Affected is one affected package (https://ossf.github.io/osv-schema/#affected-fields).
type Affected struct {
	Package          Package          `json:"package"`
	Severity         []Severity       `json:"severity,omitempty"`
	Ranges           []Range          `json:"ranges,omitempty"`
	Versions         []string         `json:"versions,omitempty"`
	DatabaseSpecific AffectedSpecific `json:"database_specific,omitzero"`
}

// AffectedSpecific is the Drupal database's database_specific of an
// affected package.
type AffectedSpecific struct {
	// AffectedVersions is drupal.org's field, such as
	// "<10.6.13 || >=11.3.0 <11.3.14"; it may mention Drupal 7 versions
	// that no range covers.
	AffectedVersions string `json:"affected_versions,omitempty"`
}

// Package names a package in an ecosystem (https://ossf.github.io/osv-schema/#affectedpackage-field).
type Package struct {
	Ecosystem string `json:"ecosystem"`
	Name      string `json:"name"`
	Purl      string `json:"purl,omitempty"`
}

// Range is one affected range (https://ossf.github.io/osv-schema/#affectedranges-field).
type Range struct {
	Type             string        `json:"type"`
	Events           []Event       `json:"events"`
	DatabaseSpecific RangeSpecific `json:"database_specific,omitzero"`
}

// RangeSpecific is the Drupal database's database_specific of a range.
type RangeSpecific struct {
	// Constraint is the range in Composer's grammar, such as
	// ">= 8.0.0 <9.2.11" or "11.1.*".
	Constraint string `json:"constraint,omitempty"`
}

// An Event is one of Introduced, Fixed, LastAffected or Limit; exactly
// one is set in a valid record.
type Event struct {
	Introduced   string `json:"introduced,omitempty"`
	Fixed        string `json:"fixed,omitempty"`
	LastAffected string `json:"last_affected,omitempty"`
	Limit        string `json:"limit,omitempty"`
}

// Reference is a link (https://ossf.github.io/osv-schema/#references-field).
type Reference struct {
	Type string `json:"type"`
	URL  string `json:"url"`
}

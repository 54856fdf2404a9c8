// Package sa reads drupal.org's security advisories from the three places
// drupal.org publishes them besides the OSV database (see feeds/osv):
//
//   - the security RSS feeds ([FeedAll], [FeedContrib], [FeedCore],
//     [FeedPSA]), parsed by [ParseFeed] into [Item]s: the advisory id, the
//     project, the risk rating, the vulnerability, the affected versions,
//     CVE ids and the releases that fix it;
//   - psa.json ([PSAURL]), the feed Drupal core's system module shows on
//     administration pages, parsed by [ParsePSA] exactly as Drupal
//     validates it;
//   - the security-advisories API of drupal.org's Composer repository
//     ([ComposerAPIURL]), which composer audit reads, parsed by
//     [ParseComposer]; [ComposerURLs] builds its requests.
//
// [FetchFeed], [FetchPSA] and [FetchComposer] get the documents with a
// [feeds.Getter] and parse them. [OSVID] and [SAID] map between drupal.org's
// SA ids and the OSV database's.
//
// Matching advisories against installed versions is not done here: the
// affected versions stay text.
//
// # RSS feeds
//
// The feeds are Drupal 7 Views RSS 2.0. An item's title is
// "<Project> - <Risk> - <Vulnerability> - <ID>" and its description is
// HTML holding one div per field, told apart by class
// (field-name-field-project, project-machine-name,
// field-name-field-sa-criticality, …). Descriptions are parsed as HTML,
// never matched with patterns, and every field is plain text: script and
// style content and field labels are not text, and only links into
// drupal.org's project pages are read. The title's parts stand in for
// fields a description lacks.
//
// # Errors and caps
//
// Every document, entry count and field length is capped. A document that
// cannot be used at all is a [*ParseError] naming it; one bad entry is
// skipped and reported as a [Warning] while the rest is used. A failed
// fetch is the Getter's [*feeds.FetchError]. Nothing panics on any input.
package sa

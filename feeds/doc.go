// Package feeds brings in drupal.org's release histories: the documents at
// https://updates.drupal.org/release-history/<project>/<category>, in the
// modern "current" format and the legacy "7.x" one.
//
// # Parsing
//
// [ParseHistory] reads a document exactly as Drupal's update module does
// with PHP's SimpleXML, because drupdate's statuses must agree with
// Drupal's:
//
//   - The document must be well-formed XML as libxml sees it. UTF-8,
//     US-ASCII and ISO-8859-1 are read; other encodings are refused.
//   - The root element's name is not checked. The document is a release
//     history when the root has an un-prefixed <short_name> child; when it
//     has none and the root is <error>, it is the server's "no release
//     history" answer, a [*NoHistoryError].
//   - Only children without a namespace prefix count, as in SimpleXML's
//     iteration; an unbound prefix is part of the name, so it counts.
//   - An element's value is its direct text and CDATA, entities decoded,
//     not trimmed: PHP's (string) cast. An empty element is present with
//     value "", an absent one unset ([drupal.Opt]).
//   - Every child of the root and of a release is flattened to its value,
//     a later duplicate winning.
//   - Releases are the element children of the first <releases>, whatever
//     their names. Each is keyed by the value of its first <version>, and
//     a repeated key keeps its first position but takes the later
//     release's data entirely, as a PHP array does.
//   - A release's terms are the element children of its first <terms>,
//     each named by its first <name> and valued by its first <value>, and
//     grouped by name in order of first appearance, as Drupal's
//     name => values array holds them.
//
// What Drupal reads no further is read here by the same rules: the
// project's terms (the root's first <terms>), the last <dc:creator> (any
// root child named creator in the Dublin Core namespace), a release's
// archives (the <file> children of its first <files>, fields flattened)
// and whether its last <security> has covered="1".
//
// The parser bounds its work: elements may nest 64 deep.
//
// [MarshalHistory] writes a document that ParseHistory reads back to the
// same History.
//
// # Sources
//
// A [Client] fetches documents from a release-history server ([NewHTTP])
// or from a mirror directory holding <project>/<category>.xml files
// ([NewDir]); [Open] picks one from a URL or a path. Fetches are limited in
// time, size and concurrency, project names and categories are checked
// before they reach a URL or a path, and requests may be conditional.
//
// # Errors
//
// A failure is a [*FetchError] when no document arrived (Drupal's
// NOT_FETCHED status) or a [*ParseError] when one arrived without a
// release history (Drupal's UNKNOWN). Credentials in a base URL never
// appear in either. A poller deciding whether to try again asks the
// FetchError: [FetchError.Transient] (a timeout, a failed connection, 408,
// 429 or 5xx), [FetchError.Timeout], [FetchError.Reset], and
// [FetchError.RetryAfter], the wait the server asked for.
package feeds

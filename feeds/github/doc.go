// Package github brings in the releases of Drupal projects hosted on GitHub
// (custom modules and themes, private distributions) and turns them into a
// release history that drupdate's status engine evaluates as it does a
// drupal.org feed.
//
// # Fetching
//
// [Client.Releases] lists a repository's releases through go-github, 100
// a page, following the Link header for at most [MaxPages] pages; a
// repository with more is an error rather than a partial list. Drafts are
// left out. Repository names are checked against GitHub's alphabet before
// they reach a URL.
//
// A stored ETag makes the first page's request conditional (If-None-Match);
// a 304 comes back as [Listing.NotModified], not as an error. The ETag
// covers the first page only: new releases appear there, but an edit to an
// old release on a later page goes unseen until the first page changes.
//
// # Rate limits and retries
//
// A primary rate limit (403 or 429 with X-RateLimit-Remaining: 0) is
// waited out until X-RateLimit-Reset; a secondary one (go-github's
// AbuseRateLimitError, or a 403 or 429 with Retry-After) for as long as
// the server asks, else a minute. Server errors, 408 and failed
// connections are retried after 1, 2 and 4 seconds, or after a longer
// Retry-After. Each wait uses the client's clock ([WithClock]), ends when
// the context does, and must fit within the maximum wait ([WithMaxWait]);
// a longer one, or a fourth failure, ends the listing with a [*FetchError]
// whose RetryAt says when to come back.
//
// # Errors
//
// Every error of Releases is a [*FetchError]. It wraps [ErrNotFound] for a
// 404 (GitHub's answer both for a missing repository and for a private one
// the token cannot read), [ErrRateLimited] for a limit that outlasted the
// wait, and [ErrInvalidRepo] for a bad name; [FetchError.Transient] tells a
// poller whether trying again may help. No error holds the token: it lives
// only in the request header, and text from the server is scrubbed of it.
//
// # Versions
//
// [Version] maps a tag to a Drupal version: one leading "v" is dropped, and
// what remains must be a release version as drupal.org issues them,
// MAJOR.MINOR.PATCH or 8.x-MAJOR.PATCH with an optional extra such as
// "-beta1" or "-rc2". Branch snapshots ("2.x-dev"), Drupal 7 releases
// ("7.x-2.0") and other tags ("latest", "build-17", "1.2.3-beta.1") name no
// release, and [History] reports them as [TagError]s.
//
// # Histories
//
// [History] writes the history as drupal.org would: project_status
// "published", releases newest first by [drupal.Compare], each published,
// with its tag, release page (release_link) and publication time (date),
// and no core_compatibility. The conventions GitHub leaves open:
//
//   - Supported branches. Every major that has a release is a supported
//     branch ("1." or "8.x-1."), newest first. GitHub knows nothing of
//     maintained branches, and declaring older majors unsupported would
//     turn every site on one NOT_SUPPORTED. So the status engine
//     recommends the newest release of the installed major, pre-releases
//     apart, and lists newer majors as also available, as drupal.org does
//     for projects supporting several majors.
//
//   - Security releases. A release whose name contains "[security]", or
//     whose notes have a line reading "Security update" (a Markdown
//     heading or bold line counts; case is ignored), carries the
//     "Security update" release type. As drupal.org's security team does,
//     every older release of the same major is then marked "Insecure", so
//     that a site running one is NOT_SECURE: Drupal 8+ reports that only
//     for an installed release marked insecure. Other majors are left
//     alone, since a release says nothing about them.
//
//   - Pre-releases. A tag with an extra ("1.3.0-beta1") is a pre-release to
//     Drupal already. A GitHub pre-release with a stable-looking tag
//     ("1.3.0") keeps the tag's version as its key, so an installed 1.3.0
//     is found, but its version value gains the extra "-prerelease".
//     Drupal recommends only a release group containing a release without
//     extra, so such a release is never recommended over a stable one; as
//     for any pre-release, it is recommended only when its major has no
//     stable release at all, or when it is the release installed.
//
//   - Duplicates. Tags naming the same version ("v1.2.3" and "1.2.3") keep
//     one release: the full release over a pre-release, else the one
//     listed first (the newer, in the API's order).
package github

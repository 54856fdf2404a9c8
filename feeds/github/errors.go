package github

import (
	"errors"
	"net/http"
	"regexp"
	"strconv"
	"time"
)

// FetchError reports that a repository's releases could not be listed.
// Every error [Client.Releases] returns is one. It never holds the token.
type FetchError struct {
	Repo string // "owner/name" as the caller gave it
	// StatusCode is the HTTP status that made the listing fail, or 0 when
	// none did (a transport error, a malformed body, an invalid name).
	StatusCode int
	// RetryAt is when the server said trying again may succeed: the end of
	// a rate limit, or a Retry-After. Zero when it said nothing.
	RetryAt time.Time
	Err     error

	transient bool // decided where the failure was classified
}

func (e *FetchError) Error() string {
	return "list releases of " + printable(e.Repo) + ": " + e.Err.Error()
}

func (e *FetchError) Unwrap() error { return e.Err }

// Transient reports whether trying again later may succeed: a rate limit,
// HTTP status 408, 429 or 5xx, a timeout or a failed connection. A
// missing repository, a malformed or oversized answer, an invalid name and
// a cancelled context will fail the same way until something changes.
func (e *FetchError) Transient() bool { return e.transient }

// Conditions callers branch on; a [FetchError] wraps them.
var (
	// ErrNotFound: GitHub answered 404, which it does both for a missing
	// repository and for a private one the token cannot read.
	ErrNotFound = errors.New("repository not found or not accessible")
	// ErrRateLimited: a primary or secondary rate limit outlasted the
	// client's maximum wait or its retries; FetchError.RetryAt says when
	// it lifts.
	ErrRateLimited = errors.New("rate limited")
	// ErrInvalidRepo: the repository is not "owner/name" in GitHub's
	// alphabet, so it never reaches a URL.
	ErrInvalidRepo = errors.New("invalid repository name")
)

func transientStatus(c int) bool {
	return c == http.StatusRequestTimeout || c == http.StatusTooManyRequests || c >= 500 && c <= 599
}

// repoPattern is GitHub's alphabet for owners (letters, digits, hyphens and
// the underscore of enterprise-managed users, at most 39) and repository
// names (letters, digits, ".", "-", "_", at most 100). Nothing else may
// reach the request path.
var repoPattern = regexp.MustCompile(`^([A-Za-z0-9][A-Za-z0-9_-]{0,38})/([A-Za-z0-9._-]{1,100})$`)

// splitRepo validates "owner/name". The names "." and ".." are path
// segments, not repositories.
func splitRepo(repo string) (owner, name string, ok bool) {
	m := repoPattern.FindStringSubmatch(repo)
	if m == nil || m[2] == "." || m[2] == ".." {
		return "", "", false
	}
	return m[1], m[2], true
}

// printable returns a repository name as it is when valid, else quoted, so
// that an error stays one clean line.
func printable(repo string) string {
	if _, _, ok := splitRepo(repo); ok {
		return repo
	}
	return strconv.Quote(repo)
}
